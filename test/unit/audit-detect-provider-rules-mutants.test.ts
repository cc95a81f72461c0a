/**
 * Every provider rule on values built from templates: its own examples, one positive per alternative of its pattern
 * (each prefix, each token shape), and near misses (a character too few or too many, a wrong prefix, a word character
 * glued on either side). provider-rules.ts is data built when the module loads, so it is loaded in beforeAll: the
 * mutation run credits its patterns to these tests only that way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { expandTemplate } from "../../src/audit/detect/fake.js";
import type { ProviderRule } from "../../src/audit/detect/provider-rules.js";

let PROVIDER_RULES: readonly ProviderRule[];
let matchProviderRule: typeof import("../../src/audit/detect/scan.js").matchProviderRule;
/** Kept rather than thrown, so a table that fails to build fails a test (a failing hook only skips them). */
let loadError: unknown;
beforeAll(async () => {
  try {
    ({ PROVIDER_RULES } = await import("../../src/audit/detect/provider-rules.js"));
    ({ matchProviderRule } = await import("../../src/audit/detect/scan.js"));
  } catch (e) {
    loadError = e;
  }
});

it("the rule table builds: every pattern compiles", () => {
  expect(loadError).toBeUndefined();
  expect(PROVIDER_RULES.length).toBeGreaterThan(100);
  for (const r of PROVIDER_RULES) expect(r.pattern.flags, r.id).toMatch(/^i?$/);
});

const byId = (id: string) => {
  const r = PROVIDER_RULES.find((x) => x.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
};
/** A template expanded; `[[SSHA]]` stands for a literal `{SSHA}` (braces are template syntax). */
const expand = (template: string, seed: string) => expandTemplate(template, seed).replace(/\[\[(\w+)\]\]/g, "{$1}");
/** The rule's id when `rule` alone finds a secret in the value expanded from `template`. */
const hit = (id: string, template: string, seed = "") => matchProviderRule(expand(template, `prm/${id}/${template}/${seed}`), [byId(id)])?.id;

/** Further positives: one per alternative of the rule's pattern. */
const POSITIVES: Record<string, string[]> = {
  "aws-access-key-id": ["ASIA{2:16}", "ABIA{2:16}", "ACCA{2:16}", "A3T9{2:16}", "A3TX{2:16}"],
  "aws-session-token": ["FwoGZXIvYXdzE{b:120}", "FQoGZXIvYXdzE{b:120}", "IQoJb3JpZ2luX2Vj{b:100}", "IQoJb3JpZ2luX2Vj{b:100}==", "IQoJb3JpZ2luX2Vj{b:100}="],
  "aws-bedrock-api-key": ["ABSK{b:109}", "ABSK{b:269}", "ABSK{b:120}=="],
  "gcp-api-key": ["AIza{w:35}"],
  "google-oauth-client-secret": ["GOCSPX-{w:28}"],
  "google-oauth-refresh-token": ["1//0{w:40}", "token=1//0{w:60}"],
  "azure-storage-account-key": ["AccountKey={b:86}=="],
  "azure-shared-access-key": ["AccessKey={b:42}=", "SharedAccessKey={b:43}="],
  "azure-app-configuration": ["x.azconfig.io;Id=a;Secret={b:40}", "x.azconfig.io;Id={a:64};Secret={b:43}=="],
  "azure-sas-token": ["x?sv=2022-11-02;sig={b:40}", "x?sv=2022-11-02&sig={b:43}=", "x;sv=2022-11-02&sig={a:20}%2B{a:20}%3D%3D"],
  "azure-ad-client-secret": ["{a:3}1Q~{a:31}", "a_.9Q~{a:20}-{a:12}"],
  "azure-devops-pat": ["{a:52}AZDO{a:28}"],
  "alibaba-access-key-id": ["LTAI{a:20}"],
  "digitalocean-token": ["doo_v1_{h:64}", "dor_v1_{h:64}"],
  "heroku-api-key": ["HRKU-AA{w:58}"],
  "flyio-token": ["fo1_{w:43}", "fm1_{b:100}", "fm1a_{b:120}=", "fm2r_{b:120}==="],
  "netlify-token": ["nfp_{a:36}"],
  "cloudflare-origin-ca-key": ["v1.0-{h:24}-{h:146}"],
  "github-token": ["gho_{a:36}", "ghu_{a:36}", "ghs_{a:36}", "ghr_{a:36}"],
  "github-fine-grained-pat": ["github_pat_{a:82}"],
  "gitlab-token": ["gldt-{w:20}", "glft-{w:20}", "glsoat-{w:20}", "glrt-{w:20}", "glptt-{w:20}", "glimt-{w:20}", "glagent-{w:20}", "gloas-{w:20}", "glffct-{w:20}", "glcbt-{w:20}", "GR1348941{w:20}", "glpat-{a:10}.{a:10}"],
  "atlassian-api-token": ["ATCTT3{a:100}", "ATATT3{a:100}=_-{a:4}", "ATBB{a:32}"],
  "npm-token": ["npm_{a:36}"],
  "pypi-token": ["pypi-AgENdGVzdC5weXBpLm9yZw{w:50}", "pypi-AgEIcHlwaS5vcmc{w:50}"],
  "rubygems-token": ["rubygems_{h:48}"],
  "nuget-api-key": ["oy2{l:43}"],
  "docker-hub-token": ["dckr_oat_{w:27}", "dckr_pat_{w:40}"],
  "circleci-token": ["CCIPAT_{a:22}_{h:40}"],
  "artifactory-token": ["cmVmd{a:59}", "AKCp{a:69}"],
  "sonarqube-token": ["sqp_{h:40}", "sqa_{h:40}"],
  "sourcegraph-token": ["sgp_local_{h:40}", "sgp_{h:40}", "sgp_{H:16}_{H:40}"],
  "doppler-token": ["dp.pt.{a:40}", "dp.sa.{l:2}.{a:44}", "dp.ct.{l:35}.{a:40}", "dp.scim.{a:42}", "dp.audit.x_-{l:4}.{a:40}", "dp.st.{a:40}"],
  "vault-token": ["hvb.{w:24}", "hvr.{w:30}"],
  "terraform-cloud-token": ["{a:14}.atlasv1.{w:60}", "{a:14}.atlasv1.{w:70}", "{a:14}.atlasv1.{a:60}=-"],
  "pulumi-token": ["pul-{h:40}"],
  "postman-api-key": ["PMAK-{H:24}-{h:34}"],
  "dynatrace-token": ["dt0c01.{A:24}.{A:64}"],
  "grafana-token": ["glc_{b:32}", "glc_{b:40}===", "eyJrIjoi{a:70}", "eyJrIjoi{a:80}==", "glsa_{a:32}_{H:8}"],
  "sentry-token": ["sntrys_eyJ{a:60}", "sntrys_eyJ{a:60}+/=_", "sntryu_{h:64}"],
  "new-relic-key": ["NRII-{w:32}", "NRJS-{h:19}", "{h:36}NRAL", "NRAK-{A:27}"],
  "honeycomb-key": ["hcxik_{l:58}", "hcakk_{l:58}", "hcxkk_{l:58}", "hcamk_{l:58}"],
  "linear-api-key": ["lin_api_{a:40}"],
  "notion-token": ["secret_{a:43}", "ntn_{d:11}{a:35}"],
  "airtable-token": ["pat{a:14}.{h:64}"],
  "asana-token": ["1/{d:10}:{h:32}", "2/{d:16}:{h:32}", "1/{d:10}/{d:10}:{h:32}"],
  "contentful-token": ["CFPAT-{w:43}"],
  "shopify-token": ["shpca_{h:32}", "shppa_{H:32}", "shpss_{h:32}"],
  "figma-token": ["figd_{w:40}"],
  "mapbox-secret-token": ["sk.eyJ{w:20}.{w:22}"],
  "misc-prefixed-token": ["rdme_{l:70}", "ico-{a:32}", "tk-us-{w:48}", "CLOJARS_{l:60}", "API-{A:26}", "tfp_{w:40}.={w:17}", "fio-u-{w:62}=-"],
  "planetscale-token": ["pscale_pw_{w:32}", "pscale_oauth_{w:64}", "pscale_tkn_{a:30}.="],
  "tailscale-key": ["tskey-api-{a:6}-{a:20}", "tskey-client-{a:8}-{a:30}", "tskey-webhook-{a:6}-{a:20}"],
  "dropbox-token": ["sl.{w:130}"],
  "supabase-token": ["sbp_{h:40}"],
  "neon-api-key": ["napi_{l:64}"],
  "render-api-key": ["rnd_{a:32}"],
  "resend-api-key": ["re_{a:8}_{a:24}"],
  "mailersend-token": ["mlsn.{h:64}"],
  "settlemint-token": ["sm_aat_{a:16}", "sm_sat_{a:16}"],
  "clickhouse-cloud-key": ["4b1d{a:38}"],
  "intra42-secret": ["s-s4t2af-{h:64}"],
  "1password-token": ["ops_eyJ{b:250}", "ops_eyJ{b:260}===", "A3-{A:6}-{A:6}-{A:5}-{A:5}-{A:5}-{A:5}"],
  "openai-api-key": ["sk-{a:20}T3BlbkFJ{a:20}", "sk-svcacct-{w:20}T3BlbkFJ{w:20}", "sk-admin-{w:100}", "sk-proj-{w:100}"],
  "anthropic-api-key": ["sk-ant-admin01-{w:93}AA"],
  "huggingface-token": ["api_org_{L:34}"],
  "groq-api-key": ["gsk_{a:52}"],
  "perplexity-api-key": ["pplx-{a:48}"],
  "replicate-token": ["r8_{a:37}"],
  "xai-api-key": ["xai-{a:80}"],
  "langsmith-key": ["lsv2_sk_{h:32}_{h:10}"],
  "stripe-secret-key": ["rk_live_{a:24}", "sk_test_{a:10}", "rk_test_{a:24}", "sk_prod_{a:99}", "rk_prod_{a:24}"],
  "stripe-webhook-secret": ["whsec_{b:40}=="],
  "square-token": ["sq0atp-{w:22}", "sq0csp-{w:43}", "EAAA{w:60}"],
  "braintree-token": ["access_token$production${l:16}${h:32}"],
  "shippo-token": ["shippo_test_{H:40}"],
  "easypost-key": ["EZTK{a:54}"],
  "duffel-token": ["duffel_test_{w:43}"],
  "flutterwave-key": ["FLWSECK_TEST-{h:32}-X", "FLWSECK-ABCDEFGH{h:24}-X"],
  "plaid-access-token": ["access-sandbox-{uuid}", "access-development-{uuid}"],
  "slack-token": ["xoxp-{d:12}-{a:24}", "xoxa-{a:12}", "xoxo-{a:12}", "xoxr-{a:12}", "xoxs-{d:3}-{d:4}-{a:8}-{a:4}", "xapp-1-{A:11}-{d:13}-{l:64}", "xoxe.xoxp-1-{A:140}", "xoxe.xoxb-1-{A:150}", "xoxe-1-{A:140}"],
  "slack-webhook": ["http://hooks.slack.com/workflows/T{A:10}/B{A:10}/{a:16}", "https://hooks.slack.com/triggers/T{A:10}/B{A:10}/{a:24}"],
  "discord-webhook": ["https://ptb.discord.com/api/webhooks/{d:17}/{w:60}", "http://canary.discordapp.com/api/webhooks/{d:20}/{w:70}"],
  "teams-webhook": [
    "https://outlook.office.com/webhook/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}",
    "https://outlook.office365.com/webhook/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}",
    "https://a-b_c.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}",
  ],
  "azure-logic-app-webhook": ["https://prod-{d:2}.westeurope.logic.azure.com/workflows/{h:32}/triggers/manual/paths/invoke?sig={w:30}", "https://a.logic.azure.com:443/workflows/{h:32}/triggers/x?a=b&sig=%2F{w:40}"],
  "google-chat-webhook": ["https://chat.googleapis.com/v1/spaces/{w:11}/messages?key={w:39}&token={w:40}%3D"],
  "zapier-webhook": ["https://hooks.zapier.com/hooks/catch/{d:7}/{l:6}", "https://hooks.zapier.com/hooks/catch/1/{l:12}/"],
  "telegram-bot-token": ["{d:8}:AA{w:33}", "{d:9}:AA{w:33}"],
  "twilio-api-key": ["SK{H:32}"],
  "sendgrid-api-key": ["SG.{w:22}.{w:43}"],
  "mailgun-api-key": ["key-{h:32}"],
  "mailchimp-api-key": ["{h:32}-us{d:1}"],
  "brevo-api-key": ["xsmtpsib-{h:64}-{a:16}"],
  "facebook-token": ["EAA{a:100}", "{d:15}|{w:27}", "{d:16}|{w:40}"],
  "private-key-base64": ["{b64pem:RSA PRIVATE KEY}"],
  "private-key": ["{pem:PRIVATE KEY}", "{pem:A B PRIVATE KEY}", "{pem:OPENSSH PRIVATE KEY}", "{pem:PGP PRIVATE KEY BLOCK}", "{pem:ENCRYPTED PRIVATE KEY}"],
  "putty-private-key": ["PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 14"],
  "age-secret-key": ["AGE-SECRET-KEY-1{8:58}"],
  "password-hash": [
    "$2a$10${c:53}",
    "$2y$12${c:53}",
    "$2x$04${c:53}",
    "$2$10${c:53}",
    "$argon2id$v=19$m=65536,t=3,p=4${b:22}${b:43}",
    "$argon2i$v=19$m=4096,t=3,p=1${b:11}${b:16}",
    "$argon2d$v=1$m=1,t=1,p=1${b:16}${b:32}",
    "$argon2id$v=19$m=19456,t=10,p=16${b:22}${b:43}",
    "$1${c:8}${c:22}",
    "$5$rounds=5000${c:16}${c:43}",
    "$6${c:16}${c:86}",
    "$apr1${c:8}${c:22}",
    "$y$j9T${c:22}${c:43}",
    "pbkdf2_sha256$600000${a:22}${b:44}",
    "pbkdf2_sha1$10000${a:12}${b:27}=",
    "pbkdf2_sha512$1${a:12}${b:86}==",
    "[[SSHA]]{b:32}",
    "[[SHA]]{b:27}=",
  ],
  "url-credentials": ["mysql://root:{a:16}@10.0.0.1/db", "neo4j+s://neo4j:{a:16}@db.{l:6}.io", "amqps://u:{a:12}@mq.{l:8}.net", "git+ssh://deploy:{a:20}@git.{l:6}.com/repo.git"],
  "connection-string-password": ["Server=db;Pwd={a:16}", "Password={a:16};Server=db", "Host=db; password = {a:16};"],
  "laravel-app-key": ["base64:{b:43}="],
  "django-insecure-key": ["django-insecure-{a:40}", "django-insecure-!@#$%^&*(+=)-{a:40}"],
};

/** Near misses: the rule alone must find nothing in the value. */
const MISSES: Record<string, string[]> = {
  "aws-access-key-id": ["AKIA{2:15}", "AKIA{2:17}", "xAKIA{2:16}", "AKIA{2:16}x", "_AKIA{2:16}", "AKIB{2:16}", "A3T{2:16}", "AKIA{2:15}1", "AKIA{2:15}-x"],
  "aws-session-token": ["IQoJb3JpZ2luX2Vj{b:99}", "xIQoJb3JpZ2luX2Vj{b:120}"],
  "aws-bedrock-api-key": ["ABSK{b:108}", "ABSK{a:270}"],
  "gcp-api-key": ["AIza{w:34}", "AIza{a:36}", "AIzb{w:35}"],
  "google-oauth-client-secret": ["GOCSPX-{w:27}", "GOCSPX-{w:29}"],
  "google-oauth-refresh-token": ["1//0{w:39}", "/1//0{w:60}", "x1//0{w:60}", "1//1{w:60}"],
  "azure-storage-account-key": ["AccountKey={b:85}==", "AccountKey={b:86}=", "AccountKey={b:80}!{b:5}=="],
  "azure-shared-access-key": ["AccessKey={b:41}=", "AccessKey={b:43}"],
  "azure-app-configuration": ["x.azconfig.io;Id=a;Secret={b:39}", "x.azconfig.io;Id=;Secret={b:43}", "x.azconfig.io;Id={a:65};Secret={b:43}", "x.azconfig.io;Id=a b;Secret={b:43}", "xazconfig.io;Id=a;Secret={b:43}"],
  "azure-sas-token": ["x?sv=2022-11-02&sig={b:39}", "x?sv=2022-11-02 sig={b:43}", "x?sig={b:43}"],
  "azure-ad-client-secret": ["{a:3}1Q~{a:30}", "{a:3}1Q~{a:35}", "{a:3}xQ~{a:31}", "{a:2}1Q~{a:31}", "-{a:3}1Q~{a:31}", "x{a:3}1Q~{a:31}"],
  "azure-devops-pat": ["{a:51}AZDO{a:28}", "{a:52}AZDO{a:27}"],
  "alibaba-access-key-id": ["LTAI{a:19}", "LTAI{a:21}", "LTAI{a:19}_"],
  "digitalocean-token": ["dop_v1_{h:63}", "dop_v1_{h:65}", "dox_v1_{h:64}", "dop_v1_{H:64}"],
  "heroku-api-key": ["HRKU-AA{w:57}", "HRKU-AA{w:59}"],
  "flyio-token": ["fo1_{w:42}", "fm2_{b:99}", "fm3_{b:120}", "fm2x_{b:120}"],
  "netlify-token": ["nfp_{a:35}", "nfp_{a:37}"],
  "cloudflare-origin-ca-key": ["v1.0-{h:23}-{h:146}", "v1.0-{h:24}-{h:145}", "v1x0-{h:24}-{h:146}"],
  "github-token": ["ghp_{a:35}", "ghp_{a:37}", "ghx_{a:36}", "ghp_{a:35}-"],
  "github-fine-grained-pat": ["github_pat_{w:81}", "github_pat_{w:83}"],
  "gitlab-token": ["glpat-{w:19}", "glxyz-{w:20}", "GR134894{w:20}", "glpat-{a:10} {a:10}"],
  "atlassian-api-token": ["ATATT3{a:99}", "ATBB{a:31}", "ATBB{a:33}"],
  "npm-token": ["npm_{a:35}", "npm_{a:37}"],
  "pypi-token": ["pypi-AgEIcHlwaS5vcmc{w:49}", "pypi-AgEIcHlwaS5vcmX{w:60}"],
  "rubygems-token": ["rubygems_{h:47}", "rubygems_{h:49}", "rubygems_{H:48}"],
  "nuget-api-key": ["oy2{l:42}", "oy2{l:44}", "oy2{U:43}"],
  "docker-hub-token": ["dckr_pat_{w:26}", "dckr_xat_{w:27}"],
  "circleci-token": ["CCIPAT_{a:21}_{h:40}", "CCIPAT_{a:22}_{h:39}", "CCIPAT_{a:22}_{h:41}"],
  "artifactory-token": ["AKCp{a:68}", "AKCp{a:70}", "cmVmd{a:58}", "cmVmd{a:60}"],
  "sonarqube-token": ["squ_{h:39}", "squ_{h:41}", "sqx_{h:40}", "squ_{H:40}"],
  "sourcegraph-token": ["sgp_{h:15}_{h:40}", "sgp_{h:16}_{h:39}", "sgp_{h:39}", "sgp_{h:41}", "sgp_remote_{h:40}"],
  "doppler-token": ["dp.pt.{a:39}", "dp.pt.{a:45}", "dp.xx.{a:40}", "dp.pt.{l:36}.{a:40}", "dp.pt.{l:1}.{a:40}"],
  "vault-token": ["hvs.{w:23}", "hvx.{w:30}"],
  "terraform-cloud-token": ["{a:13}.atlasv1.{w:60}", "{a:14}.atlasv1.{w:59}", "{a:14}.atlasv1.{a:71}", "{a:14}xatlasv1.{w:60}"],
  "pulumi-token": ["pul-{h:39}", "pul-{h:41}", "pul-{H:40}"],
  "postman-api-key": ["PMAK-{h:23}-{h:34}", "PMAK-{h:24}-{h:33}", "PMAK-{h:24}-{h:35}"],
  "dynatrace-token": ["dt0c01.{A:23}.{A:64}", "dt0c01.{A:24}.{A:63}", "dt0c01.{A:24}.{A:65}", "dt0c01.{l:24}.{A:64}"],
  "grafana-token": ["glc_{b:31}", "glc_{a:401}", "glsa_{a:31}_{h:8}", "glsa_{a:32}_{h:7}", "glsa_{a:32}_{h:9}", "eyJrIjoi{a:69}", "eyJrIjoi{a:401}"],
  "sentry-token": ["sntryu_{h:63}", "sntryu_{h:65}", "sntrys_eyJ{a:59}", "sntrys_eyX{a:60}"],
  "new-relic-key": ["NRAK-{A:26}", "NRAK-{A:28}", "NRAK-{l:27}", "NRII-{w:31}", "NRJS-{h:18}", "NRJS-{h:20}", "{h:35}NRAL", "{h:37}NRAL"],
  "honeycomb-key": ["hcaik_{l:57}", "hcaik_{l:59}", "hcbik_{l:58}", "hcamk_{l:57}", "hcaik_{U:58}"],
  "linear-api-key": ["lin_api_{a:39}", "lin_api_{a:41}"],
  "notion-token": ["ntn_{d:10}{U:36}", "ntn_{d:11}{a:34}", "ntn_{d:11}{a:36}", "secret_{a:42}", "secret_{a:44}"],
  "airtable-token": ["pat{a:13}.{h:64}", "pat{a:14}.{h:63}", "pat{a:14}.{h:65}", "pat{a:14}x{h:64}"],
  "asana-token": ["1/{d:9}:{h:32}", "1/{d:17}:{h:32}", "3/{d:10}:{h:32}", "1/{d:10}:{h:31}", "1/{d:10}:{h:33}", "x1/{d:10}:{h:32}", "/1/{d:10}:{h:32}", "1/{d:10}/{d:9}:{h:32}"],
  "contentful-token": ["CFPAT-{w:42}", "CFPAT-{w:44}"],
  "shopify-token": ["shpat_{h:31}", "shpat_{h:33}", "shpxx_{h:32}"],
  "figma-token": ["figd_{w:39}", "figd_{w:41}"],
  "mapbox-secret-token": ["sk.eyJ{w:19}.{w:22}", "sk.eyJ{w:20}.{w:21}", "sk.eyJ{w:20}.{w:23}", "sk.eyJ{w:20}x{w:22}"],
  "misc-prefixed-token": ["rdme_{l:69}", "pnu_{a:35}", "ico-{a:31}", "tk-us-{w:47}", "CLOJARS_{l:59}", "API-{A:25}", "API-{l:26}", "tfp_{w:58}", "fio-u-{w:63}"],
  "planetscale-token": ["pscale_tkn_{w:31}", "pscale_tkn_{a:65}", "pscale_xyz_{w:40}"],
  "tailscale-key": ["tskey-auth-{a:5}-{a:20}", "tskey-auth-{a:6}-{a:19}", "tskey-other-{a:6}-{a:20}"],
  "dropbox-token": ["sl.{w:129}"],
  "supabase-token": ["sbp_{h:39}", "sbp_{h:41}", "sbp_{H:40}"],
  "neon-api-key": ["napi_{l:63}", "napi_{l:65}", "napi_{U:64}"],
  "render-api-key": ["rnd_{a:31}", "rnd_{a:33}"],
  "resend-api-key": ["re_{a:7}_{a:24}", "re_{a:8}_{a:23}", "re_{a:8}_{a:25}"],
  "mailersend-token": ["mlsn.{h:63}", "mlsn.{h:65}", "mlsnx{h:64}"],
  "settlemint-token": ["sm_pat_{a:15}", "sm_pat_{a:17}", "sm_xat_{a:16}"],
  "clickhouse-cloud-key": ["4b1d{a:37}", "4b1d{a:39}"],
  "intra42-secret": ["s-s4t2ud-{h:63}", "s-s4t2ud-{h:65}", "s-s4t2xx-{h:64}"],
  "1password-token": ["ops_eyJ{b:249}", "A3-{A:5}-{A:11}-{A:5}-{A:5}-{A:5}", "A3-{A:6}-{A:10}-{A:5}-{A:5}-{A:5}", "A3-{A:6}-{A:11}-{A:4}-{A:5}-{A:5}", "A3-{A:6}-{A:11}-{A:5}-{A:5}-{A:6}", "A3-{A:6}-{A:6}-{A:4}-{A:5}-{A:5}-{A:5}"],
  "openai-api-key": ["sk-{a:19}T3BlbkFJ{a:20}", "sk-{a:20}T3BlbkFJ{a:21}", "sk-proj-{w:19}", "sk-proj-{w:99}", "sk-xyz-{w:120}"],
  "anthropic-api-key": ["sk-ant-api03-{w:92}AA", "sk-ant-api03-{w:94}AA", "sk-ant-api03-{w:93}AB", "sk-ant-api04-{w:93}AA"],
  "huggingface-token": ["hf_{L:33}", "hf_{L:35}", "hf_{L:33}1"],
  "groq-api-key": ["gsk_{a:51}", "gsk_{a:53}"],
  "perplexity-api-key": ["pplx-{a:47}", "pplx-{a:49}"],
  "replicate-token": ["r8_{a:36}", "r8_{a:38}"],
  "xai-api-key": ["xai-{a:79}", "xai-{a:81}"],
  "langsmith-key": ["lsv2_pt_{h:31}_{h:10}", "lsv2_pt_{h:32}_{h:9}", "lsv2_pt_{h:32}_{h:11}", "lsv2_xx_{h:32}_{h:10}"],
  "stripe-secret-key": ["sk_live_{a:9}", "sk_live_{a:100}", "sk_demo_{a:24}", "pk_live_{a:24}"],
  "stripe-webhook-secret": ["whsec_{a:31}"],
  "square-token": ["EAAA{w:59}", "EAAA{w:61}", "sq0atp-{w:21}", "sq0atp-{w:23}", "sq0csp-{w:42}", "sq0csp-{w:44}"],
  "braintree-token": ["access_token$production${l:15}${h:32}", "access_token$production${l:16}${h:31}", "access_token$sandbox${l:16}${h:32}"],
  "shippo-token": ["shippo_live_{h:39}", "shippo_live_{h:41}", "shippo_demo_{h:40}"],
  "easypost-key": ["EZAK{a:53}", "EZAK{a:55}", "EZXK{a:54}"],
  "duffel-token": ["duffel_live_{w:42}", "duffel_live_{w:44}"],
  "flutterwave-key": ["FLWSECK-{h:31}-X", "FLWSECK-{h:33}-X", "FLWSECK-{h:32}-Y", "FLWSECK-{h:31}Z-X"],
  "plaid-access-token": ["access-staging-{uuid}", "access-production-{h:32}"],
  "slack-token": ["xoxb-{a:7}", "xoxz-{a:12}", "xapp-1-{l:11}-{d:13}-{l:64}", "xapp-x-{A:11}-{d:13}-{l:64}", "xoxe-1-{A:139}"],
  "slack-webhook": ["https://hooks.slack.com/services/T{A:10}/B{A:10}/{a:15}", "https://hooks.slack.com/other/T{A:10}/B{A:10}/{a:24}", "ftp://hooks.slack.com/services/T{A:10}/B{A:10}/{a:24}", "https://hooksxslack.com/services/T{A:10}/B{A:10}/{a:24}"],
  "discord-webhook": ["https://discord.com/api/webhooks/{d:16}/{w:68}", "https://discord.com/api/webhooks/{d:21}/{w:68}", "https://discord.com/api/webhooks/{d:18}/{w:59}", "https://beta.discord.com/api/webhooks/{d:18}/{w:68}"],
  "discord-bot-token": ["M{a:22}.{w:6}.{w:38}", "{b64d:18}.{w:5}.{w:38}", "{b64d:18}.{w:6}.{w:26}"],
  "teams-webhook": ["https://x.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{h:31}/{uuid}", "https://outlook.office.net/webhook/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}"],
  "azure-logic-app-webhook": ["https://a.logic.azure.com/workflows/{h:31}/triggers/x?sig={w:30}", "https://a.logic.azure.com/workflows/{h:32}/triggers/x?sig={w:29}", "https://a.logic.azure.com:444/workflows/{h:32}/triggers/x?sig={w:30}"],
  "google-chat-webhook": ["https://chat.googleapis.com/v1/spaces/{w:11}/messages?key={w:38}&token={w:40}", "https://chat.googleapis.com/v1/spaces/{w:11}/messages?key={w:39}&token={w:39}"],
  "zapier-webhook": ["https://hooks.zapier.com/hooks/catch/{d:7}/{l:5}", "https://hooks.zapier.com/hooks/catch/x/{l:7}/"],
  "telegram-bot-token": ["{d:7}:AA{w:33}", "{d:11}:AA{w:33}", "{d:10}:AA{w:32}", "{d:10}:AA{w:34}"],
  "twilio-api-key": ["SK{h:31}", "SK{h:33}", "SK{h:31}g"],
  "sendgrid-api-key": ["SG.{w:21}.{w:43}", "SG.{w:22}.{w:42}", "SG.{w:22}.{w:44}"],
  "mailgun-api-key": ["key-{h:31}", "key-{h:33}", "key-{H:32}"],
  "mailchimp-api-key": ["{h:31}-us{d:2}", "{h:32}-us", "{h:32}-us{d:3}", "{h:32}-eu{d:2}"],
  "brevo-api-key": ["xkeysib-{h:63}-{a:16}", "xkeysib-{h:64}-{a:15}", "xkeysib-{h:64}-{a:17}"],
  "facebook-token": ["EAA{a:99}", "{d:14}|{w:30}", "{d:17}|{w:30}", "{d:15}|{w:26}", "{d:15}|{w:41}", "{d:15}/{w:30}"],
  "jwt": ["eyJ{w:9}.eyJ{w:10}.x", "eyJ{w:10}.eyJ{w:9}.x"],
  "private-key-base64": ["LS0tLS1CRUdJTi{b:79}"],
  "putty-private-key": ["PuTTY-User-Key-File-x: ssh-rsa\nPrivate-Lines: 1", "PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: x"],
  "age-secret-key": ["AGE-SECRET-KEY-1{8:57}", "AGE-SECRET-KEY-1{8:59}", "AGE-SECRET-KEY-1{l:58}"],
  "password-hash": ["$2b$1${c:53}", "$2b$12${c:52}", "$2z$12${c:53}", "$argon2x$v=19$m=1,t=1,p=1${b:16}${b:32}", "$argon2id$v=19$m=1,t=1,p=1${b:10}${b:16}", "$argon2id$v=19$m=1,t=1,p=1${b:16}${b:15}", "$7${c:8}${c:22}", "$1${c:8}${c:21}", "$1${c:17}${c:22}", "$y$j9T${c:22}${c:42}", "pbkdf2_sha384$1000${a:12}${b:44}", "pbkdf2_sha256$1000${a:12}${b:26}", "[[SSHA]]{b:26}", "[[MD5]]{b:32}"],
  "url-credentials": ["postgres://app:{a:16}@", "postgres://:{a:16}@db", "p://app:{a:16}@db"],
  "connection-string-password": ["Server=db;Password=", "Server=db;Password=;Encrypt=True", "Server=db;Password= ;Encrypt=True", "Server=db;MyPassword={a:16}", "Server=db;Passwd={a:16}"],
  "laravel-app-key": ["base64:{b:42}=", "base64:{b:44}=", "x base64:{b:43}=", "base64:{b:43}=="],
  "django-insecure-key": ["django-insecure-{a:39}", "django-secure-{a:50}"],
};

describe("provider rules: examples, alternatives and near misses", () => {
  it("every rule's own positive example is found by it (5 seeds), its negative by no rule", () => {
    for (const rule of PROVIDER_RULES) {
      for (let i = 0; i < 5; i++) expect(matchProviderRule(expandTemplate(rule.examples.positive, `prm/${rule.id}/${i}`), [rule])?.id, rule.id).toBe(rule.id);
      expect(matchProviderRule(expandTemplate(rule.examples.negative, `prm/${rule.id}/neg`))?.id, rule.id).toBeUndefined();
    }
  });

  it("every further positive is found by its rule (3 seeds each)", () => {
    const missed: string[] = [];
    for (const [id, templates] of Object.entries(POSITIVES)) for (const t of templates) for (const seed of ["a", "b", "c"]) if (hit(id, t, seed) !== id) missed.push(`${id}: ${t} (${seed})`);
    expect(missed).toEqual([]);
  });

  it("no near miss is found by its rule (3 seeds each)", () => {
    const found: string[] = [];
    for (const [id, templates] of Object.entries(MISSES)) for (const t of templates) for (const seed of ["a", "b", "c"]) if (hit(id, t, seed) !== undefined) found.push(`${id}: ${t} (${seed})`);
    expect(found).toEqual([]);
  });

  it("tokens bounded by non-word characters are found inside JSON, headers and lists", () => {
    for (const rule of PROVIDER_RULES.filter((r) => r.pattern.source.startsWith("(?<![A-Za-z0-9_])"))) {
      const token = expandTemplate(rule.examples.positive, `prm/${rule.id}/ctx`);
      for (const v of [`"${token}"`, `Bearer ${token}`, `a,${token},b`, `(${token})`]) expect(matchProviderRule(v, [rule])?.id, `${rule.id}: ${v.slice(0, 12)}`).toBe(rule.id);
    }
  });
});

describe("provider rules: forms the keyword filter or the pattern used to miss", () => {
  it.each([
    ["flyio-token", "fm2r_{b:120}"],
    ["flyio-token", "fm2a_{b:120}"],
    ["honeycomb-key", "hcakk_{l:58}"],
    ["honeycomb-key", "hcxkk_{l:58}"],
    ["password-hash", "[[SSHA]]{b:32}"],
    ["password-hash", "[[SHA]]{b:27}="],
    ["connection-string-password", "Host=db; password = {a:16};"],
    ["connection-string-password", "Server=db;PWD ={a:16}"],
  ])("%s: %s, with every rule", (id, template) => {
    expect(matchProviderRule(expand(template, `prm/regression/${template}`))?.id).toBe(id);
  });
});

describe("provider rules: the catalogue", () => {
  it("ids, providers, critical flags and keywords", () => {
    const table = Object.fromEntries(PROVIDER_RULES.map((r) => [r.id, `${r.provider} | ${r.critical ? "critical" : "-"} | ${r.keywords.join(" ")}`]));
    expect(table).toMatchSnapshot();
  });

  it("each rule's keywords are lower case, non-empty, and at least one occurs in each of its positives", () => {
    const unfiltered: string[] = [];
    for (const rule of PROVIDER_RULES) {
      for (const k of rule.keywords) {
        expect(k, rule.id).not.toBe("");
        expect(k, rule.id).toBe(k.toLowerCase());
      }
      const lower = [rule.examples.positive, ...(POSITIVES[rule.id] ?? [])].map((t) => expand(t, `prm/${rule.id}/kw`).toLowerCase());
      for (const v of lower) if (!rule.keywords.some((k) => v.includes(k))) unfiltered.push(`${rule.id}: ${v.slice(0, 20)}`);
    }
    expect(unfiltered).toEqual([]);
  });

  it("rules with a validator: the JWT, private keys, Azure SAS, Discord bot, URL credentials and connection strings", () => {
    expect(PROVIDER_RULES.filter((r) => r.validate).map((r) => r.id)).toEqual([
      "azure-sas-token",
      "discord-bot-token",
      "jwt",
      "private-key",
      "private-key-base64",
      "url-credentials",
      "connection-string-password",
    ]);
  });
});

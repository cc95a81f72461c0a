/**
 * Provider rules: tokens that identify themselves from the value alone (a documented prefix, checksum-like suffix or
 * structure), kept as data — id, provider, pattern, optional validator, and one positive and one negative example
 * each, written as templates for {@link expandTemplate} (so the repository holds no token literal). A unit test runs
 * every rule's examples. Formats follow the providers' documentation and the public rule sets of gitleaks, secretlint
 * and trufflehog; secretlint's own rules (run beside these) cover the rest.
 * @module
 */
import type { expandTemplate } from "./fake.js";
import {
  validAzureSas,
  validBase64Pem,
  validConnectionPassword,
  validDiscordBot,
  validJwt,
  validPemPrivateKey,
  validUrlCredentials,
  type Validator,
} from "./validators.js";

/**
 * One provider rule.
 *
 * @example
 * ```ts
 * const r: ProviderRule = PROVIDER_RULES[0]!;
 * r.pattern.test(expandTemplate(r.examples.positive, "seed")); // true
 * ```
 */
export interface ProviderRule {
  /** Stable id, reported as the finding's detector (e.g. `stripe-secret-key`). */
  readonly id: string;
  /** Who issues the token (e.g. `Stripe`). */
  readonly provider: string;
  /** Lower-case fragments of which at least one occurs in any match: a cheap filter run before the pattern. */
  readonly keywords: readonly string[];
  /** What to look for in a value (no `g` flag). */
  readonly pattern: RegExp;
  /** A further check of the match (structure, placeholders). */
  readonly validate?: Validator;
  /** A private key or cloud credential: ES001 is critical. */
  readonly critical: boolean;
  /** Templates: the positive must be found, the negative must not. */
  readonly examples: { readonly positive: string; readonly negative: string };
}

/** A token bounded by non-word characters. */
const tok = (src: string, flags = "") => new RegExp(`(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`, flags);

function rule(
  id: string,
  provider: string,
  keywords: string,
  pattern: RegExp,
  positive: string,
  negative: string,
  extra: { validate?: Validator; critical?: boolean } = {},
): ProviderRule {
  const r: ProviderRule = { id, provider, keywords: keywords.split(" "), pattern, critical: extra.critical ?? false, examples: { positive, negative } };
  return extra.validate ? { ...r, validate: extra.validate } : r;
}
const critical = { critical: true };
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

/**
 * Every provider rule, most specific first.
 *
 * @example
 * ```ts
 * PROVIDER_RULES.find((r) => r.id === "stripe-secret-key")?.provider; // "Stripe"
 * ```
 */
export const PROVIDER_RULES: readonly ProviderRule[] = [
  // Cloud providers.
  rule("aws-access-key-id", "AWS", "akia asia abia acca a3t", tok("(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}"), "AKIA{2:16}", "AKIAXXXXXXXXXXXXXXXX", critical),
  rule("aws-session-token", "AWS", "iqojb3jpz2lux2vj fwogzxivyxdze fqogzxivyxdze", tok("(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE|FQoGZXIvYXdzE)[A-Za-z0-9+/]{100,}={0,2}"), "IQoJb3JpZ2luX2Vj{b:300}", "IQoJb3JpZ2luX2Vj{b:20}", critical),
  rule("aws-bedrock-api-key", "AWS", "absk", tok("ABSK[A-Za-z0-9+/]{109,269}={0,2}"), "ABSK{b:132}", "ABSK{b:40}", critical),
  rule("gcp-api-key", "Google Cloud", "aiza", tok("AIza[\\w-]{35}"), "AIza{w:35}", "AIza{w:20}", critical),
  rule("google-oauth-client-secret", "Google", "gocspx-", tok("GOCSPX-[\\w-]{28}"), "GOCSPX-{w:28}", "GOCSPX-{w:10}"),
  rule("google-oauth-refresh-token", "Google", "1//0", /(?<![\w/])1\/\/0[\w-]{40,}/, "1//0{w:100}", "1//0{w:12}"),
  rule("azure-storage-account-key", "Azure", "accountkey=", /AccountKey=[A-Za-z0-9+/]{86}==/, "DefaultEndpointsProtocol=https;AccountName={l:12};AccountKey={b:86}==;EndpointSuffix=core.windows.net", "DefaultEndpointsProtocol=https;AccountName={l:12};AccountKey=<account-key>;EndpointSuffix=core.windows.net", critical),
  rule("azure-shared-access-key", "Azure", "accesskey=", /(?:Shared)?AccessKey=[A-Za-z0-9+/]{42,43}=/, "Endpoint=sb://{l:10}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={b:43}=", "Endpoint=sb://{l:10}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=xxxxxxxx", critical),
  rule("azure-app-configuration", "Azure", "azconfig.io", /\.azconfig\.io;Id=[^;\s]{1,64};Secret=[A-Za-z0-9+/]{40,}={0,2}/, "Endpoint=https://{l:10}.azconfig.io;Id={a:4}-l0-s0:{a:20};Secret={b:43}=", "Endpoint=https://{l:10}.azconfig.io;Id={a:4}-l0-s0;Secret=", critical),
  rule("azure-sas-token", "Azure", "sig=", /[?&;]sig=[A-Za-z0-9%+/]{40,}(?:%3D|=){0,2}/, "https://{l:10}.blob.core.windows.net/exports/data.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&spr=https&sig={b:43}%3D", "https://{l:10}.blob.core.windows.net/exports/data.csv?sp=r&sig={b:43}%3D", { validate: validAzureSas, critical: true }),
  rule("azure-ad-client-secret", "Azure", "q~", /(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])/, "{a:3}8Q~{a:34}", "bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", critical),
  rule("azure-devops-pat", "Azure DevOps", "azdo", tok("[A-Za-z0-9]{52}AZDO[A-Za-z0-9]{28}"), "{a:52}AZDO{a:28}", "{a:40}AZDO{a:28}", critical),
  rule("alibaba-access-key-id", "Alibaba Cloud", "ltai", tok("LTAI[A-Za-z0-9]{20}"), "LTAI{a:20}", "LTAI{a:8}", critical),
  rule("digitalocean-token", "DigitalOcean", "doo_v1_ dop_v1_ dor_v1_", tok("do[opr]_v1_[a-f0-9]{64}"), "dop_v1_{h:64}", "dop_v1_{h:40}", critical),
  rule("heroku-api-key", "Heroku", "hrku-aa", tok("HRKU-AA[0-9a-zA-Z_-]{58}"), "HRKU-AA{w:58}", "HRKU-AA{w:20}"),
  rule("flyio-token", "Fly.io", "fo1_ fm1 fm2", tok("fo1_[\\w-]{43}|fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}"), "fm2_{b:180}", "fm2_{b:20}"),
  rule("netlify-token", "Netlify", "nfp_", tok("nfp_[A-Za-z0-9]{36}"), "nfp_{a:36}", "nfp_{a:10}"),
  rule("cloudflare-origin-ca-key", "Cloudflare", "v1.0-", tok("v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}"), "v1.0-{h:24}-{h:146}", "v1.0-{h:24}-{h:40}"),
  // Source control, CI/CD, registries, secret managers.
  rule("github-token", "GitHub", "ghp_ gho_ ghu_ ghs_ ghr_", tok("gh[pousr]_[A-Za-z0-9]{36}"), "ghp_{a:36}", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
  rule("github-fine-grained-pat", "GitHub", "github_pat_", tok("github_pat_\\w{82}"), "github_pat_{a:22}_{a:59}", "github_pat_{a:22}"),
  rule("gitlab-token", "GitLab", "glpat- gldt- glft- glsoat- glrt- glptt- glimt- glagent- gloas- glffct- glcbt- gr1348941", tok("(?:gl(?:pat|dt|ft|soat|rt|ptt|imt|agent|oas|ffct|cbt)-|GR1348941)[\\w.-]{20,}"), "glpat-{w:20}", "glpat-{w:8}"),
  rule("atlassian-api-token", "Atlassian", "atatt3 atctt3 atbb", tok("(?:ATATT3|ATCTT3)[A-Za-z0-9_=-]{100,}|ATBB[A-Za-z0-9]{32}"), "ATATT3{a:180}={H:8}", "ATATT3{a:20}"),
  rule("npm-token", "npm", "npm_", tok("npm_[A-Za-z0-9]{36}"), "npm_{a:36}", "npm_{a:12}"),
  rule("pypi-token", "PyPI", "pypi-ageichlwas5vcmc pypi-agendgvzdc5wexbplm9yzw", tok("pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[\\w-]{50,}"), "pypi-AgEIcHlwaS5vcmc{w:70}", "pypi-AgEIcHlwaS5vcmc{w:10}"),
  rule("rubygems-token", "RubyGems", "rubygems_", tok("rubygems_[a-f0-9]{48}"), "rubygems_{h:48}", "rubygems_{h:20}"),
  rule("nuget-api-key", "NuGet", "oy2", tok("oy2[a-z0-9]{43}"), "oy2{l:43}", "oy2{l:20}"),
  rule("docker-hub-token", "Docker", "dckr_pat_ dckr_oat_", tok("dckr_(?:pat|oat)_[\\w-]{27,}"), "dckr_pat_{w:27}", "dckr_pat_{w:8}"),
  rule("circleci-token", "CircleCI", "ccipat_", tok("CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"), "CCIPAT_{a:22}_{h:40}", "CCIPAT_{a:22}"),
  rule("artifactory-token", "JFrog", "akcp cmvmd", tok("AKCp[A-Za-z0-9]{69}|cmVmd[A-Za-z0-9]{59}"), "AKCp{a:69}", "AKCp{a:20}"),
  rule("sonarqube-token", "SonarQube", "squ_ sqp_ sqa_", tok("sq[upa]_[a-f0-9]{40}"), "squ_{h:40}", "squ_{h:12}"),
  rule("sourcegraph-token", "Sourcegraph", "sgp_", tok("sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40}"), "sgp_{h:16}_{h:40}", "sgp_5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa"),
  rule("doppler-token", "Doppler", "dp.pt. dp.st. dp.sa. dp.ct. dp.scim. dp.audit.", tok("dp\\.(?:pt|st|sa|ct|scim|audit)\\.(?:[a-z0-9_-]{2,35}\\.)?[A-Za-z0-9]{40,44}"), "dp.st.{l:6}.{a:40}", "dp.pt.{a:12}"),
  rule("vault-token", "HashiCorp Vault", "hvs. hvb. hvr.", tok("hv[sbr]\\.[\\w-]{24,}"), "hvs.{w:90}", "hvs.{w:8}"),
  rule("terraform-cloud-token", "HashiCorp Terraform", "atlasv1", tok("[A-Za-z0-9]{14}\\.atlasv1\\.[\\w=-]{60,70}"), "{a:14}.atlasv1.{w:67}", "{a:14}.atlasv1.{w:20}"),
  rule("pulumi-token", "Pulumi", "pul-", tok("pul-[a-f0-9]{40}"), "pul-{h:40}", "pul-{h:16}"),
  rule("postman-api-key", "Postman", "pmak-", tok("PMAK-[a-fA-F0-9]{24}-[a-fA-F0-9]{34}"), "PMAK-{h:24}-{h:34}", "PMAK-{h:24}"),
  rule("dynatrace-token", "Dynatrace", "dt0c01.", tok("dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}"), "dt0c01.{A:24}.{A:64}", "dt0c01.{A:24}"),
  rule("grafana-token", "Grafana", "glc_ glsa_ eyjrijoi", tok("glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|eyJrIjoi[A-Za-z0-9]{70,400}={0,3}"), "glsa_{a:32}_{h:8}", "glsa_{a:32}"),
  rule("sentry-token", "Sentry", "sntrys_ sntryu_", tok("sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,}"), "sntryu_{h:64}", "sntryu_{h:20}"),
  rule("new-relic-key", "New Relic", "nrak- nrii- nrjs- nral", tok("NRAK-[A-Z0-9]{27}|NRII-[\\w-]{32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL"), "NRAK-{A:27}", "NRAK-{A:10}"),
  rule("honeycomb-key", "Honeycomb", "hcaik_ hcxik_ hcakk_ hcxkk_ hcamk_", tok("hc[ax][ik]k_[0-9a-z]{58}|hcamk_[0-9a-z]{58}"), "hcaik_{l:58}", "hcaik_{l:20}"),
  rule("linear-api-key", "Linear", "lin_api_", tok("lin_api_[A-Za-z0-9]{40}"), "lin_api_{a:40}", "lin_api_{a:10}"),
  rule("notion-token", "Notion", "ntn_ secret_", tok("ntn_\\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43}"), "ntn_{d:11}{a:35}", "ntn_{d:11}"),
  rule("airtable-token", "Airtable", "pat", tok("pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}"), "pat{a:14}.{h:64}", "pat{a:14}.{h:20}"),
  rule("asana-token", "Asana", "1/ 2/", /(?<![\w/])[12]\/\d{10,16}(?:\/\d{10,16})?:[a-f0-9]{32}(?![\w])/, "2/{d:16}/{d:16}:{h:32}", "2/{d:16}/{d:16}"),
  rule("contentful-token", "Contentful", "cfpat-", tok("CFPAT-[\\w-]{43}"), "CFPAT-{w:43}", "CFPAT-{w:12}"),
  rule("shopify-token", "Shopify", "shpat_ shpca_ shppa_ shpss_", tok("shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"), "shpat_{h:32}", "shpat_{h:12}"),
  rule("figma-token", "Figma", "figd_", tok("figd_[\\w-]{40}"), "figd_{w:40}", "figd_{w:12}"),
  rule("mapbox-secret-token", "Mapbox", "sk.eyj", tok("sk\\.eyJ[\\w-]{20,}\\.[\\w-]{22}"), "sk.eyJ1Ijoi{a:24}.{w:22}", "pk.eyJ1Ijoi{a:24}.{w:22}"),
  rule("misc-prefixed-token", "various (ReadMe, Prefect, Infracost, Scalingo, Clojars, Octopus, Typeform, Frame.io)", "rdme_ pnu_ ico- tk-us- clojars_ api- tfp_ fio-u-", tok("rdme_[a-z0-9]{70}|pnu_[A-Za-z0-9]{36}|ico-[A-Za-z0-9]{32}|tk-us-[\\w-]{48}|CLOJARS_[a-z0-9]{60}|API-[A-Z0-9]{26}|tfp_[\\w.=-]{59}|fio-u-[\\w=-]{64}"), "pnu_{a:36}", "pnu_{a:12}"),
  rule("planetscale-token", "PlanetScale", "pscale_tkn_ pscale_pw_ pscale_oauth_", tok("pscale_(?:tkn|pw|oauth)_[\\w=.-]{32,64}"), "pscale_tkn_{w:43}", "pscale_tkn_{w:8}"),
  rule("tailscale-key", "Tailscale", "tskey-", tok("tskey-(?:api|auth|client|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}"), "tskey-auth-k{a:10}CNTRL-{a:33}", "tskey-auth-{a:4}"),
  rule("dropbox-token", "Dropbox", "sl.", tok("sl\\.[A-Za-z0-9_-]{130,}"), "sl.{w:140}", "sl.{w:20}"),
  rule("supabase-token", "Supabase", "sbp_", tok("sbp_[a-f0-9]{40}"), "sbp_{h:40}", "sbp_{h:12}"),
  rule("neon-api-key", "Neon", "napi_", tok("napi_[a-z0-9]{64}"), "napi_{l:64}", "napi_{l:12}"),
  rule("render-api-key", "Render", "rnd_", tok("rnd_[A-Za-z0-9]{32}"), "rnd_{a:32}", "rnd_{a:10}"),
  rule("resend-api-key", "Resend", "re_", tok("re_[A-Za-z0-9]{8}_[A-Za-z0-9]{24}"), "re_{a:8}_{a:24}", "re_{a:8}"),
  rule("mailersend-token", "MailerSend", "mlsn.", tok("mlsn\\.[a-f0-9]{64}"), "mlsn.{h:64}", "mlsn.{h:20}"),
  rule("settlemint-token", "SettleMint", "sm_pat_ sm_aat_ sm_sat_", tok("sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}"), "sm_pat_{a:16}", "sm_pat_{a:6}"),
  rule("clickhouse-cloud-key", "ClickHouse", "4b1d", tok("4b1d[A-Za-z0-9]{38}"), "4b1d{a:38}", "4b1d{a:12}"),
  rule("intra42-secret", "42", "s-s4t2", tok("s-s4t2(?:ud|af)-[a-f0-9]{64}"), "s-s4t2ud-{h:64}", "s-s4t2ud-{h:12}"),
  rule("1password-token", "1Password", "ops_eyj a3-", tok("ops_eyJ[A-Za-z0-9+/]{250,}={0,3}|A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}"), "A3-{A:6}-{A:11}-{A:5}-{A:5}-{A:5}", "A3-{A:6}-{A:5}"),
  // AI and ML platforms.
  rule("openai-api-key", "OpenAI", "t3blbkfj sk-proj- sk-svcacct- sk-admin-", tok("sk-(?:proj|svcacct|admin)-[\\w-]{20,}T3BlbkFJ[\\w-]{20,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|sk-(?:proj|svcacct|admin)-[\\w-]{100,}"), "sk-proj-{w:74}T3BlbkFJ{w:74}", "sk-proj-{w:20}"),
  rule("anthropic-api-key", "Anthropic", "sk-ant-", tok("sk-ant-(?:api03|admin01)-[\\w-]{93}AA"), "sk-ant-api03-{w:93}AA", "sk-ant-api03-{w:20}"),
  rule("huggingface-token", "Hugging Face", "hf_ api_org_", tok("(?:hf|api_org)_[A-Za-z]{34}"), "hf_{L:34}", "hf_{L:10}"),
  rule("groq-api-key", "Groq", "gsk_", tok("gsk_[A-Za-z0-9]{52}"), "gsk_{a:52}", "gsk_{a:12}"),
  rule("perplexity-api-key", "Perplexity", "pplx-", tok("pplx-[A-Za-z0-9]{48}"), "pplx-{a:48}", "pplx-{a:12}"),
  rule("replicate-token", "Replicate", "r8_", tok("r8_[A-Za-z0-9]{37}"), "r8_{a:37}", "r8_{a:10}"),
  rule("xai-api-key", "xAI", "xai-", tok("xai-[A-Za-z0-9]{80}"), "xai-{a:80}", "xai-{a:20}"),
  rule("langsmith-key", "LangChain", "lsv2_", tok("lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"), "lsv2_pt_{h:32}_{h:10}", "lsv2_pt_{h:32}"),
  // Payments and commerce.
  rule("stripe-secret-key", "Stripe", "sk_live_ rk_live_ sk_test_ rk_test_ sk_prod_ rk_prod_", tok("(?:sk|rk)_(?:live|test|prod)_[A-Za-z0-9]{10,99}"), "sk_live_{a:24}", "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"),
  rule("stripe-webhook-secret", "Stripe", "whsec_", tok("whsec_[A-Za-z0-9+/=]{32,}"), "whsec_{a:32}", "whsec_{a:12}"),
  rule("square-token", "Square", "eaaa sq0atp- sq0csp-", tok("EAAA[\\w-]{60}|sq0atp-[\\w-]{22}|sq0csp-[\\w-]{43}"), "EAAA{w:60}", "EAAA{w:20}"),
  rule("braintree-token", "PayPal Braintree", "access_token$production$", /access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32}/, "access_token$production${l:16}${h:32}", "access_token$production${l:16}"),
  rule("shippo-token", "Shippo", "shippo_live_ shippo_test_", tok("shippo_(?:live|test)_[a-fA-F0-9]{40}"), "shippo_live_{h:40}", "shippo_live_{h:12}"),
  rule("easypost-key", "EasyPost", "ezak eztk", tok("EZ[AT]K[A-Za-z0-9]{54}"), "EZAK{a:54}", "EZAK{a:20}"),
  rule("duffel-token", "Duffel", "duffel_live_ duffel_test_", tok("duffel_(?:live|test)_[\\w=-]{43}"), "duffel_live_{w:43}", "duffel_live_{w:10}"),
  rule("flutterwave-key", "Flutterwave", "flwseck", tok("FLWSECK(?:_TEST)?-[a-hA-H0-9]{32}-X"), "FLWSECK-{h:32}-X", "FLWSECK-{h:12}-X"),
  rule("plaid-access-token", "Plaid", "access-production- access-development- access-sandbox-", tok(`access-(?:sandbox|development|production)-${UUID}`), "access-production-{uuid}", "access-production-1234"),
  // Messaging, e-mail and webhooks.
  rule("slack-token", "Slack", "xoxb- xoxp- xoxa- xoxo- xoxr- xoxs- xoxe xapp-", tok("xox[abposr]-(?:\\d+-)*[A-Za-z0-9]{8,}(?:-[A-Za-z0-9]+)*|xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+|xoxe(?:\\.xox[bp])?-\\d-[A-Z0-9]{140,}"), "xoxb-{d:12}-{d:13}-{a:24}", "xoxb-your-token"),
  rule("slack-webhook", "Slack", "hooks.slack.com", /https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9]+\/[A-Za-z0-9]+\/[A-Za-z0-9]{16,}/, "https://hooks.slack.com/services/T{A:10}/B{A:10}/{a:24}", "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX"),
  rule("discord-webhook", "Discord", "discord.com/api/webhooks discordapp.com/api/webhooks", /https?:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{17,20}\/[\w-]{60,70}/, "https://discord.com/api/webhooks/{d:18}/{w:68}", "https://discord.com/api/webhooks/{d:18}/"),
  rule("discord-bot-token", "Discord", ".", tok("[MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}"), "{b64d:18}.{w:6}.{w:38}", "MT{L:22}.{w:6}.{w:38}", { validate: validDiscordBot }),
  rule("teams-webhook", "Microsoft Teams", "webhook.office.com outlook.office.com/webhook outlook.office365.com/webhook", new RegExp(`https://(?:[\\w-]+\\.webhook\\.office\\.com/webhookb2|outlook\\.office(?:365)?\\.com/webhook)/${UUID}@${UUID}/IncomingWebhook/[0-9a-f]{32}/${UUID}`), "https://{l:8}.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{h:32}/{uuid}", "https://{l:8}.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/"),
  rule("azure-logic-app-webhook", "Microsoft Power Automate", "logic.azure.com", /https:\/\/[\w.-]+\.logic\.azure\.com(?::443)?\/workflows\/[0-9a-f]{32}\/triggers\/[^\s]*[?&]sig=[\w%-]{30,}/, "https://prod-{d:2}.westeurope.logic.azure.com:443/workflows/{h:32}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={w:43}", "https://prod-{d:2}.westeurope.logic.azure.com:443/workflows/{h:32}/triggers/manual/paths/invoke"),
  rule("google-chat-webhook", "Google Chat", "chat.googleapis.com", /https:\/\/chat\.googleapis\.com\/v1\/spaces\/[\w-]+\/messages\?key=[\w-]{39}&token=[\w%-]{40,}/, "https://chat.googleapis.com/v1/spaces/{a:11}/messages?key=AIza{w:35}&token={w:43}", "https://chat.googleapis.com/v1/spaces/{a:11}/messages"),
  rule("zapier-webhook", "Zapier", "hooks.zapier.com", /https:\/\/hooks\.zapier\.com\/hooks\/catch\/\d+\/[a-z0-9]{6,}\/?/, "https://hooks.zapier.com/hooks/catch/{d:7}/{l:7}/", "https://hooks.zapier.com/hooks/catch/"),
  rule("telegram-bot-token", "Telegram", ":aa", tok("\\d{8,10}:AA[\\w-]{33}"), "{d:10}:AA{w:33}", "{d:10}:AB{w:33}"),
  rule("twilio-api-key", "Twilio", "sk", tok("SK[0-9a-fA-F]{32}"), "SK{h:32}", "SK{h:16}"),
  rule("sendgrid-api-key", "SendGrid", "sg.", tok("SG\\.[\\w-]{22}\\.[\\w-]{43}"), "SG.{w:22}.{w:43}", "SG.{w:22}"),
  rule("mailgun-api-key", "Mailgun", "key-", tok("key-[a-f0-9]{32}"), "key-{h:32}", "key-{h:16}"),
  rule("mailchimp-api-key", "Mailchimp", "-us", tok("[a-f0-9]{32}-us\\d{1,2}"), "{h:32}-us{d:2}", "{h:20}-us{d:2}"),
  rule("brevo-api-key", "Brevo (Sendinblue)", "xkeysib- xsmtpsib-", tok("x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}"), "xkeysib-{h:64}-{a:16}", "xkeysib-{h:64}"),
  rule("facebook-token", "Meta", "eaa |", tok("EAA[A-Za-z0-9]{100,}|\\d{15,16}[|][\\w-]{27,40}"), "EAAG{a:160}", "EAAG{a:20}"),
  // Tokens, keys and credentials by structure.
  rule("jwt", "JSON Web Token", "eyj", tok("eyJ[\\w-]{10,}\\.eyJ[\\w-]{10,}\\.[\\w-]*"), "{jwt}", "eyJub3QiOiJqc29u.eyJhbHNvIjoibm90.c2ln", { validate: validJwt }),
  rule("private-key", "private key (PEM, OpenSSH, PGP)", "private key", /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*/, "{pem:RSA PRIVATE KEY}", "-----BEGIN PRIVATE KEY-----\nanything", { validate: validPemPrivateKey, critical: true }),
  rule("private-key-base64", "private key (base64-wrapped PEM)", "ls0tls1crudjti", tok("LS0tLS1CRUdJTi[A-Za-z0-9+/]{80,}={0,2}"), "{b64pem:PRIVATE KEY}", "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCmFueXRoaW5n", { validate: validBase64Pem, critical: true }),
  rule("putty-private-key", "PuTTY", "putty-user-key-file-", /PuTTY-User-Key-File-\d: [\s\S]*Private-Lines: \d+/, "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\n{b:64}\nPrivate-Lines: 1\n{b:44}", "PuTTY-User-Key-File-3: ssh-ed25519", critical),
  rule("age-secret-key", "age", "age-secret-key-1", tok("AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"), "AGE-SECRET-KEY-1{8:58}", "AGE-SECRET-KEY-1{8:20}", critical),
  rule("password-hash", "password hash (bcrypt, argon2, crypt, PBKDF2)", "$2 $argon2 $1$ $5$ $6$ $y$ $apr1$ pbkdf2_ {sha} {ssha}", /\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}|\$(?:1|5|6|apr1)\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{22,86}|\$y\$[./A-Za-z0-9]+\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{43}|pbkdf2_sha(?:1|256|512)\$\d+\$[A-Za-z0-9]+\$[A-Za-z0-9+/]{27,}={0,2}|\{S?SHA\}[A-Za-z0-9+/]{27,}={0,2}/, "$2b$12${c:53}", "$2b$12$"),
  rule("url-credentials", "credentials in a URL", "://", /[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[^\s:@/]{1,100}:[^\s@/]{1,200}@[^\s/?#@]{1,255}/, "postgres://app:{a:20}@db.{l:8}.eu-west-1.rds.amazonaws.com:5432/app", "postgres://app:${DB_PASSWORD}@db.internal:5432/app", { validate: validUrlCredentials }),
  rule("connection-string-password", "connection string password", "password pwd", /(?:^|;)\s*(?:Password|Pwd)\s*=\s*[^;]{1,200}/i, "Server=tcp:{l:8}.database.windows.net,1433;Database=app;User ID=app;Password={a:16};Encrypt=True;", "Server=tcp:{l:8}.database.windows.net,1433;Database=app;User ID=app;Password=<password>;", { validate: validConnectionPassword }),
  rule("laravel-app-key", "Laravel", "base64:", /^base64:[A-Za-z0-9+/]{43}=$/, "base64:{b:43}=", "base64:"),
  rule("django-insecure-key", "Django", "django-insecure-", tok("django-insecure-[\\w!@#$%^&*(+=)-]{40,}"), "django-insecure-{a:50}", "django-insecure-"),
];

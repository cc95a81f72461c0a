// Helpers shared by the benches: child processes, quantiles, peak RSS.
import { spawn, spawnSync } from "node:child_process";

/** q-quantile (nearest rank) of numbers. */
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

/** GNU time, when present: its %M is the peak RSS of exactly the command, the same way for every row. */
export const GNU_TIME = spawnSync("/usr/bin/time", ["-f", "%M", "true"], { stdio: "ignore" }).status === 0 ? "/usr/bin/time" : undefined;

/**
 * Run `node ...args` with `env`; resolves { wallMs, out (last stdout line parsed as JSON, if any), rssKb, cpuMs, code,
 * stderr }. rssKb comes from /usr/bin/time when present, else from the child's own report (`rssKb`); cpuMs (user + system
 * time of the child) only from /usr/bin/time.
 */
export function runNode(args, env, { allowFail = false } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cmd = GNU_TIME ?? process.execPath;
    const argv = GNU_TIME ? ["-f", "envseal-bench-rss %M cpu %U %S", process.execPath, ...args] : args;
    const child = spawn(cmd, argv, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      const rss = /envseal-bench-rss (\d+) cpu ([\d.]+) ([\d.]+)/.exec(stderr);
      stderr = stderr.replace(/envseal-bench-rss \d+ cpu [\d.]+ [\d.]+\n?/, "");
      let out;
      try {
        out = JSON.parse(stdout.trim().split("\n").at(-1));
      } catch {
        out = undefined;
      }
      if (code !== 0 && !allowFail) return reject(new Error(`node ${args.join(" ").slice(0, 80)} failed (${code}): ${stderr.slice(-600)}`));
      resolve({ wallMs, out, rssKb: rss ? Number(rss[1]) : out?.rssKb, cpuMs: rss ? (Number(rss[2]) + Number(rss[3])) * 1000 : undefined, code, stderr });
    });
  });
}

export const median = (xs) => quantile(xs, 0.5);

/**
 * Two checkouts' creates on the same machine, minutes apart, in alternating pairs (A B, B A, …):
 * per create, Node CPU of the ZeroFee process, CPU of the run's PostgreSQL backends, commits and
 * WAL, and creates/s, each from `cost.ts --seconds` (50 kept-alive connections, a fresh database
 * per run). On a shared machine two runs minutes apart can differ by a third, so one run of
 * each side says little: compare within pairs, and count the pairs that agree.
 *
 *   npx tsx bench/payments/ab.ts --base <checkout A> [--head <checkout B, default this one>]
 *                                [--pairs 5] [--seconds 8] [--warmup-seconds 3] [--connections 50]
 *   npx tsx bench/payments/ab.ts --env-a ZF_X=0 --env-b ZF_X=1   # one checkout, two environments
 *
 * `--env-a` / `--env-b` (`NAME=value`, comma-separated) are given to side A's / B's server: with
 * no `--base`, both sides run this checkout, so a change put behind an environment variable for
 * the experiment is compared without a second checkout.
 *
 * A checkout is a directory with its own `node_modules` (or a link to one) and built
 * `packages/checkout/dist` and `packages/dashboard/dist` (`npm run build -w @zerofee/checkout`, …).
 */
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fmt, table } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    base: { type: "string" },
    head: { type: "string", default: resolve(here, "../..") },
    pairs: { type: "string", default: "5" },
    seconds: { type: "string", default: "8" },
    "warmup-seconds": { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    "env-a": { type: "string", default: "" },
    "env-b": { type: "string", default: "" },
  },
});
if (!flags.base && !flags["env-a"] && !flags["env-b"]) throw new Error("--base <checkout>, or --env-a / --env-b, is required");
const sides = { A: resolve(flags.base ?? flags.head), B: resolve(flags.head) } as const;

/** `NAME=value,NAME=value` → an environment. */
function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of text.split(",").filter(Boolean)) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`not NAME=value: ${pair}`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}
const envs = { A: parseEnv(flags["env-a"]), B: parseEnv(flags["env-b"]) } as const;

interface Cost {
  nodeCpuMs: number;
  pgCpuMs: number;
  commits: number;
  walBytes: number;
  createsPerSecond: number;
  p99Ms: number;
}

/** One `cost.ts` run of `root`: its last output line is the JSON of the figures. */
function measure(root: string, env: Record<string, string>): Promise<Cost> {
  const args = ["--import", "tsx", resolve(here, "cost.ts"), "--root", root, "--seconds", flags.seconds, "--warmup-seconds", flags["warmup-seconds"]];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...args, "--connections", flags.connections], {
      cwd: resolve(here, "../.."),
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("error", fail);
    child.on("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !last.startsWith("{")) return fail(new Error(`cost.ts on ${root} exited ${code}: ${out}`));
      done(JSON.parse(last) as Cost);
    });
  });
}

const runs: Array<{ pair: number; side: "A" | "B"; cost: Cost }> = [];
for (let pair = 1; pair <= Number(flags.pairs); pair++) {
  // Alternate which side goes first, so neither always follows the other's load.
  for (const side of pair % 2 === 1 ? (["A", "B"] as const) : (["B", "A"] as const)) {
    const cost = await measure(sides[side], envs[side]);
    runs.push({ pair, side, cost });
    process.stderr.write(
      `pair ${pair} ${side}: ${fmt(cost.createsPerSecond, 0)} creates/s, Node ${fmt(cost.nodeCpuMs, 3)} ms, PostgreSQL ${fmt(cost.pgCpuMs, 3)} ms\n`,
    );
  }
}

const figures: Array<[label: string, get: (c: Cost) => number, digits: number, better: "higher" | "lower"]> = [
  ["creates/s", (c) => c.createsPerSecond, 0, "higher"],
  ["Node CPU ms", (c) => c.nodeCpuMs, 3, "lower"],
  ["PostgreSQL CPU ms", (c) => c.pgCpuMs, 3, "lower"],
  ["commits", (c) => c.commits, 2, "lower"],
  ["WAL bytes", (c) => c.walBytes, 0, "lower"],
  ["p99 ms", (c) => c.p99Ms, 0, "lower"],
];
const of = (side: "A" | "B") => runs.filter((r) => r.side === side).map((r) => r.cost);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const summary = (values: number[], digits: number) =>
  `${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)} (mean ${fmt(mean(values), digits)})`;
const rows = figures.map(([label, get, digits, better]) => {
  const a = of("A").map(get);
  const b = of("B").map(get);
  const wins = a.filter((x, i) => (better === "higher" ? (b[i] ?? Number.NaN) > x : (b[i] ?? Number.NaN) < x)).length;
  const change = (mean(b) / mean(a) - 1) * 100;
  return [label, summary(a, digits), summary(b, digits), `${change >= 0 ? "+" : ""}${fmt(change, 1)} %, B ${better} in ${wins} of ${a.length}`];
});
process.stdout.write(
  `A = ${sides.A} ${flags["env-a"]}\nB = ${sides.B} ${flags["env-b"]}\n${flags.pairs} pairs, ${flags.connections} kept-alive connections, ${flags.seconds} s each after ${flags["warmup-seconds"]} s\n\n` +
    `${table(["per create", "A", "B", "change"], rows)}\n`,
);

/**
 * What one `POST /v1/payments` costs, measured rather than inferred from throughput (which a
 * shared machine makes noisy): Node CPU ms in the ZeroFee process, PostgreSQL CPU ms (the
 * backends of the run's database), transactions committed (pg_stat_database.xact_commit: every statement
 * outside BEGIN…COMMIT counts one) and WAL bytes (cluster-wide: on a shared server other
 * databases' writes count too, so an upper bound), per create, over N creates sent with C
 * connections after a warm-up (docs/scaling.md).
 *
 *   npx tsx bench/payments/cost.ts [--n 400] [--connections 1] [--root <checkout to measure>]
 *   npx tsx bench/payments/cost.ts --seconds 8 [--warmup-seconds 3] [--connections 50] [--root …]
 *
 * By default each create opens a connection (`http`), whose cost is about two thirds of the
 * Node figure; `--seconds` instead drives kept-alive connections with autocannon for that
 * long, as `npm run bench` does, and counts the creates answered (`bench/payments/ab.ts`
 * alternates two checkouts that way).
 *
 * `--root` runs another checkout's `zerofee serve` (e.g. the commit before a change), so two
 * versions are compared on the same machine minutes apart. BENCH_DATABASE_URL as for `npm run bench`.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { scratchDatabase } from "../scratch-db.js";
import { benchServerEnv, CREATE_BODY, cpuSeconds, createRequest, fmt, http, postgresCpuSeconds, startChild } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values: flags } = parseArgs({
  options: {
    n: { type: "string", default: "400" },
    warmup: { type: "string", default: "50" },
    connections: { type: "string", default: "1" },
    root: { type: "string", default: resolve(here, "../..") },
    seconds: { type: "string", default: "" },
    "warmup-seconds": { type: "string", default: "3" },
  },
});
const SECONDS = Number(flags.seconds || 0);
const N = Number(flags.n);
const C = Number(flags.connections);

const scratch = await scratchDatabase();
const tmp = mkdtempSync(join(tmpdir(), "zf-cost-"));
const zf = await startChild(
  ["--import", "tsx", "packages/server/src/main.ts", "serve"],
  benchServerEnv(join(tmp, "data"), scratch.url),
  [/listening on http:\/\/\S+/, /Secret key\s+sk_test_\S+/],
  { cwd: flags.root },
);
const client = new pg.Client({ connectionString: scratch.url });
try {
  await client.connect();
  const url = /listening on (http:\/\/\S+)/.exec(zf.output())?.[1] as string;
  const token = /Secret key\s+(sk_test_\S+)/.exec(zf.output())?.[1] as string;
  const run = async (count: number) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const r = await http(`${url}/v1/payments`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "idempotency-key": randomBytes(8).toString("hex") },
          body: CREATE_BODY,
        });
        if (r.status !== 201) throw new Error(`create answered ${r.status}: ${r.body}`);
      }
    };
    await Promise.all(Array.from({ length: C }, worker));
  };
  const stats = async () => {
    const { rows } = await client.query(
      "select xact_commit::bigint as commits, pg_current_wal_lsn() as lsn from pg_stat_database where datname = current_database()",
    );
    return rows[0] as { commits: string; lsn: string };
  };
  /** Kept-alive connections for `seconds`, a unique Idempotency-Key per request; creates answered. */
  const sustain = async (seconds: number) => {
    const result = await autocannon({
      url,
      connections: C,
      duration: seconds,
      timeout: 30,
      requests: [createRequest(token, `cost-${randomBytes(4).toString("hex")}`)],
    });
    if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
    return { created: result.requests.total, p50: result.latency.p50, p99: result.latency.p99 };
  };
  if (SECONDS > 0) await sustain(Number(flags["warmup-seconds"]));
  else await run(Number(flags.warmup));
  // Let the simulators' and workers' timers settle into their idle rhythm.
  await new Promise((r) => setTimeout(r, 1500));
  const dbName = new URL(scratch.url).pathname.slice(1);
  const before = { node: cpuSeconds(zf.proc.pid), pg: postgresCpuSeconds(dbName), db: await stats(), t: performance.now() };
  const sustained = SECONDS > 0 ? await sustain(SECONDS) : null;
  if (!sustained) await run(N);
  const wall = (performance.now() - before.t) / 1000;
  const created = sustained?.created ?? N;
  const after = { node: cpuSeconds(zf.proc.pid), pg: postgresCpuSeconds(dbName), db: await stats() };
  const { rows } = await client.query("select pg_wal_lsn_diff($1, $2)::bigint as bytes", [after.db.lsn, before.db.lsn]);
  const per = (x: number) => x / created;
  const out = {
    root: flags.root,
    n: created,
    connections: C,
    keptAlive: sustained !== null,
    nodeCpuMs: per((after.node - before.node) * 1000),
    pgCpuMs: per((after.pg - before.pg) * 1000),
    commits: per(Number(after.db.commits) - Number(before.db.commits)),
    walBytes: per(Number((rows[0] as { bytes: string }).bytes)),
    createsPerSecond: created / wall,
    ...(sustained ? { p50Ms: sustained.p50, p99Ms: sustained.p99 } : {}),
  };
  process.stdout.write(
    `${created} creates, ${C} ${sustained ? "kept-alive " : ""}connection(s), ${flags.root}\n` +
      `per create: Node CPU ${fmt(out.nodeCpuMs, 2)} ms, PostgreSQL CPU ${fmt(out.pgCpuMs, 2)} ms (the run's backends), ` +
      `${fmt(out.commits, 2)} transactions committed, ${fmt(out.walBytes, 0)} WAL bytes; ${fmt(out.createsPerSecond, 1)} creates/s\n` +
      `${JSON.stringify(out)}\n`,
  );
} finally {
  await client.end().catch(() => {});
  await zf.stop();
  await scratch.drop();
  rmSync(tmp, { recursive: true, force: true });
}

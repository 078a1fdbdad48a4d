/**
 * `npm run bench:webhooks` — webhook deliveries per second from a backlog of events to a local
 * receiver that answers 200 at once, beside a baseline of bare HTTP POSTs of the same bodies
 * from one Node process in the same run; then end-to-end latency (event written → received)
 * at a steady rate, delivered in this process and (PostgreSQL) by a separate `zerofee worker`
 * process. On PGlite and PostgreSQL (docs/performance.md, "Webhook delivery").
 *
 *   npx tsx bench/webhooks/run.ts [--db pglite|postgres|both] [--events 10000] [--rate 200] [--seconds 15]
 *
 * ZeroFee runs in this process (API off, the webhook worker on); the receiver is a child
 * process. PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * names a server where a fresh database is created for the run and dropped after.
 */

import { writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { Session } from "node:inspector";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { buildApp, type ZeroFee } from "../../packages/server/src/app.js";
import { loadConfig } from "../../packages/server/src/config.js";
import { type Database, openPglite, openPostgres } from "../../packages/server/src/db/client.js";
import { withTransaction } from "../../packages/server/src/db/tx.js";
import { recordEvent } from "../../packages/server/src/services/events/record.js";
import { configureEndpoint } from "../../packages/server/src/services/webhooks/configure.js";
import { fmt, pct, percentile, startChild, table } from "../payments/lib.js";
import { scratchDatabase } from "../scratch-db.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: flags } = parseArgs({
  options: {
    db: { type: "string", default: "both" },
    events: { type: "string", default: "10000" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "15" },
  },
});
const EVENTS = Number(flags.events);
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const dbs = flags.db === "both" ? ["pglite", "postgres"] : [flags.db as string];

let objectSeq = 0;
/** One state change's outbox write, as the payment verbs do it. */
function writeEvent(app: ZeroFee, appId: string): Promise<string | null> {
  objectSeq++;
  const id = `txn_bench_${objectSeq}`;
  const now = app.ctx.clock.now();
  return withTransaction(app.ctx.db, (tx) =>
    recordEvent(tx, {
      appId,
      livemode: false,
      type: "payment.completed",
      objectId: id,
      data: { id, object: "payment", status: "completed", amount: 1500, currency: "XOF", metadata: { order_id: `ORD-${objectSeq}` }, written_at: Date.now() },
      at: now,
    }),
  );
}

async function stats(port: number): Promise<{ requests: number; unique: number; latencies: number[] }> {
  const res = await fetch(`http://127.0.0.1:${port}/stats`);
  return (await res.json()) as { requests: number; unique: number; latencies: number[] };
}
const reset = (port: number) => fetch(`http://127.0.0.1:${port}/reset`, { method: "POST" });

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("benchmark: deliveries did not finish in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The same bodies POSTed bare: keep-alive, 64 in flight, no database, no signing. */
async function baseline(port: number, bodies: string[]): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const post = (body: string) =>
    new Promise<void>((ok, fail) => {
      const req = httpRequest(
        {
          host: "127.0.0.1",
          port,
          path: "/hooks",
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on("end", () => ok());
        },
      );
      req.on("error", fail);
      req.end(body);
    });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < bodies.length) await post(bodies[next++] as string);
    }),
  );
  const rate = bodies.length / ((performance.now() - started) / 1000);
  agent.destroy();
  return rate;
}

/** BENCH_PROFILE=path: a CPU profile of this process during the drain only. */
async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<unknown>((ok, fail) => session.post(method, (err, res) => (err ? fail(err) : ok(res))));
  await post("Profiler.enable");
  await post("Profiler.start");
  return async (file) => {
    const { profile } = (await post("Profiler.stop")) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    process.stdout.write(`CPU profile of the drain: ${file}\n`);
  };
}

async function openDb(kind: string): Promise<{ database: Database; url?: string; drop(): Promise<void> }> {
  if (kind === "pglite") {
    const database = await openPglite();
    return { database, drop: () => database.close() };
  }
  const scratch = await scratchDatabase("zf_bench_wh");
  const database = await openPostgres(scratch.url, { max: 20 });
  return {
    database,
    url: scratch.url,
    async drop() {
      await database.close();
      await scratch.drop();
    },
  };
}

async function runOne(kind: string) {
  const receiver = await startChild(["--import", "tsx", "bench/webhooks/receiver.ts"], {}, [/receiver listening on \d+/], { cwd: root });
  const port = Number(/receiver listening on (\d+)/.exec(receiver.output())?.[1]);
  const db = await openDb(kind);
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", LOG_LEVEL: "warn", ZEROFEE_SANDBOX: "off" }, { persistKey: false });
  const app = await buildApp({ config, database: db.database, api: false, workers: false });
  try {
    await app.ctx.db.execute(sql`insert into accounts (id, name, company, created_at) values ('acct_bench', 'bench', 'bench', now())`);
    await app.ctx.db.execute(sql`insert into apps (id, account_id, name, created_at, updated_at) values ('app_bench', 'acct_bench', 'bench', now(), now())`);
    await configureEndpoint({ ctx: app.ctx, scope: { appId: "app_bench", livemode: false }, input: { url: `http://127.0.0.1:${port}/hooks` } });

    // 1. Backlog: EVENTS written first, then the worker starts and drains them.
    for (let i = 0; i < EVENTS; i += 100) await Promise.all(Array.from({ length: Math.min(100, EVENTS - i) }, () => writeEvent(app, "app_bench")));
    const bodies = (
      (await app.ctx.db.execute(sql`select id, type, created_at, data from events order by id`)) as unknown as { rows: Array<Record<string, unknown>> }
    ).rows.map((r) => JSON.stringify({ id: r.id, type: r.type, created_at: new Date(r.created_at as string).toISOString(), data: r.data }));
    const base = await baseline(port, bodies);
    await reset(port);
    const started = performance.now();
    const profile = process.env.BENCH_PROFILE ? await startProfile() : undefined;
    app.webhooks.start();
    await waitFor(async () => (await stats(port)).unique >= EVENTS, 600_000);
    const drainRate = EVENTS / ((performance.now() - started) / 1000);
    if (profile) await profile(`${process.env.BENCH_PROFILE}-${kind}.cpuprofile`);

    // 2. Steady rate: RATE events/s for SECONDS; latency from write to arrival.
    const steady = async () => {
      await reset(port);
      const total = RATE * SECONDS;
      const t0 = Date.now();
      for (let i = 0; i < total; i++) {
        const due = t0 + (i * 1000) / RATE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        void writeEvent(app, "app_bench");
      }
      await waitFor(async () => (await stats(port)).unique >= total, 120_000);
      return (await stats(port)).latencies.sort((a, b) => a - b);
    };
    const lat = await steady();

    // 3. PostgreSQL: the same steady rate delivered by a separate `zerofee worker` process,
    // which learns of each commit through LISTEN/NOTIFY.
    let apart: number[] = [];
    if (db.url) {
      await app.webhooks.stop();
      const worker = await startChild(
        ["--import", "tsx", "packages/server/src/main.ts", "worker"],
        { DATABASE_URL: db.url, ZEROFEE_MASTER_KEY: config.masterKey.toString("base64"), LOG_LEVEL: "warn", ZEROFEE_SANDBOX: "off" },
        [/ZeroFee worker running/],
        { cwd: root },
      );
      try {
        apart = await steady();
      } finally {
        await worker.stop();
      }
    }
    const ms = (l: number[], q: number) => (l.length ? `${fmt(percentile(l, q), 0)} ms` : "—");
    return { kind, base, drainRate, p50: ms(lat, 0.5), p99: ms(lat, 0.99), apartP50: ms(apart, 0.5), apartP99: ms(apart, 0.99) };
  } finally {
    await app.stop();
    await db.drop();
    await receiver.stop();
  }
}

const results = [];
for (const kind of dbs) {
  process.stdout.write(`== ${kind}: backlog of ${EVENTS} events, then ${RATE} events/s for ${SECONDS} s\n`);
  results.push(await runOne(kind));
}
process.stdout.write(
  `${table(
    ["database", "bare POSTs/s", "ZeroFee deliveries/s", "ratio", `e2e p50 @${RATE}/s`, "e2e p99", "separate worker p50", "p99"],
    results.map((r) => [r.kind, fmt(r.base, 0), fmt(r.drainRate, 0), pct(r.drainRate / r.base), r.p50, r.p99, r.apartP50, r.apartP99]),
  )}\n`,
);

/**
 * `npm run bench:stats` — GET /v1/stats at 1 M payments in one app (SPEC §10: p95 ≤ 100 ms),
 * beside GET /v1/payments/{id} in the same run (docs/performance.md).
 *
 *   npm run bench:stats -- [--payments 1000000] [--samples 200]
 *
 * A real `zerofee serve` on a fresh PostgreSQL database (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres); the payments are written by SQL
 * (`generate_series`) over 400 days, and the daily rollup is rebuilt from them by the same
 * statement migration 0005 runs (STATS_BACKFILL_SQL). Requests go one at a time over fresh
 * connections; the figures are client-side wall times.
 */
import { loadavg } from "node:os";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { STATS_BACKFILL_SQL } from "../../packages/server/src/services/stats/rollup.js";
import { fmt, http, percentile, startChild, table } from "../payments/lib.js";
import { scratchDatabase } from "../scratch-db.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: flags } = parseArgs({ options: { payments: { type: "string", default: "1000000" }, samples: { type: "string", default: "200" } } });
const N = Number(flags.payments);
const SAMPLES = Number(flags.samples);

const db = await scratchDatabase("zfstats");
let stop: () => Promise<void> = async () => {};
try {
  process.stderr.write("starting ZeroFee on PostgreSQL…\n");
  const zf = await startChild(
    ["--import", "tsx", "packages/server/src/main.ts", "serve"],
    // The seeded open payments are years old: keep reconciliation and expiry off them, or they
    // change the rollup while it is rebuilt (and the figures while they are measured).
    {
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      DATABASE_URL: db.url,
      ZEROFEE_RATE_LIMIT_PER_KEY: "0",
      ZEROFEE_RATE_LIMIT_PER_IP: "0",
      ZEROFEE_RECONCILE_AFTER_S: "315360000",
    },
    [/listening on http:\/\/\S+/, /Secret key\s+sk_test_\S+/, /Test app\s+app_\S+/],
    { cwd: root },
  );
  stop = zf.stop;
  const url = /listening on (http:\/\/\S+)/.exec(zf.output())?.[1] as string;
  const token = /Secret key\s+(sk_test_\S+)/.exec(zf.output())?.[1] as string;
  const appId = /Test app\s+(app_\S+)/.exec(zf.output())?.[1] as string;

  // Each statement is atomic, so one cut by the shared server (seen: "terminating connection
  // due to administrator command") is run again on a new connection.
  let client: pg.Client | undefined;
  const query = async (text: string, values?: unknown[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!client) {
          client = new pg.Client({ connectionString: db.url });
          client.on("error", (err) => process.stderr.write(`seed connection: ${err.message}\n`));
          await client.connect();
        }
        return await client.query(text, values);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (attempt >= 5 || (code && code !== "57P01")) throw err;
        process.stderr.write(`retrying after: ${(err as Error).message}\n`);
        await client?.end().catch(() => {});
        client = undefined;
      }
    }
  };
  const t0 = performance.now();
  process.stderr.write(`seeding ${N} payments over 400 days…\n`);
  // 70 % completed, 15 % failed, 10 % expired, 5 % still open; 4 methods, 3 providers; 5 % XAF.
  // In batches: short statements (one long one was cut by the shared server twice).
  const BATCH = 50_000;
  for (let from = 1; from <= N; from += BATCH) {
    await query(
      `INSERT INTO payments (id, app_id, livemode, amount, currency, status, payment_method, country, provider, customer, metadata,
       fee_amount, net_amount, timeline, expires_at, created_at, updated_at, completed_at)
     SELECT 'txn_' || lpad(upper(to_hex(i)), 26, '0'), $1, false, a.amount, CASE WHEN i % 20 = 0 THEN 'XAF' ELSE 'XOF' END, s.status,
       (ARRAY['PAYIN_ORANGE_CI', 'PAYIN_MTN_CI', 'PAYIN_MOOV_CI', 'PAYIN_WAVE_CI'])[1 + (i / 7) % 4], 'CI',
       CASE WHEN s.status = 'pending' THEN NULL ELSE (ARRAY['hub2', 'pawapay', 'bui'])[1 + (i / 3) % 3] END,
       '{}'::jsonb, '{}'::jsonb,
       CASE WHEN s.status = 'completed' THEN 100 + a.amount / 100 END, CASE WHEN s.status = 'completed' THEN a.amount - 100 - a.amount / 100 END,
       '[]'::jsonb, now() + interval '10 years', c.at, c.at, CASE WHEN s.status = 'completed' THEN c.at + interval '5 seconds' END
     FROM generate_series($2::int, $3::int) AS i,
       LATERAL (SELECT 500 + (i::bigint * 7919) % 200000 AS amount) a,
       LATERAL (SELECT CASE WHEN i % 20 < 14 THEN 'completed' WHEN i % 20 < 17 THEN 'failed' WHEN i % 20 < 19 THEN 'expired' ELSE 'pending' END AS status) s,
       LATERAL (SELECT now() - ((i / 13) % 400) * interval '1 day' - (i % 86400) * interval '1 second' AS at) c`,
      [appId, from, Math.min(N, from + BATCH - 1)],
    );
    process.stderr.write(`  ${Math.min(N, from + BATCH - 1)} / ${N}\r`);
  }
  // One transaction, so a retry after a cut connection starts from an empty table again.
  const backfillStarted = performance.now();
  await query(`BEGIN; DELETE FROM payment_stats_daily; ${STATS_BACKFILL_SQL} COMMIT;`);
  const backfillS = (performance.now() - backfillStarted) / 1000;
  await query("ANALYZE");
  const rollupRows = (await query("SELECT count(*)::int AS n FROM payment_stats_daily")).rows[0].n as number;
  const seedS = (performance.now() - t0) / 1000;
  await client?.end();
  process.stderr.write(`seeded in ${seedS.toFixed(0)} s (${rollupRows} rollup rows, backfill ${backfillS.toFixed(1)} s)\n`);

  const today = new Date();
  const day = (back: number) => new Date(today.getTime() - back * 86_400_000).toISOString().slice(0, 10);
  const routes: Array<[string, string]> = [
    ["GET /v1/stats (30 days)", `/v1/stats?from=${day(29)}&to=${day(0)}`],
    ["GET /v1/stats (366 days)", `/v1/stats?from=${day(365)}&to=${day(0)}`],
    [
      "GET /v1/payments/{id}",
      `/v1/payments/txn_${Math.max(1, Math.floor(N / 2))
        .toString(16)
        .toUpperCase()
        .padStart(26, "0")}`,
    ],
  ];
  const auth = { authorization: `Bearer ${token}` };
  const load = loadavg();
  const rows: string[][] = [];
  for (const [label, path] of routes) {
    const first = await http(`${url}${path}`, { headers: auth });
    if (first.status !== 200) throw new Error(`${label} answered ${first.status}: ${first.body.slice(0, 300)}`);
    for (let i = 0; i < 10; i++) await http(`${url}${path}`, { headers: auth }); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < SAMPLES; i++) ms.push((await http(`${url}${path}`, { headers: auth })).ms);
    ms.sort((a, b) => a - b);
    rows.push([label, fmt(percentile(ms, 50)), fmt(percentile(ms, 95)), fmt(ms.at(-1) ?? Number.NaN)]);
  }
  process.stdout.write(
    [
      `ZeroFee stats benchmark — ${today.toISOString()} — PostgreSQL, ${N} payments in one app over 400 days (${rollupRows} rollup rows, rebuilt by migration 0005's backfill in ${backfillS.toFixed(1)} s), ${SAMPLES} sequential requests per route`,
      `load average at start ${load.map((l) => l.toFixed(2)).join(" ")}; goal: GET /v1/stats p95 ≤ 100 ms`,
      "",
      table(["Route", "p50 ms", "p95 ms", "max ms"], rows),
      "",
    ].join("\n"),
  );
} finally {
  await stop();
  await db.drop();
}

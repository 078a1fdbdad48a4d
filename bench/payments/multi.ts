/**
 * `zerofee api` × A and `zerofee worker` × W on one PostgreSQL database, under load
 * (docs/scaling.md): creates are spread over the API processes (autocannon, one instance per
 * API), each payment completes in the sandbox (phone …00, a signed callback) and raises
 * `payment.created` and `payment.completed`; the workers deliver them to one receiver. At the
 * end every event in the database must have reached the receiver exactly once: no event lost,
 * none doubled.
 *
 *   npx tsx bench/payments/multi.ts [--apis 2] [--workers 2] [--seconds 15] [--connections 20]
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { buildApp } from "../../packages/server/src/app.js";
import { loadConfig } from "../../packages/server/src/config.js";
import { seedDemo } from "../../packages/server/src/services/demo/seed.js";
import { configureEndpoint } from "../../packages/server/src/services/webhooks/configure.js";
import { scratchDatabase } from "../scratch-db.js";
import { benchServerEnv, type Child, cpuSeconds, fmt, postgresCpuSeconds, startChild } from "./lib.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: flags } = parseArgs({
  options: {
    apis: { type: "string", default: "2" },
    workers: { type: "string", default: "2" },
    seconds: { type: "string", default: "15" },
    connections: { type: "string", default: "20" },
  },
});
const APIS = Number(flags.apis);
const WORKERS = Number(flags.workers);

const scratch = await scratchDatabase();
const tmp = mkdtempSync(join(tmpdir(), "zf-multi-"));
const masterKey = randomBytes(32).toString("base64");
const env = { ...benchServerEnv(join(tmp, "data"), scratch.url), ZEROFEE_MASTER_KEY: masterKey };
const children: Child[] = [];
const client = new pg.Client({ connectionString: scratch.url });
try {
  // Schema, the demo app and its endpoint, from this process; then it steps aside.
  const receiver = await startChild(["--import", "tsx", "bench/webhooks/receiver.ts"], {}, [/receiver listening on \d+/], { cwd: root });
  children.push(receiver);
  const receiverUrl = `http://127.0.0.1:${/receiver listening on (\d+)/.exec(receiver.output())?.[1]}`;
  const setup = await buildApp({ config: loadConfig(env, { persistKey: false }), api: false, workers: false });
  const seeded = await seedDemo(setup.ctx, null);
  if (!seeded) throw new Error("demo not seeded");
  const scope = { appId: seeded.demo.app_id, livemode: false };
  await configureEndpoint({ ctx: setup.ctx, scope, input: { url: `${receiverUrl}/hook` } });
  await setup.stop();

  const apis: Array<{ child: Child; url: string }> = [];
  for (let i = 0; i < APIS; i++) {
    const child = await startChild(["--import", "tsx", "packages/server/src/main.ts", "api"], env, [/listening on http:\/\/\S+/], { cwd: root });
    children.push(child);
    apis.push({ child, url: /listening on (http:\/\/\S+)/.exec(child.output())?.[1] as string });
  }
  const workers: Child[] = [];
  for (let i = 0; i < WORKERS; i++) {
    const child = await startChild(["--import", "tsx", "packages/server/src/main.ts", "worker"], env, [/worker running/], { cwd: root });
    children.push(child);
    workers.push(child);
  }
  await client.connect();
  const dbName = new URL(scratch.url).pathname.slice(1);
  const cpu0 = { apis: apis.map((a) => cpuSeconds(a.child.proc.pid)), workers: workers.map((w) => cpuSeconds(w.proc.pid)), pg: postgresCpuSeconds(dbName) };
  let n = 0;
  const body = JSON.stringify({ amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 00" } });
  const results = await Promise.all(
    apis.map((a) =>
      autocannon({
        url: a.url,
        connections: Number(flags.connections),
        duration: Number(flags.seconds),
        requests: [
          {
            method: "POST",
            path: "/v1/payments",
            headers: { authorization: `Bearer ${seeded.demo.secret_key}`, "content-type": "application/json" },
            body,
            setupRequest: (req) => ({ ...req, headers: { ...req.headers, "idempotency-key": `multi-${n++}-${randomBytes(3).toString("hex")}` } }),
          },
        ],
      }),
    ),
  );
  const loadSeconds = Number(flags.seconds);
  const cpuLoad = {
    apis: apis.map((a, i) => (cpuSeconds(a.child.proc.pid) - (cpu0.apis[i] ?? 0)) / loadSeconds),
    workers: workers.map((w, i) => (cpuSeconds(w.proc.pid) - (cpu0.workers[i] ?? 0)) / loadSeconds),
    pg: (postgresCpuSeconds(dbName) - cpu0.pg) / loadSeconds,
  };
  // Wait for the payments to complete and every event to leave the queue.
  const count = async () => {
    const { rows } = await client.query(
      `select (select count(*) from payments)::int as payments,
              (select count(*) from payments where status = 'completed')::int as completed,
              (select count(*) from events where type <> 'webhook.test')::int as events,
              (select count(*) from webhook_jobs where status <> 'delivered')::int as undelivered`,
    );
    return rows[0] as { payments: number; completed: number; events: number; undelivered: number };
  };
  const deadline = Date.now() + 120_000;
  let c = await count();
  while (Date.now() < deadline && (c.completed < c.payments || c.undelivered > 0 || c.events < 2 * c.payments)) {
    await new Promise((r) => setTimeout(r, 500));
    c = await count();
  }
  const stats = (await (await fetch(`${receiverUrl}/stats`)).json()) as { requests: number; unique: number };
  const { rows: ids } = await client.query("select count(distinct id)::int as n from events where type <> 'webhook.test'");
  const created = results.reduce((s, r) => s + r.requests.total - r.non2xx - r.errors, 0);
  const lost = c.events - stats.unique;
  const doubled = stats.requests - stats.unique;
  const lines = [
    `${APIS} × zerofee api + ${WORKERS} × zerofee worker, one PostgreSQL; ${flags.connections} connections per API for ${loadSeconds} s; payments complete in the sandbox (~2 s, signed callback)`,
    `creates answered 2xx: ${created} (${fmt(created / loadSeconds, 1)}/s: ${results.map((r) => fmt(r.requests.average, 1)).join(" + ")}); errors ${results.reduce((s, r) => s + r.non2xx + r.errors + r.timeouts, 0)}; p99 ${results.map((r) => r.latency.p99).join(" / ")} ms`,
    `payments ${c.payments}, completed ${c.completed}; events ${c.events} (distinct ${(ids[0] as { n: number }).n}); jobs not delivered ${c.undelivered}`,
    `receiver: ${stats.unique} distinct events in ${stats.requests} requests → lost ${lost}, doubled ${doubled}`,
    `CPU during the load (cores): API ${cpuLoad.apis.map((x) => fmt(x, 2)).join(" + ")}, workers ${cpuLoad.workers.map((x) => fmt(x, 2)).join(" + ")}, PostgreSQL ${fmt(cpuLoad.pg, 2)}`,
    `VERDICT: ${lost === 0 && doubled === 0 && c.undelivered === 0 && c.completed === c.payments ? "no event lost, none doubled" : "FAILED"}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await client.end().catch(() => {});
  for (const ch of children.reverse()) await ch.stop();
  await scratch.drop();
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(0);

/** Shared helpers of the webhook tests: endpoint setup, the article's verifiers, signature checks. */
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { withTransaction } from "../../src/db/tx.js";
import { recordEvent } from "../../src/services/events/record.js";
import type { Merchant, TestApp, TestClock } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import type { Received } from "./receiver.js";

const HERE = fileURLToPath(new URL("./verifiers/", import.meta.url));

/** Sets the merchant's endpoint for a mode through the API; returns the secret shown once. */
export async function setEndpoint(t: TestApp, m: Merchant, url: string, opts: { mode?: "test" | "live"; events?: string[] } = {}): Promise<string> {
  const token = opts.mode === "live" ? m.skLive : m.sk;
  const res = await t.call("PUT", `/v1/apps/${m.appId}/webhook`, { token, body: { url, ...(opts.events ? { events: opts.events } : {}) } });
  if (res.status !== 201) throw new Error(`PUT webhook: ${res.status} ${res.text}`);
  return res.body.data.secret;
}

export interface VerifyCase {
  body: string;
  header: string;
  secret: string;
}

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

/**
 * Runs each verifier printed in the original article over `cases`: Python and Node always; Go
 * and PHP when their toolchain is installed (`.ci/run` installs them from Debian) — otherwise
 * the language maps to a "skipped" reason the test prints.
 */
export function runArticleVerifiers(cases: VerifyCase[]): Record<string, boolean[] | string> {
  const input = JSON.stringify(cases);
  const run = (cmd: string, args: string[], env: Record<string, string> = {}) => {
    const r = spawnSync(cmd, args, { input, cwd: HERE, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${cmd} verifier failed: ${r.stderr}`);
    return r.stdout
      .trim()
      .split("\n")
      .map((l) => l.trim() === "true");
  };
  const out: Record<string, boolean[] | string> = {
    python: run("python3", ["verify.py"]),
    node: run(process.execPath, ["verify.cjs"]),
  };
  out.go = has("go")
    ? run("go", ["run", "verify.go"], { GOCACHE: join(tmpdir(), "zf-go-cache"), GOPATH: join(tmpdir(), "zf-go-path"), GO111MODULE: "off" })
    : "skipped: no Go toolchain (apt-get install golang-go)";
  out.php = has("php") ? run("php", ["verify.php"]) : "skipped: no PHP (apt-get install php-cli)";
  return out;
}

/** Every `v1=` of X-ZeroFee-Signature, checked over the exact bytes received (what ZeroFee's docs tell receivers to do). */
export function zeroFeeSignatureValid(r: Received, secret: string): boolean {
  const header = String(r.headers["x-zerofee-signature"]);
  const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
  const expected = createHmac("sha256", secret).update(`${t}.${r.body}`).digest("hex");
  return header.split(",").some((p) => p === `v1=${expected}`);
}

/** Standard Webhooks verification with the `standardwebhooks` package's own `verify`. */
export function standardValid(r: Received, secret: string): boolean {
  try {
    new Webhook(secret).verify(r.body, {
      "webhook-id": String(r.headers["webhook-id"]),
      "webhook-timestamp": String(r.headers["webhook-timestamp"]),
      "webhook-signature": String(r.headers["webhook-signature"]),
    });
    return true;
  } catch {
    return false;
  }
}

export async function createPayments(t: TestApp, m: Merchant, n: number, ending = "00"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await t.call("POST", "/v1/payments", {
      token: m.sk,
      body: { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: `+225 07 00 00 00 ${ending}` } },
    });
    if (r.status !== 201) throw new Error(`payment: ${r.status} ${r.text}`);
    ids.push(r.body.data.id);
  }
  return ids;
}

let changeSeq = 0;

/**
 * Writes `n` events through the outbox exactly as the payment verbs do (event + delivery job
 * in one transaction, `perTx` state changes per transaction): the delivery tests need events,
 * not the payments path's own cost.
 */
export async function writeEvents(t: TestApp, m: Merchant, n: number, perTx = 10): Promise<void> {
  const one = (i: number) => ({
    appId: m.appId,
    livemode: false,
    type: "payment.completed" as const,
    objectId: `txn_${m.appId.slice(-8)}_${i}`,
    data: { id: `txn_${i}`, object: "payment", status: "completed", amount: 1000 + i, currency: "XOF", metadata: { note: 'é ü 🎉 "quoted"' } },
    at: t.app.ctx.clock.now(),
  });
  for (let i = 0; i < n; i += perTx) {
    await withTransaction(t.database.db, async (tx) => {
      for (let k = i; k < Math.min(n, i + perTx); k++) await recordEvent(tx, one(++changeSeq));
    });
  }
}

/**
 * For an app on a test clock, called from the `eventually` that waits for deliveries: moves
 * `clock` (the app's injected clock) on towards the next retry due, instead of waiting out the
 * retry schedule in real time, and wakes the app's worker. While a job no worker holds is due
 * already, it only wakes the worker. Otherwise the clock moves at least `stepMs` — the
 * resolution at which the tests see a retry's gap, the worker's own poll (250 ms) — or straight
 * to the earliest retry pending. It never carries the clock to within 5 s of a held job's lease
 * (a lease runs `timeout + 10 s` of clock from its claim): an attempt still out can neither
 * have its job handed to another claim nor be dropped as stale from the worker's queue.
 */
export async function advanceToNextRetry(t: TestApp, clock: TestClock, stepMs = 250): Promise<void> {
  const now = clock.now().getTime();
  const at = clock.now().toISOString();
  const [row] = await rows(
    t.database.db,
    sql`select min(next_attempt_at) filter (where locked_until is null or locked_until <= ${at}::timestamptz) as due,
               min(locked_until) filter (where locked_until > ${at}::timestamptz) as lease
          from webhook_jobs where status = 'pending'`,
  );
  const due = row?.due ? new Date(row.due).getTime() : null;
  if (due !== null && due > now) {
    const limit = row?.lease ? new Date(row.lease).getTime() - t.app.ctx.config.webhook.timeoutMs - 5_000 : Number.POSITIVE_INFINITY;
    const target = Math.min(Math.max(due, now + stepMs), limit);
    if (target > now) clock.advance(target - now);
  }
  t.app.webhooks.pump();
}

/** An app's delivery jobs: how many there are, and how many are delivered. */
export async function jobCounts(t: TestApp, appId: string): Promise<{ total: number; delivered: number }> {
  const [row] = await rows(
    t.database.db,
    sql`select count(*)::int as total, count(*) filter (where status = 'delivered')::int as delivered from webhook_jobs where app_id = ${appId}`,
  );
  return row as { total: number; delivered: number };
}

/**
 * CF-1 (reference/reliability.md §5 C; SPEC §16 "Recovery points"): a real `zerofee serve`
 * child process SIGKILLs itself right after the provider accepted the payment and before
 * ZeroFee committed the answer. Restarted on the same data, the retry with the same
 * Idempotency-Key must resume with the same provider-side id: one provider payment, one
 * ZeroFee payment, which completes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, describe, it } from "vitest";
import { type Database, openPglite } from "../../src/db/client.js";
import { captureChildLogs, eventually, freshDatabase, migratedDataDir, onPostgres, paymentBody, testMasterKey } from "../harness.js";
import { eventCounts, freePort, rows } from "./helpers.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../../..");

interface Child {
  proc: ChildProcess;
  url: string;
  stdout: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `zerofee serve` and resolves once it prints where it listens. */
async function serve(env: Record<string, string>): Promise<Child> {
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("ZEROFEE_") && k !== "DATABASE_URL") childEnv[k] = v;
  const proc = spawn(process.execPath, ["--import", "tsx", "packages/server/src/main.ts", "serve"], {
    cwd: ROOT,
    // Info: the children's lines are what SE-1's scan reads (at warn they may print none, and a
    // run of this file alone would end on an empty scan, which proves nothing).
    env: { ...childEnv, NODE_ENV: "test", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  captureChildLogs(proc, "serve");
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once("exit", (code, signal) => r({ code, signal })));
  let stdout = "";
  let stderr = "";
  proc.stderr?.on("data", (d) => {
    stderr += d.toString();
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in time:\n${stdout}\n${stderr}`)), 90_000);
    proc.stdout?.on("data", (d) => {
      stdout += d.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] && stdout.includes("\n", match.index + match[0].length - 1)) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}) before listening:\n${stdout}\n${stderr}`));
    });
  });
  return {
    proc,
    url,
    get stdout() {
      return stdout;
    },
    exited,
  };
}

/** What a crash test's processes share: a port, a data folder, a master key, and on PostgreSQL a fresh database. */
async function crashSetup(prefix: string): Promise<{ env: Record<string, string>; dataDir: string; pgDb: Database | undefined }> {
  const port = await freePort();
  const dataDir = onPostgres ? mkdtempSync(join(tmpdir(), prefix)) : await migratedDataDir(prefix);
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    PORT: String(port),
    ZEROFEE_DATA_DIR: dataDir,
    ZEROFEE_MASTER_KEY: testMasterKey(),
    ZEROFEE_IDEMPOTENCY_LOCK_S: "1",
    ZEROFEE_SANDBOX_CONFIRM_MS: "100",
    ZEROFEE_RATE_LIMIT_PER_KEY: "0",
    ZEROFEE_RATE_LIMIT_PER_IP: "0",
  };
  let pgDb: Database | undefined;
  if (onPostgres) {
    // Already migrated (the run's template), as the PGlite data folder above: the servers would migrate it anyway.
    const fresh = await freshDatabase({ migrated: true });
    if (!fresh.url) throw new Error("no database url");
    env.DATABASE_URL = fresh.url;
    pgDb = fresh.database;
    cleanups.push(() => fresh.drop());
  }
  return { env, dataDir, pgDb };
}

const children: Child[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  for (const fn of cleanups.reverse()) await fn();
});

// CF-1 and CF-R share nothing (each its own port, data folder or database, master key and
// processes): they run at once, so one's process starts and waits overlap the other's.
// `expect` is each test's own (concurrent tests).
describe.concurrent("C. crashes", () => {
  it("CF-1 kill -9 after the provider call, before commit: the retry resumes, one provider payment", async ({ expect }) => {
    const { env, dataDir, pgDb } = await crashSetup("zf-cf1-");

    // 1. The faulty process: it dies right after the provider accepted.
    const first = await serve({ ...env, ZEROFEE_FAULT: "after_provider_initiate" });
    children.push(first);
    // The demo banner follows the "listening" line.
    await eventually(async () => /Publishable key\s+pk_test_\S+\s/.test(first.stdout));
    const sk = /Secret key\s+(sk_test_\S+)/.exec(first.stdout)?.[1];
    const pk = /Publishable key\s+(pk_test_\S+)/.exec(first.stdout)?.[1];
    expect(sk, first.stdout).toBeDefined();
    expect(pk, first.stdout).toBeDefined();
    const create = () =>
      fetch(`${first.url}/v1/payments`, {
        method: "POST",
        headers: { authorization: `Bearer ${sk}`, "content-type": "application/json", "idempotency-key": "cf-1-K" },
        // …03 (OTP): the sandbox never confirms on its own, so no provider callback can settle
        // the payment before the retry — the retry itself must resume the stored attempt.
        body: JSON.stringify(paymentBody("03", { reference: "cf-1" })),
      });
    await expect(create()).rejects.toThrow();
    expect((await first.exited).signal).toBe("SIGKILL");
    // The provider holds the payment the dead process started (PGlite: read while no server runs).
    const heldBefore = await (async () => {
      const db = pgDb ?? (await openPglite(dataDir));
      try {
        return await rows(db.db, sql`select id from sandbox_records where provider = 'test'`);
      } finally {
        if (!pgDb) await db.close();
      }
    })();
    expect(heldBefore).toHaveLength(1);

    // 2. Restart on the same data without the fault; the dead process's lock is taken over.
    const second = await serve(env);
    children.push(second);
    expect(second.url).toBe(first.url);
    // The dead process's lock holds for ZEROFEE_IDEMPOTENCY_LOCK_S: until then the retry is 409.
    const retry = await eventually(
      async () => {
        const res = await create();
        if (res.status !== 409) return res;
        const body = (await res.json()) as { error: { code: string } };
        expect(body.error.code).toBe("idempotency_key_in_use");
        return null;
      },
      10_000,
      100,
    );
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBeNull();
    const created = ((await retry.json()) as { data: { id: string; status: string; next_action: { type: string } } }).data;
    expect(created.status).toBe("requires_action");
    expect(created.next_action.type).toBe("otp");
    const replay = await create();
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");

    const list = (await (await fetch(`${second.url}/v1/payments?limit=100`, { headers: { authorization: `Bearer ${sk}` } })).json()) as {
      data: { id: string }[];
    };
    expect(list.data.map((p) => p.id)).toEqual([created.id]);
    // The customer's code reaches the provider payment the first process started.
    const otp = await fetch(`${second.url}/v1/payments/${created.id}/authenticate`, {
      method: "POST",
      headers: { authorization: `Bearer ${pk}`, "content-type": "application/json" },
      body: JSON.stringify({ otp: "123456" }),
    });
    expect(otp.status).toBe(200);
    const completed = await eventually(async () => {
      const res = await fetch(`${second.url}/v1/payments/${created.id}`, { headers: { authorization: `Bearer ${sk}` } });
      const p = ((await res.json()) as { data: { status: string } }).data;
      return p.status === "completed" ? p : null;
    }, 20_000);
    expect(completed.status).toBe("completed");

    // 3. What each side holds: PGlite is one process, so read it once the server is gone.
    second.proc.kill("SIGTERM");
    await second.exited;
    const db = pgDb ?? (await openPglite(dataDir));
    try {
      const sandbox = await rows(db.db, sql`select id from sandbox_records where provider = 'test'`);
      const attempts = await rows(db.db, sql`select provider_payment_id, status from payment_attempts where payment_id = ${created.id}`);
      const payments = await rows(db.db, sql`select id, status from payments`);
      // The retry sent the same provider-side id again: the provider kept its one payment.
      expect(sandbox).toEqual(heldBefore);
      expect(attempts).toEqual([{ provider_payment_id: sandbox[0].id, status: "accepted" }]);
      expect(payments).toEqual([{ id: created.id, status: "completed" }]);
      expect(await eventCounts(db.db, created.id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
    } finally {
      if (!pgDb) await db.close();
    }
  }, 180_000);

  it("CF-R: kill -9 after the provider accepted a refund, before commit: reconciliation asks again with the same id, one provider refund", async ({
    expect,
  }) => {
    const { env, dataDir, pgDb } = await crashSetup("zf-cfr-");

    // 1. The faulty process completes a payment, then dies right after the provider accepted its refund.
    const first = await serve({ ...env, ZEROFEE_FAULT: "after_refund_initiate" });
    children.push(first);
    const sk = /Secret key\s+(sk_test_\S+)/.exec(first.stdout)?.[1];
    expect(sk, first.stdout).toBeDefined();
    const call = (method: string, path: string, body?: unknown, key?: string) =>
      fetch(`${first.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${sk}`, "content-type": "application/json", ...(key ? { "idempotency-key": key } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const created = (await (await call("POST", "/v1/payments", paymentBody("00", { amount: 10_000 }))).json()) as { data: { id: string } };
    const paymentId = created.data.id;
    await eventually(
      async () => ((await (await call("GET", `/v1/payments/${paymentId}`)).json()) as { data: { status: string } }).data.status === "completed",
      20_000,
    );
    const refund = () => call("POST", "/v1/refunds", { payment_id: paymentId, amount: 4_000 }, "cf-r-K");
    await expect(refund()).rejects.toThrow();
    expect((await first.exited).signal).toBe("SIGKILL");

    // 2. Restarted without the fault and with a 1 s reconciliation: nobody retries, the refund still ends.
    const second = await serve({ ...env, ZEROFEE_RECONCILE_EVERY_S: "1", ZEROFEE_RECONCILE_AFTER_S: "1" });
    children.push(second);
    const listed = await eventually(async () => {
      const list = (await (await call("GET", `/v1/refunds?payment_id=${paymentId}`)).json()) as { data: { id: string; status: string }[] };
      return list.data.length === 1 && list.data[0]?.status === "completed" ? list.data : null;
    }, 30_000);
    const refundId = listed[0]?.id;
    // The merchant's retry with the same key resumes that refund: the same one, no second.
    // The crashed request's lock is taken over after ZEROFEE_IDEMPOTENCY_LOCK_S: until then, 409.
    const retry = await eventually(async () => {
      const r = await refund();
      return r.status === 409 ? null : r;
    }, 10_000);
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { data: { id: string; status: string } }).data).toMatchObject({ id: refundId, status: "completed" });
    const p = ((await (await call("GET", `/v1/payments/${paymentId}`)).json()) as { data: { amount_refunded: number } }).data;
    expect(p.amount_refunded).toBe(4_000);

    second.proc.kill("SIGTERM");
    await second.exited;
    const db = pgDb ?? (await openPglite(dataDir));
    try {
      const sandbox = await rows(db.db, sql`select data from sandbox_records where provider = 'test'`);
      expect(sandbox).toHaveLength(1);
      expect(Object.keys((sandbox[0].data as { refunds: Record<string, unknown> }).refunds)).toEqual([refundId]);
      expect(await rows(db.db, sql`select id, status, amount::int as amount from refunds`)).toEqual([{ id: refundId, status: "completed", amount: 4_000 }]);
      expect(await eventCounts(db.db, refundId as string)).toEqual({ "refund.created": 1, "refund.completed": 1 });
    } finally {
      if (!pgDb) await db.close();
    }
  }, 180_000);
});

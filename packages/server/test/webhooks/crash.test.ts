/**
 * CF-2 (reliability.md §5 C): a real `zerofee serve` is SIGKILLed while the receiver holds a
 * delivery open. Restarted on the same data, the event is delivered again once the dead
 * worker's lease runs out, with the same `webhook-id`; nothing is lost.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, freshDatabase, httpCall, migratedDataDir, onPostgres, paymentBody, testMasterKey } from "../harness.js";
import { freePort } from "../reliability/helpers.js";
import { type Child, runCli } from "./child.js";
import { startReceiver } from "./receiver.js";

const children: Child[] = [];
const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill("SIGKILL");
  for (const fn of cleanups.reverse()) await fn();
});

async function serve(env: Record<string, string>): Promise<{ child: Child; url: string }> {
  const child = runCli(["serve"], env);
  children.push(child);
  const url = (await child.waitFor(/listening on (http:\/\/\S+)\n/))[1] as string;
  return { child, url };
}

describe("C. crashes", () => {
  it("CF-2 kill -9 during webhook delivery: after restart the event is delivered again (same webhook-id); delivered + pending = written", async () => {
    let held = "";
    // Set once the payment is created (the server must answer that first): from then on the
    // first server is SIGKILLed the moment the held POST is in — out, unanswered and
    // unrecorded (asserted below), well inside the delivery timeout.
    let killFirst: (() => void) | undefined;
    const receiver = await startReceiver((req) => {
      if (!held) {
        held = String(req.headers["webhook-id"]);
        killFirst?.();
        return "hold";
      }
      return { status: 200 };
    });
    cleanups.push(() => receiver.close());
    const dataDir = onPostgres ? mkdtempSync(join(tmpdir(), "zf-cf2-")) : await migratedDataDir("zf-cf2-");
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = {
      PORT: String(await freePort()),
      ZEROFEE_DATA_DIR: dataDir,
      ZEROFEE_MASTER_KEY: testMasterKey(),
      ZEROFEE_SANDBOX_CONFIRM_MS: "100",
      // Info, not the children's usual warn: lines for SE-1's scan to read (a run of this file
      // alone would otherwise capture two silent processes, which the scan refuses as proving nothing).
      LOG_LEVEL: "info",
      // The dead worker's lease is this timeout + 10 s (jobs/webhooks.ts LEASE_MARGIN_MS): the
      // wait for the redelivery. Still far longer than the kill takes to land.
      ZEROFEE_WEBHOOK_TIMEOUT_MS: "1000",
      ZEROFEE_WEBHOOK_RETRY_DELAYS: "1,1,1",
      ZEROFEE_RATE_LIMIT_PER_KEY: "0",
      ZEROFEE_RATE_LIMIT_PER_IP: "0",
    };
    if (onPostgres) {
      const fresh = await freshDatabase();
      if (!fresh.url) throw new Error("no database url");
      env.DATABASE_URL = fresh.url;
      await fresh.database.close();
      cleanups.push(() => fresh.drop());
    }

    const first = await serve(env);
    // The demo banner shows the keys when it creates them (a restart on PostgreSQL does not repeat them).
    const sk = (await first.child.waitFor(/Secret key\s+(sk_test_\S+)/))[1] as string;
    const appId = (await first.child.waitFor(/Test app\s+(app_\S+)/))[1] as string;
    const put = await httpCall(first.url, "PUT", `/v1/apps/${appId}/webhook`, { token: sk, body: { url: receiver.url } });
    expect(put.status, put.text).toBe(201);
    const pay = await httpCall(first.url, "POST", "/v1/payments", { token: sk, body: paymentBody("02") });
    expect(pay.status).toBe(201);
    killFirst = () => first.child.proc.kill("SIGKILL");
    if (held) killFirst();
    await eventually(async () => held || null);
    expect((await first.child.exited).signal).toBe("SIGKILL");

    const second = await serve(env);
    const more = await httpCall(second.url, "POST", "/v1/payments", { token: sk, body: paymentBody("00") });
    expect(more.status).toBe(201);
    // The held event comes back once the dead worker's lease (timeout + 10 s) runs out: within 60 s.
    // (The kill lands when the receiver gets the POST; the second server's boot runs inside the lease.)
    const again = await eventually(async () => receiver.delivered.get(held), 60_000);
    expect(again[0]?.headers["webhook-id"]).toBe(held);
    expect(receiver.received.filter((r) => r.headers["webhook-id"] === held).length).toBeGreaterThanOrEqual(2);
    const events = await eventually(async () => {
      const list = await httpCall(second.url, "GET", "/v1/events?limit=100", { token: sk });
      const data = list.body.data as Array<{ id: string; delivery: { status: string } }>;
      return data.length === 3 && data.every((e) => e.delivery.status === "delivered") ? data : null;
    }, 30_000);
    // payment.created ×2 and the completed one: written = delivered, each reached the receiver.
    for (const e of events) expect(receiver.delivered.has(e.id), e.id).toBe(true);
    // The killed attempt was never recorded (the kill came before any answer or timeout): the
    // one attempt on record is the redelivery's.
    const dels = await httpCall(second.url, "GET", `/v1/events/${held}/deliveries`, { token: sk });
    expect(dels.body.data).toHaveLength(1);
    expect(dels.body.data[0]).toMatchObject({ attempt: 1, status_code: 200 });
    second.child.proc.kill("SIGTERM");
    await second.child.exited;
  }, 180_000);
});

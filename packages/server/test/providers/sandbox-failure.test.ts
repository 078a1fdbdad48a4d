/**
 * A sandbox that fails after its write committed (as when the database connection resets
 * between the commit and its answer) must read as "outcome unknown" to the adapter, not as
 * the provider's documented 503 "nothing processed": otherwise a retry initiates the payment
 * a second time at the provider. Found by CF-3 on PostgreSQL (two sandbox records for one
 * payment).
 */
import { PROVIDERS, type ProviderEntry } from "@zerofee/providers";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxRecords } from "../../src/db/schema/index.js";
import { createMerchant, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";

const base = PROVIDERS.test;
/** The real `test` simulator, whose host throws once the collection is stored. */
const failsAfterWrite: ProviderEntry = {
  adapter: { ...base.adapter, metadata: { ...base.adapter.metadata, name: "test_fails_after_write" } },
  simulator: (opts) => {
    const sim = base.simulator(opts);
    return {
      ...sim,
      async handle(req) {
        const res = await sim.handle(req);
        if (req.method === "POST" && req.path === "/v1/collections")
          throw Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" });
        return res;
      },
    };
  },
  scenarios: [],
};

let t: TestApp;
let m: Merchant;
beforeAll(async () => {
  t = await startTestApp({ providers: { ...PROVIDERS, test_fails_after_write: failsAfterWrite } });
  m = await createMerchant(t);
});
afterAll(() => t.stop());

describe("sandbox failure after its write", () => {
  it("the create stays pending for reconciliation, and a retry with the same key never initiates twice", async () => {
    const body = paymentBody("02", { provider: "test_fails_after_write" });
    const first = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "after-write" });
    expect(first.status, first.text).toBe(201);
    expect(first.body.data.attempts.map((a: { status: string }) => a.status)).toEqual(["accepted"]);
    const again = await t.call("POST", "/v1/payments", { token: m.sk, body, idempotencyKey: "after-write" });
    expect(again.body.data.id).toBe(first.body.data.id);
    const records = await t.database.db.select().from(sandboxRecords).where(eq(sandboxRecords.provider, "test_fails_after_write"));
    expect(records).toHaveLength(1);
  });
});

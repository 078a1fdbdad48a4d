/** Shared steps of the refund tests: a completed sandbox payment, a refund waited on to its end. */
import { eventually, type Merchant, paymentBody, type TestApp } from "../harness.js";

/** A payment of `amount` XOF through the `test` provider's USSD push, waited on until completed. */
export async function completedPayment(t: TestApp, m: Merchant, amount = 10_000, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00", { amount, ...extra }) });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  const id: string = res.body.data.id;
  await eventually(async () => (await t.call("GET", `/v1/payments/${id}`, { token: m.sk })).body.data.status === "completed");
  return id;
}

/** The refund once it left `pending`. */
export async function settledRefund(t: TestApp, m: Merchant, id: string, timeoutMs = 10_000) {
  return eventually(async () => {
    const r = (await t.call("GET", `/v1/refunds/${id}`, { token: m.sk })).body.data;
    return r.status !== "pending" ? r : null;
  }, timeoutMs);
}

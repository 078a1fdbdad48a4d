import { it } from "vitest";
import { startTestApp, createMerchant, paymentBody } from "../harness.js";
it("diag", async () => {
  const t = await startTestApp();
  const m = await createMerchant(t);
  let s = Date.now();
  for (let i = 0; i < 10; i++) await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") });
  console.log("serial create ms", (Date.now() - s) / 10); s = Date.now();
  await Promise.all(Array.from({ length: 20 }, () => t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("02") })));
  console.log("20 parallel ms", Date.now() - s); s = Date.now();
  await Promise.all(Array.from({ length: 20 }, () => t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("00") })));
  console.log("20 parallel 00 ms", Date.now() - s); s = Date.now();
  await new Promise((r) => setTimeout(r, 1000));
  await t.app.stop(); console.log("app.stop", Date.now() - s); s = Date.now();
  await t.database.close(); console.log("db.close", Date.now() - s); s = Date.now();
}, 120000);

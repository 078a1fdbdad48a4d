/**
 * `npm run docs:screenshots`: the dashboard screenshots of docs/dashboard.md, taken from the
 * real server (PGlite, sandboxes, workers) with the demo login and a few sandbox payments, at
 * 1280 px, so the pictures in the docs stay true to the code.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { seedDemo } from "../../src/services/demo/seed.js";
import { launch } from "../browser-launch.js";
import { CI_PHONE, eventually, startTestApp } from "../harness.js";
import { startReceiver } from "../webhooks/receiver.js";

const OUT = fileURLToPath(new URL("../../../../docs/img/", import.meta.url));

async function main() {
  mkdirSync(OUT, { recursive: true });
  const t = await startTestApp({ workers: true, env: { LOG_LEVEL: "warn" } });
  const receiver = await startReceiver();
  const browser = await launch();
  try {
    const seeded = await seedDemo(t.app.ctx, null);
    if (!seeded) throw new Error("expected an empty database");
    const { demo } = seeded;
    const token = (await t.call("POST", "/v1/auth/login", { body: { email: demo.email, password: demo.password } })).body.data.token;
    await t.call("PUT", `/v1/apps/${demo.app_id}/webhook`, { token, body: { mode: "test", url: receiver.url } });
    const ids: string[] = [];
    const orders: Array<[number, string, string]> = [
      [2500, "PAYIN_ORANGE_CI", "00"],
      [15000, "PAYIN_MTN_CI", "00"],
      [4200, "PAYIN_ORANGE_CI", "01"],
      [9900, "PAYIN_WAVE_CI", "00"],
      [1500, "PAYIN_ORANGE_CI", "00"],
    ];
    for (const [i, [amount, method, ending]] of orders.entries()) {
      const r = await t.call("POST", "/v1/payments", {
        token: demo.secret_key,
        body: { amount, payment_method: method, customer: { phone: CI_PHONE(ending), name: "Awa Koné" }, reference: `order-${1001 + i}` },
      });
      if (r.status !== 201) throw new Error(`payment: ${r.status} ${r.text}`);
      ids.push(r.body.data.id);
    }
    for (const id of ids) {
      await eventually(
        async () => !["pending", "processing"].includes((await t.call("GET", `/v1/payments/${id}`, { token: demo.secret_key })).body.data.status),
      );
    }
    await t.call("POST", `/v1/apps/${demo.app_id}/webhook/test`, { token, body: { mode: "test" } });
    await eventually(async () => receiver.received.length >= ids.length);

    const ctx = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    await page.goto(`${t.url}/dashboard/login`);
    await page.getByLabel("Email", { exact: true }).fill(demo.email);
    await page.getByLabel("Password", { exact: true }).fill(demo.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("link", { name: ids[0] }).waitFor();
    await page.screenshot({ path: `${OUT}dashboard-overview.png` });
    await page.goto(`${t.url}/dashboard/transactions/${ids[1]}`);
    await page.getByRole("list", { name: "Timeline" }).waitFor();
    await page.locator("tr[data-event]").first().waitFor();
    await page.screenshot({ path: `${OUT}dashboard-transaction.png`, fullPage: true });
    await page.goto(`${t.url}/dashboard/apps/${demo.app_id}`);
    const log = page.locator("#webhook").locator("xpath=..");
    await log.locator("tr[data-event]").first().waitFor();
    await log.screenshot({ path: `${OUT}dashboard-webhooks.png` });
    await ctx.close();
    process.stdout.write(`screenshots written to ${OUT}\n`);
  } finally {
    await browser.close();
    await receiver.close();
    await t.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

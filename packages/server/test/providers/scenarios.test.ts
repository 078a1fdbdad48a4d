/**
 * SPEC §14 end to end for every provider, from the scenarios each provider folder exports:
 * create (provider forced) → the simulated customer acts on the sandbox (waits, types an OTP,
 * or presses a button on the redirect page) → callback or verified return → final status,
 * timeline and events. Adding a provider adds its scenarios here without touching this file.
 */
import { PROVIDER_NAMES, PROVIDERS, type SandboxScenario } from "@zerofee/providers";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { rows } from "../reliability/helpers.js";
import { actOnSandbox } from "./sandbox-page.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp({ env: { ZEROFEE_SANDBOX_CONFIRM_MS: "150" } });
  m = await createMerchant(t);
});
afterAll(() => t.stop());

const MERCHANT = "https://merchant.example";
const FINAL = new Set(["completed", "failed", "cancelled", "expired"]);

async function run(provider: string, s: SandboxScenario) {
  const body = {
    ...s.create,
    provider,
    reference: `${provider}-${s.name}`.slice(0, 60),
    success_url: `${MERCHANT}/success`,
    cancel_url: `${MERCHANT}/cancel`,
    error_url: `${MERCHANT}/error`,
  };
  const created = await t.call("POST", "/v1/payments", { token: m.sk, body });
  expect(created.status, JSON.stringify(created.body)).toBe(s.expect.createStatus ?? 201);
  if (s.expect.errorCode) expect(created.body.error.code).toBe(s.expect.errorCode);
  if (created.status !== 201) return;
  const payment = created.body.data;
  expect(payment.provider).toBe(provider);
  if (s.expect.nextAction !== undefined) expect(payment.next_action?.type ?? null).toBe(s.expect.nextAction);

  if (s.customer.kind === "otp") {
    for (const otp of s.customer.codes) {
      const res = await t.call("POST", `/v1/payments/${payment.id}/authenticate`, { token: m.pk, body: { otp } });
      expect([200, 422]).toContain(res.status);
    }
  }
  if (s.customer.kind === "redirect") {
    const journey = await actOnSandbox(
      payment.next_action.redirect_url,
      new URL(t.url).origin,
      s.customer.action,
      s.customer.card ? { card_number: s.customer.card } : {},
    );
    expect(
      journey.visited.some((u) => u.includes(`/v1/payments/${payment.id}/return`)),
      journey.visited.join(" → "),
    ).toBe(true);
    if (s.expect.returnTo) {
      const final = new URL(journey.final);
      expect(`${final.origin}${final.pathname}`).toBe(`${MERCHANT}/${s.expect.returnTo}`);
      expect(final.searchParams.get("transaction_id")).toBe(payment.id);
    }
  }

  const want = s.expect.status;
  if (!want) return;
  const read = async () => (await t.call("GET", `/v1/payments/${payment.id}`, { token: m.sk })).body.data;
  if (FINAL.has(want)) {
    const done = await eventually(async () => {
      const p = await read();
      return FINAL.has(p.status) ? p : null;
    }, 20_000);
    expect(done.status).toBe(want);
    const events = await t.call("GET", `/v1/payments/${payment.id}`, { token: m.sk });
    expect(events.body.data.timeline.at(-1).status).toBe(want);
  } else {
    // Still open once the sandboxes have nothing left to do soon (no confirmation, no callback
    // due within several confirmation periods): nothing completes it behind our back.
    await eventually(async () => {
      const due = await rows(t.database.db, sql`select 1 from sandbox_records where due_at is not null and due_at < ${new Date(Date.now() + 5_000)}`);
      return due.length === 0;
    }, 20_000);
    expect((await read()).status).toBe(want);
  }
}

for (const name of PROVIDER_NAMES) {
  describe(`sandbox scenarios: ${name} (SPEC §14)`, () => {
    for (const scenario of PROVIDERS[name].scenarios) {
      it(scenario.name, () => run(name, scenario), 40_000);
    }
  });
}

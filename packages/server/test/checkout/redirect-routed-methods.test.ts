/**
 * The catalogue's `flow` follows the app's routing (SPEC §8: the popup is opened in the click
 * for redirect flows, so the widget must know before « Payer » whether the method will end on
 * a provider page). A mobile-money method routed to PaiementPro (hosted page only) is a
 * redirect for that app, while the same method stays a USSD push for other apps and without
 * the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type Merchant, startTestApp, type TestApp } from "../harness.js";
import { pay } from "./helpers.js";

let t: TestApp;
let m: Merchant;
let other: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "routed-redirect");
  other = await createMerchant(t, "routed-push");
});
afterAll(() => t?.stop());

type Method = { code: string; flow: string };
const setRules = (who: Merchant, rules: unknown[]) => t.call("PUT", `/v1/apps/${who.appId}/routing`, { token: who.token, body: { mode: "test", rules } });

async function flows(who: Merchant, country = "CI"): Promise<Record<string, string>> {
  const r = await t.call("GET", `/v1/checkout/methods?country=${country}`, { token: who.pk });
  expect(r.status, r.text).toBe(200);
  const methods: Method[] = r.body.data.countries.find((c: { code: string }) => c.code === country)?.methods ?? [];
  return Object.fromEntries(methods.map((x) => [x.code, x.flow]));
}

describe("GET /v1/checkout/methods: flow from the app's routing", () => {
  it("a mobile-money method routed to a redirect provider (PaiementPro) is reported as a redirect; push without the rule, and for other apps", async () => {
    // Nothing set up: test mode sends mobile money to the sandbox's push.
    expect((await flows(m)).PAYIN_MOOV_CI).toBe("ussd_push");

    const put = await setRules(m, [{ payment_method: "PAYIN_MOOV_CI", providers: ["paiementpro"] }]);
    expect(put.status, put.text).toBe(200);
    const routed = await flows(m);
    expect(routed.PAYIN_MOOV_CI).toBe("redirect");
    // The rule names Moov only: Orange stays a push, Wave stays a page.
    expect(routed.PAYIN_ORANGE_CI).toBe("ussd_push");
    expect(routed.PAYIN_WAVE_CI).toBe("redirect");
    // Another app's catalogue is its own routing's.
    expect((await flows(other)).PAYIN_MOOV_CI).toBe("ussd_push");

    // What the catalogue said is what the payment does.
    const p = await pay(t, m.pk, { payment_method: "PAYIN_MOOV_CI", customer: { phone: "+225 01 00 00 00 00" }, amount: 2500, currency: "XOF" });
    expect(p.status, p.text).toBe(201);
    expect(p.body.data.next_action?.type).toBe("redirect");

    // The rule removed: a push again.
    expect((await setRules(m, [])).status).toBe(200);
    expect((await flows(m)).PAYIN_MOOV_CI).toBe("ussd_push");
  });

  it("a rule with the redirect provider behind a push one (cascade on refusal only) keeps the push; a weighted split that may draw it says redirect", async () => {
    const who = await createMerchant(t, "routed-split");
    // PaiementPro only if the sandbox push provably refuses: the payment starts as a push.
    await setRules(who, [{ payment_method: "PAYIN_MOOV_CI", providers: ["test", "paiementpro"] }]);
    expect((await flows(who)).PAYIN_MOOV_CI).toBe("ussd_push");
    // PaiementPro first, the push behind it: a page.
    await setRules(who, [{ payment_method: "PAYIN_MOOV_CI", providers: ["paiementpro", "test"] }]);
    expect((await flows(who)).PAYIN_MOOV_CI).toBe("redirect");
    // A split draws either first: the popup must be ready (the widget closes it on a push answer).
    await setRules(who, [
      {
        payment_method: "PAYIN_MOOV_CI",
        split: [
          { provider: "test", weight: 99 },
          { provider: "paiementpro", weight: 1 },
        ],
      },
    ]);
    expect((await flows(who)).PAYIN_MOOV_CI).toBe("redirect");
  });
});

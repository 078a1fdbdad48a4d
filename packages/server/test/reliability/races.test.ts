/**
 * SM-2 simultaneous completion sources (reference/reliability.md §5 B; SPEC §3, §16): for a
 * payment the provider has completed but ZeroFee has not yet heard of, the signed webhook, the
 * customer's return and reconciliation run at once, in an order fast-check's scheduler picks.
 * One transition, one `payment.completed`, one fee computation, and the timeline names the
 * winner. PostgreSQL only: PGlite is one connection, so it cannot show a race.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reconcilePayments } from "../../src/jobs/reconcile.js";
import { createMerchant, type Merchant, onPostgres, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { eventCounts, rows, sandboxControl, sendProviderCallback } from "./helpers.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  if (!onPostgres) return;
  t = await startTestApp({ env: { ZEROFEE_RECONCILE_AFTER_S: "0" } });
  m = await createMerchant(t, "sm2");
  await t.database.db.execute(sql`update apps set fee_bps = 150, fee_fixed = '{"XOF": 25}'::jsonb where id = ${m.appId}`);
});
afterAll(() => t?.stop());

const SOURCE_OF = { webhook: "provider_webhook", return: "return_callback", reconcile: "reconciliation" } as const;

describe("B. state machine: racing completion sources", () => {
  it.skipIf(!onPostgres)(
    "SM-2 webhook, return and reconciliation race for one payment (PostgreSQL + fc.scheduler): one transition, one payment.completed, one fee, timeline source = the winner",
    async () => {
      await sandboxControl(t, { drop_callbacks: true });
      const winners = new Map<string, number>();
      try {
        await fc.assert(
          fc.asyncProperty(fc.scheduler(), fc.integer({ min: 100, max: 5_000_000 }), fc.tuple(fc.boolean(), fc.boolean()), async (s, amount, waits) => {
            const created = await t.call("POST", "/v1/payments", {
              token: m.sk,
              idempotencyKey: randomUUID(),
              body: paymentBody("02", { amount, success_url: "https://shop.example/ok", error_url: "https://shop.example/error" }),
            });
            expect(created.status).toBe(201);
            const p = created.body.data;
            const reference: string = p.attempts[0].provider_payment_id;
            // The customer pays at the provider; its callback is lost (ZeroFee has not heard).
            const paid = await t.call("POST", `/sandbox/test/pay/${encodeURIComponent(reference)}`, {
              rawBody: "action=approve",
              headers: { "content-type": "application/x-www-form-urlencoded" },
            });
            expect(paid.status).toBe(303);

            const eventId = `tevt_sm2_${randomUUID()}`;
            const race = {
              webhook: () => sendProviderCallback(t, { eventId, reference, id: p.provider_reference, status: "SUCCESSFUL", amount, currency: "XOF" }),
              return: () => t.call("GET", `/v1/payments/${p.id}/return`),
              reconcile: () => reconcilePayments(t.app.ctx),
            };
            // The scheduler picks the order sources start in; each one either starts at once
            // (a true race on PostgreSQL) or, per `waits`, after the one released before it ends.
            let previous: Promise<unknown> = Promise.resolve();
            let released = 0;
            const runs = (Object.keys(race) as Array<keyof typeof race>).map((name) =>
              s.schedule(Promise.resolve(name)).then(() => {
                const i = released++;
                const before = previous;
                const mine = (async () => {
                  if (i > 0 && waits[i - 1]) await before.catch(() => {});
                  return race[name]();
                })();
                previous = mine;
                return mine;
              }),
            );
            await s.waitAll();
            const [hook, ret, rec] = (await Promise.all(runs)) as [
              Awaited<ReturnType<typeof race.webhook>>,
              Awaited<ReturnType<typeof race.return>>,
              Awaited<ReturnType<typeof race.reconcile>>,
            ];

            const [row] = await rows(t.database.db, sql`select status, timeline, fee_amount, net_amount from payments where id = ${p.id}`);
            expect(row.status).toBe("completed");
            const completed = (row.timeline as Array<{ status: string; source: string }>).filter((e) => e.status === "completed");
            expect(completed).toHaveLength(1);
            expect(await eventCounts(t.database.db, p.id)).toEqual({ "payment.created": 1, "payment.completed": 1 });
            const fee = Math.min(amount, 25 + Math.ceil((amount * 150) / 10_000));
            expect(Number(row.fee_amount)).toBe(fee);
            expect(Number(row.net_amount)).toBe(amount - fee);
            // The winner is the source that applied it; every other one changed nothing.
            const source = completed[0]?.source ?? "";
            expect(Object.values(SOURCE_OF)).toContain(source);
            expect(hook.status).toBe(200);
            expect(hook.body.data.applied).toBe(source === SOURCE_OF.webhook);
            // Reconciliation says what it changed (this is the only open payment it can see):
            // with the webhook's own answer, the timeline's source is confirmed whoever won.
            expect(rec.changed).toBe(source === SOURCE_OF.reconcile ? 1 : 0);
            expect(ret.status).toBe(303);
            expect(new URL(ret.headers.get("location") ?? "").pathname).toBe("/ok");
            winners.set(source, (winners.get(source) ?? 0) + 1);
          }),
          { numRuns: 40, seed: 20_261_126 },
        );
      } finally {
        await sandboxControl(t, { drop_callbacks: false });
      }
      console.log(`SM-2 winners: ${JSON.stringify(Object.fromEntries(winners))}`);
      // Not vacuous: the orders drawn let more than one source win.
      expect(winners.size).toBeGreaterThanOrEqual(2);
    },
    180_000,
  );
});

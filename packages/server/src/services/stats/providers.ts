import { and, eq, gte, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { paymentAttempts, payments } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";

export const ProviderStatsQuery = z.strictObject({
  created_from: z.iso.datetime({ offset: true }).optional(),
  created_to: z.iso.datetime({ offset: true }).optional(),
});

export const ProviderStatsSchema = z
  .object({
    rates: z.array(
      z.object({
        provider: z.string(),
        payment_method: z.string(),
        completed: z.number().int(),
        failed: z.number().int(),
        expired: z.number().int(),
        cancelled: z.number().int(),
        open: z.number().int(),
        /** Attempts the provider provably refused (the payment cascaded or failed). */
        rejected_attempts: z.number().int(),
        success_rate: z.number().nullable().describe("completed / (completed + failed + expired + cancelled)"),
      }),
    ),
    health: z.array(
      z.object({
        provider: z.string(),
        state: z.enum(["healthy", "cooling_down"]),
        calls: z.number().int(),
        errors: z.number().int(),
        error_rate: z.number().nullable(),
        cooldown_until: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "ProviderStats" });

/**
 * Success rate per (provider, method) for the caller's app and mode (SPEC §5), from its own
 * payments, plus the routing health of each provider usable in the mode.
 */
export async function providerStats({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: z.infer<typeof ProviderStatsQuery> }) {
  const window = [
    ...(input.created_from ? [gte(payments.createdAt, new Date(input.created_from))] : []),
    ...(input.created_to ? [lt(payments.createdAt, new Date(input.created_to))] : []),
  ];
  const count = (status: string) => sql<number>`count(*) filter (where ${payments.status} = ${status})::int`;
  const byPayment = await ctx.db
    .select({
      provider: payments.provider,
      method: payments.paymentMethod,
      completed: count("completed"),
      failed: count("failed"),
      expired: count("expired"),
      cancelled: count("cancelled"),
      open: sql<number>`count(*) filter (where ${payments.status} in ('pending', 'requires_action', 'processing'))::int`,
    })
    .from(payments)
    .where(and(eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode), sql`${payments.provider} is not null`, ...window))
    .groupBy(payments.provider, payments.paymentMethod);
  const rejected = await ctx.db
    .select({ provider: paymentAttempts.provider, method: payments.paymentMethod, n: sql<number>`count(*)::int` })
    .from(paymentAttempts)
    .innerJoin(payments, eq(payments.id, paymentAttempts.paymentId))
    .where(and(eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode), eq(paymentAttempts.status, "rejected"), ...window))
    .groupBy(paymentAttempts.provider, payments.paymentMethod);

  const rows = new Map<string, z.infer<typeof ProviderStatsSchema>["rates"][number]>();
  const row = (provider: string, method: string) => {
    const key = `${provider}|${method}`;
    let r = rows.get(key);
    if (!r) {
      r = { provider, payment_method: method, completed: 0, failed: 0, expired: 0, cancelled: 0, open: 0, rejected_attempts: 0, success_rate: null };
      rows.set(key, r);
    }
    return r;
  };
  for (const p of byPayment) {
    Object.assign(row(p.provider ?? "", p.method), {
      completed: Number(p.completed),
      failed: Number(p.failed),
      expired: Number(p.expired),
      cancelled: Number(p.cancelled),
      open: Number(p.open),
    });
  }
  for (const a of rejected) row(a.provider, a.method).rejected_attempts = Number(a.n);
  const rates = [...rows.values()].map((r) => {
    const closed = r.completed + r.failed + r.expired + r.cancelled;
    return { ...r, success_rate: closed ? r.completed / closed : null };
  });
  rates.sort((a, b) => a.provider.localeCompare(b.provider) || a.payment_method.localeCompare(b.payment_method));
  const health = ctx.providers
    .names()
    .filter((name) => ctx.providers.usable(name, scope.livemode))
    .map((name) => {
      const { livemode: _mode, ...h } = ctx.providers.health.snapshot(name, scope.livemode);
      return h;
    });
  return { rates, health };
}

import { and, eq } from "drizzle-orm";
import { resolveMethod } from "../../catalogue/index.js";
import { type RoutingRule, routingRules } from "../../db/schema/index.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import type { PutRoutingInput } from "./schemas.js";
import { servesMethod } from "./serves.js";
import { routingSetupCache } from "./setup-cache.js";

const ruleProviders = (r: RoutingRule) => ("providers" in r ? r.providers : r.split.map((s) => s.provider));

/** Checks each rule against the catalogue and the registry; 400 naming `rules[i]…`. */
function validateRules(ctx: ServiceContext, livemode: boolean, input: PutRoutingInput["rules"]): RoutingRule[] {
  const seen = new Set<string>();
  return input.map((rule, i) => {
    const bad = (param: string, message: string) => new ApiError("validation_error", message, { param: `rules[${i}].${param}` });
    const method = resolveMethod(rule.payment_method);
    if (!method) throw bad("payment_method", `Unknown payment method ${rule.payment_method}.`);
    if (rule.country && method.country && rule.country !== method.country) {
      throw bad("country", `${method.code} is a ${method.country} method.`);
    }
    const country = rule.country ?? method.country;
    const key = `${method.code}|${country ?? ""}`;
    if (seen.has(key)) throw bad("payment_method", `Two rules for ${method.code}${country ? ` in ${country}` : ""}.`);
    seen.add(key);
    const normalised: RoutingRule =
      "providers" in rule ? { payment_method: method.code, country, providers: rule.providers } : { payment_method: method.code, country, split: rule.split };
    const names = ruleProviders(normalised);
    if (new Set(names).size !== names.length) throw bad("providers", "A provider appears twice in one rule.");
    names.forEach((name, j) => {
      const where = "providers" in rule ? `providers[${j}]` : `split[${j}].provider`;
      if (!ctx.providers.usable(name, livemode)) throw bad(where, `Provider ${name} is not available in ${livemode ? "live" : "test"} mode.`);
      if (!servesMethod(ctx, name, method)) throw bad(where, `Provider ${name} does not take ${method.code}.`);
    });
    return normalised;
  });
}

export async function getRoutingRules(ctx: ServiceContext, scope: Scope): Promise<{ rules: RoutingRule[]; updatedAt: Date | null }> {
  const [row] = await ctx.db
    .select()
    .from(routingRules)
    .where(and(eq(routingRules.appId, scope.appId), eq(routingRules.livemode, scope.livemode)));
  return { rules: row?.rules ?? [], updatedAt: row?.updatedAt ?? null };
}

/** `PUT /v1/apps/{app_id}/routing`: replaces the mode's whole rule list. */
export async function setRoutingRules({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: PutRoutingInput }) {
  const { appId, livemode } = scope;
  const rules = validateRules(ctx, livemode, input.rules);
  const now = ctx.clock.now();
  await ctx.db
    .insert(routingRules)
    .values({ appId, livemode, rules, updatedAt: now })
    .onConflictDoUpdate({ target: [routingRules.appId, routingRules.livemode], set: { rules, updatedAt: now } });
  routingSetupCache.forget(ctx.db);
  return { rules, updatedAt: now };
}

export const serializeRouting = (livemode: boolean, r: { rules: RoutingRule[]; updatedAt: Date | null }) => ({
  object: "routing" as const,
  mode: livemode ? ("live" as const) : ("test" as const),
  rules: r.rules,
  updated_at: r.updatedAt?.toISOString() ?? null,
});

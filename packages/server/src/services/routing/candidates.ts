import type { ResolvedMethod } from "../../catalogue/index.js";
import type { RoutingRule } from "../../db/schema/index.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { type ConfigRow, listProviderConfigRows } from "../providers/credentials.js";
import { getRoutingRules } from "./rules.js";
import { servesMethod } from "./serves.js";
import { routingSetupCache } from "./setup-cache.js";

/** Test mode with no rule and nothing set up: where each kind of method goes (SPEC §5). */
const TEST_DEFAULT: Record<ResolvedMethod["kind"], string> = { mobile_money: "test", card: "stripe", paypal: "paypal" };

/**
 * A weighted split as an order: the first provider drawn with probability weight / total,
 * then the next among those left, and so on.
 * @example weightedOrder([{ provider: "a", weight: 3 }, { provider: "b", weight: 1 }], () => 0.9) // ["b", "a"]
 */
export function weightedOrder(split: ReadonlyArray<{ provider: string; weight: number }>, random: () => number = Math.random): string[] {
  const left = [...split];
  const out: string[] = [];
  while (left.length) {
    const total = left.reduce((sum, s) => sum + s.weight, 0);
    let draw = random() * total;
    let i = 0;
    for (; i < left.length - 1; i++) {
      draw -= left[i]?.weight ?? 0;
      if (draw < 0) break;
    }
    const [picked] = left.splice(i, 1);
    if (picked) out.push(picked.provider);
  }
  return out;
}

function matchingRule(rules: RoutingRule[], method: ResolvedMethod): RoutingRule | undefined {
  return (
    rules.find((r) => r.payment_method === method.code && r.country === method.country) ??
    rules.find((r) => r.payment_method === method.code && r.country === null)
  );
}

/** What routing reads of an app in one mode: its providers' set-up and its rules (read when needed if absent). */
export interface RoutingSetup {
  rows: ConfigRow[];
  rules?: RoutingRule[];
}

/** Reads an app's routing set-up once per request (cached per process, `routingSetupCache`). */
export async function loadRoutingSetup(ctx: ServiceContext, scope: Scope): Promise<Required<RoutingSetup>> {
  const setup = await routingSetupCache.lookup(ctx.db, ctx.config.keyCacheMs, ctx.clock.now().getTime(), `${scope.appId}|${scope.livemode}`, async () => ({
    rows: await listProviderConfigRows(ctx, scope),
    rules: (await getRoutingRules(ctx, scope)).rules,
  }));
  if (!setup) throw new Error("routing set-up lookup returned nothing");
  return setup;
}

/**
 * The ordered providers to try for one payment (SPEC §5).
 *
 * Straight-through when the body names a `provider`. Otherwise: the providers the app set up
 * for the mode (live: only those with credentials), enabled and serving the method and
 * currency, ordered by the app's rule for the method and country (ordered list, or weighted
 * split), then by the app's priority. Test mode with nothing set up falls back to the sandbox
 * default. Providers cooling down after errors go last: tried only when every healthy one
 * has provably refused.
 */
export async function routeCandidates(
  ctx: ServiceContext,
  input: { scope: Scope; method: ResolvedMethod; currency: string; forced?: string; random?: () => number; setup?: RoutingSetup },
): Promise<string[]> {
  const { scope, method, currency, forced } = input;
  const { livemode } = scope;
  const mode = livemode ? "live" : "test";
  const rows = new Map((input.setup?.rows ?? (await listProviderConfigRows(ctx, scope))).map((r) => [r.provider, r]));
  const enabled = (name: string) => {
    const row = rows.get(name);
    return livemode ? Boolean(row?.enabled && row.credentialsCiphertext) : (row?.enabled ?? true);
  };
  const eligible = (name: string) => ctx.providers.usable(name, livemode) && enabled(name) && servesMethod(ctx, name, method, currency);

  if (forced !== undefined) {
    if (!ctx.providers.usable(forced, livemode) || !enabled(forced)) {
      throw new ApiError("no_provider_configured", `Provider ${forced} is not set up for this app in ${mode} mode.`, { param: "provider" });
    }
    if (!servesMethod(ctx, forced, method, currency)) {
      throw new ApiError("method_not_supported", `Provider ${forced} does not take ${method.code} in ${currency}.`, { param: "provider" });
    }
    return [forced];
  }

  const rule = matchingRule(input.setup?.rules ?? (await getRoutingRules(ctx, scope)).rules, method);
  const fromRule = rule ? ("providers" in rule ? rule.providers : weightedOrder(rule.split, input.random)) : [];
  const setUp = [...rows.values()]
    .filter((r) => (livemode || r.enabled) && !fromRule.includes(r.provider))
    .sort((a, b) => a.priority - b.priority || a.provider.localeCompare(b.provider))
    .map((r) => r.provider);
  let ordered = [...fromRule, ...setUp].filter(eligible);

  if (ordered.length === 0 && !livemode) {
    const preferred = TEST_DEFAULT[method.kind];
    ordered = [preferred, "test"].filter(eligible).slice(0, 1);
  }
  if (ordered.length === 0) {
    throw new ApiError(
      "no_provider_configured",
      livemode
        ? `No live provider with credentials takes ${method.code} on this app.`
        : "The sandbox is turned off (or every provider is disabled), so test mode has no provider.",
      { param: "payment_method" },
    );
  }
  const healthy = ordered.filter((name) => !ctx.providers.health.isCoolingDown(name, livemode));
  return [...healthy, ...ordered.filter((name) => !healthy.includes(name))];
}

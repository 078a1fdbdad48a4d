import { PROVIDERS, type ProviderName } from "@zerofee/providers";
import type { ResolvedMethod } from "../../catalogue/index.js";
import { ApiError } from "../../lib/errors.js";
import type { ServiceContext } from "../context.js";

/** Test mode with no rule: where each kind of method goes (SPEC §5). */
const TEST_DEFAULT: Record<ResolvedMethod["kind"], string> = { mobile_money: "test", card: "stripe", paypal: "paypal" };

function serves(name: ProviderName, method: ResolvedMethod): boolean {
  const { methods, countries } = PROVIDERS[name].adapter.metadata;
  const methodOk = methods === "*" || methods.includes(method.code);
  const countryOk = countries === "*" || method.country === null || countries.includes(method.country);
  return methodOk && countryOk;
}

/**
 * The ordered providers to try for one payment. A forced `provider` is straight-through;
 * otherwise test mode falls back to the sandbox defaults (the `test` provider serves a kind
 * whose own adapter does not exist yet).
 */
export function routeCandidates(ctx: ServiceContext, input: { livemode: boolean; method: ResolvedMethod; forced?: string }): ProviderName[] {
  const { livemode, method, forced } = input;
  if (forced !== undefined) {
    if (!ctx.providers.available(forced, livemode)) {
      throw new ApiError("no_provider_configured", `Provider ${forced} is not available in ${livemode ? "live" : "test"} mode.`, {
        param: "provider",
      });
    }
    if (!serves(forced, method)) {
      throw new ApiError("method_not_supported", `Provider ${forced} does not take ${method.code}.`, { param: "provider" });
    }
    return [forced];
  }
  if (livemode) {
    throw new ApiError("no_provider_configured", `No live provider is configured for ${method.code} on this app.`, {
      param: "payment_method",
    });
  }
  const preferred = TEST_DEFAULT[method.kind];
  const name = ctx.providers.available(preferred, false) ? preferred : "test";
  if (!ctx.providers.available(name, false)) {
    throw new ApiError("no_provider_configured", "The sandbox is turned off, so test mode has no provider.", { param: "payment_method" });
  }
  return [name];
}

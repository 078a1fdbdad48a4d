import type { ResolvedMethod } from "../../catalogue/index.js";
import type { ServiceContext } from "../context.js";

/** Whether a provider's adapter declares the method, its country and one of its currencies. */
export function servesMethod(ctx: ServiceContext, name: string, method: ResolvedMethod, currency?: string): boolean {
  const { methods, countries, currencies } = ctx.providers.adapter(name).metadata;
  const methodOk = methods === "*" || methods.includes(method.code);
  const countryOk = countries === "*" || method.country === null || countries.includes(method.country);
  const wanted = currency ? [currency] : method.currencies;
  const currencyOk = currencies === "*" || wanted.some((c) => currencies.includes(c));
  return methodOk && countryOk && currencyOk;
}

import { Metadata } from "libphonenumber-js/core";
import metadata from "libphonenumber-js/max/metadata";
import { countryEntry, listCountries, type ResolvedMethod, resolveMethod } from "../../catalogue/index.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import { loadRoutingSetup, type RoutingSetup, routeCandidates } from "../routing/candidates.js";
import { loadSession, openPaymentOf } from "./get.js";
import { logoFor } from "./logos.js";
import type { Catalogue } from "./schemas.js";
import type { SessionRow } from "./serialize.js";

const GLOBAL = ["PAYIN_CARD", "PAYIN_PAYPAL"] as const;
/** Operators whose customers approve on a provider page rather than by a push on the phone, whichever provider takes them. */
const REDIRECT_OPERATORS = new Set(["WAVE"]);

/** Minimal view of libphonenumber's numbering plan (its classes are untyped internals). */
interface NumberingPlan {
  callingCode(): string;
  nationalPrefix(): string | undefined;
  type(t: string): { pattern(): string; possibleLengths(): number[] } | undefined;
  possibleLengths(): number[];
  formats(): Array<{ pattern(): string; format(): string; leadingDigitsPatterns(): string[] }>;
}

/** The phone rules the widget needs for one country, from libphonenumber's data (the widget ships none of it). */
function phoneFormat(country: string, example: string) {
  const m = new Metadata(metadata);
  m.selectNumberingPlan(country as never);
  const plan = (m as unknown as { numberingPlan: NumberingPlan }).numberingPlan;
  const mobile = plan.type("MOBILE");
  return {
    dial_code: plan.callingCode(),
    national_prefix: plan.nationalPrefix() ? String(plan.nationalPrefix()) : null,
    example,
    mobile_pattern: mobile?.pattern() ?? ".*",
    lengths: mobile?.possibleLengths() ?? plan.possibleLengths(),
    formats: plan.formats().map((f) => ({ pattern: f.pattern(), format: f.format(), leading: f.leadingDigitsPatterns().at(-1) ?? null })),
  };
}

type Flow = "ussd_push" | "redirect";

/**
 * How `provider` takes `method`: a provider whose only flow is its own page (PaiementPro,
 * Stripe, PayPal) sends every method there; the others push to the phone (or ask a code),
 * except for the methods approved on a page wherever they go (Wave, card, PayPal).
 */
function providerFlow(ctx: ServiceContext, provider: string, method: ResolvedMethod): Flow {
  const { flows } = ctx.providers.adapter(provider).metadata;
  if (!flows.includes("redirect")) return "ussd_push";
  if (!flows.includes("ussd_push") && !flows.includes("otp")) return "redirect";
  return method.kind !== "mobile_money" || REDIRECT_OPERATORS.has(method.operator ?? "") ? "redirect" : "ussd_push";
}

/**
 * Whether the app can take this method in this currency right now (routing has a candidate),
 * and then how the payment will start: `redirect` when the provider routing tries first runs a
 * page for it, since the widget must open the popup in the « Payer » click, before the payment
 * answers (SPEC §8). Routing's own candidates, as the create path computes them (rules, then
 * priorities, per mode, health). A weighted split may draw any of its providers first: a
 * redirect if any candidate may redirect (the widget closes the popup when the answer is a
 * push). A provider reached only by cascading after the first one provably refused does not
 * make the method a redirect — every customer would see a window open and close for a rare
 * fallback; the widget then offers « Ouvrir la page de paiement » instead (docs/checkout.md).
 */
async function routedFlow(ctx: ServiceContext, scope: Scope, setup: RoutingSetup, code: string, currency: string): Promise<Flow | null> {
  const method = resolveMethod(code);
  if (!method) return null;
  // Routing draws only for a weighted split (then any of its providers may come first); the
  // draw itself does not matter here.
  let split = false;
  const random = () => {
    split = true;
    return 0;
  };
  let candidates: string[];
  try {
    candidates = await routeCandidates(ctx, { scope, method, currency, setup, random });
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
  const first = candidates[0];
  if (!first) return null;
  const possiblyFirst = split ? candidates : [first];
  return possiblyFirst.some((name) => providerFlow(ctx, name, method) === "redirect") ? "redirect" : "ussd_push";
}

/**
 * What the browser may offer (`GET /v1/checkout/methods`): countries and methods the app can
 * take now, filtered by the session's currency and allow-lists, with names, logos and phone
 * formats.
 */
export async function browserCatalogue(input: {
  ctx: ServiceContext;
  scope: Scope;
  sessionId: string | null;
  country?: string;
  currency?: string;
}): Promise<Catalogue> {
  const { ctx, scope } = input;
  const session: SessionRow | null = input.sessionId ? await loadSession(ctx.db, scope, input.sessionId) : null;
  const currency = session?.currency ?? input.currency ?? null;
  const allowedBySession = (code: string, country: string | null) =>
    (!session?.allowedMethods || session.allowedMethods.includes(code)) &&
    (!session?.allowedCountries || country === null || session.allowedCountries.includes(country));
  // Routing is asked once per (method, currency), all at once, over one read of the set-up.
  const setup = await loadRoutingSetup(ctx, scope);
  const wanted = new Map<string, Promise<Flow | null>>();
  const ask = (code: string, cur: string) => {
    const key = `${code}:${cur}`;
    if (!wanted.has(key)) wanted.set(key, routedFlow(ctx, scope, setup, code, cur));
    return key;
  };
  for (const code of input.country ? [input.country] : listCountries()) {
    const entry = countryEntry(code);
    if (!entry || (currency && entry.currency !== currency)) continue;
    for (const op of Object.keys(entry.operators)) if (allowedBySession(`PAYIN_${op}_${code}`, code)) ask(`PAYIN_${op}_${code}`, entry.currency);
  }
  for (const code of GLOBAL) {
    const method = resolveMethod(code);
    if (method && allowedBySession(code, null)) ask(code, currency ?? method.currencies[0] ?? "XOF");
  }
  const routed = new Map(await Promise.all([...wanted].map(async ([key, p]) => [key, await p] as const)));
  /** The method's flow for this app, or null when it is not offered (session filters, no route). */
  const flowOf = (code: string, country: string | null, cur: string) => (allowedBySession(code, country) ? (routed.get(`${code}:${cur}`) ?? null) : null);
  const countries: Catalogue["countries"] = [];
  for (const code of input.country ? [input.country] : listCountries()) {
    const entry = countryEntry(code);
    if (!entry || (currency && entry.currency !== currency)) continue;
    const methods = Object.entries(entry.operators).flatMap(([op, o]) => {
      const flow = flowOf(`PAYIN_${op}_${code}`, code, entry.currency);
      return flow
        ? [{ code: `PAYIN_${op}_${code}`, name: o.name, name_fr: o.name, kind: "mobile_money" as const, flow, logo: logoFor(op), prefixes: o.prefixes }]
        : [];
    });
    if (methods.length > 0)
      countries.push({ code, name: entry.name, name_fr: entry.name_fr, currency: entry.currency, phone: phoneFormat(code, entry.example), methods });
  }
  const global_methods = GLOBAL.flatMap((code) => {
    const method = resolveMethod(code);
    if (!method || (currency && !method.currencies.includes(currency as never))) return [];
    const flow = flowOf(code, null, currency ?? method.currencies[0] ?? "XOF");
    if (!flow) return [];
    const names = code === "PAYIN_CARD" ? { name: "Card", name_fr: "Carte bancaire" } : { name: "PayPal", name_fr: "PayPal" };
    return [{ code, ...names, kind: method.kind, flow, logo: logoFor(code === "PAYIN_CARD" ? "CARD" : "PAYPAL"), prefixes: [] }];
  });
  return {
    livemode: scope.livemode,
    currency,
    amount: session?.amount ?? null,
    session: session
      ? {
          id: session.id,
          status: session.status,
          locale: session.locale,
          expires_at: session.expiresAt.toISOString(),
          payment_in_progress: session.status === "open" ? await openPaymentOf(ctx.db, session) : null,
        }
      : null,
    countries,
    global_methods,
  };
}

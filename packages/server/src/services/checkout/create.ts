import { listMethodCodes, resolveMethod, sessionTakes } from "../../catalogue/index.js";
import { checkoutSessions } from "../../db/schema/index.js";
import { ApiError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isCurrency } from "../../lib/money.js";
import { validateMerchantUrl } from "../../lib/urls.js";
import type { Scope, ServiceContext } from "../context.js";
import type { CreateSessionInput } from "./schemas.js";
import { newClientSecret, sealClientSecret } from "./secret.js";
import { serializeSession } from "./serialize.js";

const MIN_LIFETIME_MS = 5 * 60_000;
const MAX_LIFETIME_MS = 24 * 3600_000;
const DEFAULT_LIFETIME_MS = 3600_000;

function expiry(now: Date, raw: string | undefined): Date {
  if (!raw) return new Date(now.getTime() + DEFAULT_LIFETIME_MS);
  const at = new Date(raw);
  const ms = at.getTime() - now.getTime();
  if (ms < MIN_LIFETIME_MS || ms > MAX_LIFETIME_MS) {
    throw new ApiError("validation_error", "expires_at must be between 5 minutes and 24 hours from now.", { param: "expires_at" });
  }
  return at;
}

/**
 * Refuses a session no customer could pay: no method left once its currency and allow-lists
 * are applied, by the rule `/v1/checkout/pay` applies (`sessionTakes`). Providers are not
 * asked: an app may set one up before the customer comes. The 400 names what to change.
 */
function checkPayable(input: CreateSessionInput): void {
  const { currency } = input;
  const any = (allowedMethods: string[] | null, allowedCountries: string[] | null) =>
    (allowedMethods ?? listMethodCodes()).some((code) => sessionTakes({ currency, allowedMethods, allowedCountries }, code));
  if (!any(null, null)) {
    throw new ApiError("validation_error", `No payment method takes ${currency}.`, { param: "currency" });
  }
  if (input.allowed_methods && !any(input.allowed_methods, null)) {
    throw new ApiError(
      "validation_error",
      `None of allowed_methods takes ${currency}: this session could not be paid. Allow a method that takes ${currency}, or create the session in the methods' currency.`,
      { param: "allowed_methods" },
    );
  }
  if (!any(input.allowed_methods ?? null, input.allowed_countries ?? null)) {
    throw new ApiError(
      "validation_error",
      `No ${input.allowed_methods ? "allowed " : ""}method in allowed_countries takes ${currency}: this session could not be paid.`,
      { param: "allowed_countries" },
    );
  }
}

/**
 * Creates a checkout session (SPEC §8, hosted flow): the server fixes amount, currency and
 * reference; the browser gets only the client secret or the hosted URL. Idempotent through
 * the request's Idempotency-Key (one insert, replayed whole).
 */
export async function createSession({ ctx, scope, input }: { ctx: ServiceContext; scope: Scope; input: CreateSessionInput }) {
  if (!isCurrency(input.currency)) throw new ApiError("validation_error", `Unknown currency ${input.currency}.`, { param: "currency" });
  for (const [i, code] of (input.allowed_methods ?? []).entries()) {
    if (!resolveMethod(code)) throw new ApiError("validation_error", `Unknown payment method ${code}.`, { param: `allowed_methods.${i}` });
  }
  checkPayable(input);
  const now = ctx.clock.now();
  const id = newId("checkoutSession", now);
  const { secret, hash } = newClientSecret(id);
  const [row] = await ctx.db
    .insert(checkoutSessions)
    .values({
      id,
      appId: scope.appId,
      livemode: scope.livemode,
      status: "open",
      amount: input.amount,
      currency: input.currency,
      reference: input.reference,
      description: input.description ?? null,
      customer: input.customer ?? {},
      allowedCountries: input.allowed_countries ?? null,
      allowedMethods: input.allowed_methods ?? null,
      metadata: input.metadata ?? {},
      successUrl: validateMerchantUrl(input.success_url, "success_url", scope.livemode),
      cancelUrl: input.cancel_url ? validateMerchantUrl(input.cancel_url, "cancel_url", scope.livemode) : null,
      locale: input.locale ?? null,
      url: `${ctx.publicUrl()}/checkout/${id}`,
      secretHash: hash,
      secretSealed: sealClientSecret(ctx, id, secret),
      expiresAt: expiry(now, input.expires_at),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("checkout session insert returned nothing");
  return { ...serializeSession(row, []), client_secret: secret };
}

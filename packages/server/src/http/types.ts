import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Principal } from "../services/context.js";
import type { ClaimInput, IdempotencyHandle } from "../services/idempotency/claim.js";
import type { ProviderMeter } from "../services/providers/gateway.js";

export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** Kinds of credential a route may accept (SPEC §4); `none` is public, `provider` is a signed webhook. */
export type AuthKind = "secret" | "publishable" | "client_secret" | "user" | "none" | "provider";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    /** Set when the request holds an Idempotency-Key. */
    idem: IdempotencyHandle | null;
    /** An Idempotency-Key the route claims itself, with its first write (`claimsIdempotency`). */
    idemClaim: ClaimInput | null;
    rawBody?: string;
    startedAt: number;
    /** Time this request spent on providers, left out of `X-ZeroFee-Latency` (`forRequest`). */
    meter: ProviderMeter | null;
    viaCookie: boolean;
  }
  interface FastifyContextConfig {
    auth?: AuthKind[];
    /** Scope a restricted secret key must hold. */
    scope?: string;
    /** Answer any origin (routes open to publishable keys, SPEC §4). */
    cors?: boolean;
    /**
     * Takes `application/x-www-form-urlencoded` bodies (provider callbacks, sandbox pages).
     * Elsewhere a form body is 415: a plain HTML form could post it cross-site without a preflight.
     */
    forms?: boolean;
    /**
     * The route claims the request's Idempotency-Key with its own first write (one statement
     * less) instead of in `preHandler`; until then `request.idemClaim` holds it. Such a route
     * claims the key before any answer that is stored (2xx, 404, 409, 422): an answer given
     * while the key is unclaimed leaves nothing behind, as a released key does. The create
     * claims it the usual way when refused before its first write.
     */
    claimsIdempotency?: boolean;
  }
}

/**
 * Auth metadata for a route: the runtime config and the OpenAPI extension the AZ tests read,
 * from one declaration.
 * @example app.route({ ...access(["secret", "user"], "payments:read"), method: "GET", … })
 */
export function access(auth: AuthKind[], scope?: string) {
  const cors = auth.includes("publishable") || auth.includes("client_secret");
  const security: Array<Record<string, string[]>> =
    auth.includes("none") || auth.includes("provider") ? [] : [{ bearer: [] }, ...(auth.includes("user") ? [{ cookie: [] }] : [])];
  const forms = auth.includes("provider");
  return {
    config: { auth, cors, ...(forms ? { forms } : {}), ...(scope ? { scope } : {}) },
    schemaExtras: { "x-zerofee-auth": auth, ...(scope ? { "x-zerofee-scope": scope } : {}), security },
  };
}

/** `{ success: true, data }` — the success half of the envelope. */
export const ok = <T>(data: T) => ({ success: true as const, data });

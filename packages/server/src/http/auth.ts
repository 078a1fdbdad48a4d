import type { FastifyReply, FastifyRequest } from "fastify";
import { parseApiKey } from "../lib/api-keys.js";
import { ApiError } from "../lib/errors.js";
import type { InFlight, WindowLimiter } from "../lib/rate-limit.js";
import { getApp } from "../services/apps/apps.js";
import { findSession, SESSION_PREFIX } from "../services/auth/sessions.js";
import { authenticateClientSecret, looksLikeClientSecret } from "../services/checkout/secret.js";
import type { Principal, Scope, ServiceContext } from "../services/context.js";
import { authenticateKey } from "../services/keys/keys.js";
import { checkCookieCsrf } from "./csrf.js";

export const SESSION_COOKIE = "zerofee_session";

/**
 * A Bearer that is neither a well-formed API key nor a dashboard session token (a placeholder,
 * a truncated key, another secret pasted): say what a key looks like, not "sign in again".
 */
function notAnApiKey(token: string): ApiError {
  const what = token.startsWith("whsec_")
    ? "This is a webhook signing secret (whsec_…), not a ZeroFee API key: it only verifies deliveries."
    : "This is not a ZeroFee API key.";
  return new ApiError(
    "invalid_api_key",
    `${what} API keys start with sk_test_ or sk_live_ (secret, for your server) or pk_test_ or pk_live_ (publishable), followed by 38 letters and digits: copy the whole key from the dashboard.`,
  );
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) throw new ApiError("authentication_required", "Send credentials as `Authorization: Bearer <key>`.");
  return m[1];
}

function modeHeader(request: FastifyRequest): boolean {
  const mode = request.headers["x-zerofee-mode"];
  if (mode === undefined || mode === "test") return false;
  if (mode === "live") return true;
  throw new ApiError("validation_error", "X-ZeroFee-Mode is test or live.", { param: "X-ZeroFee-Mode" });
}

export interface AuthDeps {
  ctx: ServiceContext;
  keyLimiter: WindowLimiter;
  inFlight: InFlight;
}

/**
 * Resolves the caller for routes that declare `config.auth`: an API key (secret or
 * publishable, carrying its own app and mode) or a dashboard session (Bearer or cookie, mode
 * from `X-ZeroFee-Mode`). No credential or a bad one: 401. A valid credential of a kind the
 * route does not take: 403.
 */
export async function authenticate(deps: AuthDeps, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const allowed = request.routeOptions.config.auth;
  if (!allowed || allowed.includes("none") || allowed.includes("provider")) return;
  const { ctx } = deps;
  let token = bearer(request);
  if (!token && allowed.includes("user")) {
    token = request.cookies?.[SESSION_COOKIE];
    request.viaCookie = Boolean(token);
  }
  if (!token) throw new ApiError("authentication_required", "Authentication required: send `Authorization: Bearer <key>`.");

  let principal: Principal;
  if (looksLikeClientSecret(token)) {
    const session = await authenticateClientSecret(ctx, token);
    if (!session) throw new ApiError("invalid_api_key", "Invalid client secret.");
    if (!allowed.includes("client_secret")) throw new ApiError("forbidden", "A client secret only opens its own checkout session's browser routes.");
    principal = { kind: "client_secret", ...session };
    const wait = deps.keyLimiter.hit(session.sessionId);
    if (wait > 0) throw new ApiError("rate_limited", "Too many requests for this checkout session.", { retryAfter: wait });
  } else if (token.startsWith("sk_") || token.startsWith("pk_")) {
    if (!parseApiKey(token)) throw notAnApiKey(token);
    const key = await authenticateKey(ctx, token);
    if (!key) throw new ApiError("invalid_api_key", "Invalid API key.");
    if (!allowed.includes(key.type)) {
      throw new ApiError("forbidden", `A ${key.type} key cannot call this route${key.type === "publishable" ? "; use a secret key from your server" : ""}.`);
    }
    const scope = request.routeOptions.config.scope;
    if (scope && key.scopes && !key.scopes.includes(scope)) throw new ApiError("forbidden", `This key lacks the ${scope} scope.`);
    principal = { kind: key.type, accountId: key.accountId, appId: key.appId, livemode: key.livemode, keyId: key.keyId, scopes: key.scopes };
    const wait = deps.keyLimiter.hit(key.keyId);
    if (wait > 0) throw new ApiError("rate_limited", "Too many requests for this key.", { retryAfter: wait });
    if (!deps.inFlight.enter(key.keyId)) throw new ApiError("too_many_concurrent_requests", "Too many requests in flight for this key.", { retryAfter: 1 });
    reply.raw.once("close", () => deps.inFlight.leave(key.keyId));
  } else {
    // Dashboard session tokens (and any session cookie) keep the sign-in message; any other
    // Bearer was meant as an API key.
    if (!token.startsWith(SESSION_PREFIX) && !request.viaCookie) throw notAnApiKey(token);
    const session = token.startsWith(SESSION_PREFIX) ? await findSession(ctx.db, token, ctx.clock.now()) : null;
    if (!session) throw new ApiError("authentication_required", "Your session has ended; sign in again.");
    if (!allowed.includes("user")) throw new ApiError("forbidden", "This route takes an API key, not a dashboard session.");
    if (request.viaCookie) checkCookieCsrf(request, ctx.publicUrl());
    const appHeader = request.headers["x-app-id"];
    principal = {
      kind: "user",
      accountId: session.accountId,
      userId: session.userId,
      sessionId: session.sessionId,
      livemode: modeHeader(request),
      appId: typeof appHeader === "string" ? appHeader : null,
    };
  }
  request.principal = principal;
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError("authentication_required", "Authentication required.");
  return request.principal;
}

export function requireUser(request: FastifyRequest): Extract<Principal, { kind: "user" }> {
  const p = requirePrincipal(request);
  if (p.kind !== "user") throw new ApiError("forbidden", "This route is for dashboard users.");
  return p;
}

/**
 * The app and mode an app-scoped request acts in: a key's own, or for a user the app named
 * by `X-App-Id` (which must belong to the user's account: else 404) and `X-ZeroFee-Mode`.
 */
export async function resolveScope(ctx: ServiceContext, request: FastifyRequest): Promise<Scope> {
  const p = requirePrincipal(request);
  if (p.kind !== "user") return { appId: p.appId, livemode: p.livemode };
  if (!p.appId) throw new ApiError("validation_error", "Name the app with the X-App-Id header.", { param: "X-App-Id" });
  // Checked once a request: the Idempotency-Key claim and the handler both ask.
  const checked = userAppsChecked.get(request) ?? getApp({ ctx, accountId: p.accountId, appId: p.appId });
  userAppsChecked.set(request, checked);
  await checked;
  return { appId: p.appId, livemode: p.livemode };
}
const userAppsChecked = new WeakMap<FastifyRequest, Promise<unknown>>();

/** `test` or `live`, as the API names a scope's mode. */
export const modeName = (scope: { livemode: boolean }) => (scope.livemode ? ("live" as const) : ("test" as const));

/**
 * The app and mode a dashboard user's request on `/v1/apps/{app_id}/…` acts in: an app of the
 * user's account (else 404), in the mode named by the body or query `mode` when given, else the
 * user's `X-ZeroFee-Mode` (default test, SPEC §4).
 */
export async function userAppScope(ctx: ServiceContext, request: FastifyRequest, appId: string, mode?: "test" | "live"): Promise<Scope> {
  const user = requireUser(request);
  await getApp({ ctx, accountId: user.accountId, appId });
  return { appId, livemode: mode ? mode === "live" : user.livemode };
}

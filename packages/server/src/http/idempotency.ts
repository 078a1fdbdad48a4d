import type { FastifyReply, FastifyRequest } from "fastify";
import { sha256Hex } from "../lib/crypto.js";
import { ApiError } from "../lib/errors.js";
import type { ServiceContext } from "../services/context.js";
import { claimIdempotencyKey } from "../services/idempotency/claim.js";
import { finishIdempotencyKey, isStorable, releaseIdempotencyKey } from "../services/idempotency/finish.js";
import { resolveScope } from "./auth.js";

/** Stable JSON: key order does not change the fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The key as sent; an RFC 8941 sf-string (`"abc"`) and the bare form are the same key. */
export function parseIdempotencyKey(raw: string | string[] | undefined): string | null {
  if (raw === undefined) return null;
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? "";
  const unquoted = /^"(.*)"$/.exec(value)?.[1] ?? value;
  if (unquoted.length === 0 || unquoted.length > 255 || !/^[\x21-\x7e]+$/.test(unquoted)) {
    throw new ApiError("invalid_idempotency_key", "Idempotency-Key must be 1 to 255 visible ASCII characters.", { param: "Idempotency-Key" });
  }
  return unquoted;
}

/**
 * Claims the key of a POST made with an API key, or by a dashboard user on a route an API key
 * can call too (a refund, an event resend) in the app `X-App-Id` names — the app's own key
 * namespace, so a click retried after a lost answer never acts twice. The dashboard's other
 * routes (apps, keys, sign-in), sandbox and provider webhooks ignore it. A finished request is
 * replayed from storage here and the handler never runs; otherwise the handle rides on the
 * request to the verb (recovery points) and `onSend`.
 */
export async function claimForRequest(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const p = request.principal;
  if (request.method !== "POST" || !p) return undefined;
  if (p.kind === "user" && (!p.appId || !request.routeOptions.config.auth?.includes("secret"))) return undefined;
  const key = parseIdempotencyKey(request.headers["idempotency-key"]);
  if (!key) return undefined;
  // A user's app must be one of their account's (else 404, as the handler would say).
  const scope = p.kind === "user" ? await resolveScope(ctx, request) : { appId: p.appId, livemode: p.livemode };
  const path = request.url.split("?")[0] ?? request.url;
  const fingerprint = sha256Hex(`${request.method} ${path}\n${canonical(request.body ?? null)}`);
  const input = { scope, key, method: request.method, path, fingerprint };
  if (request.routeOptions.config.claimsIdempotency) {
    request.idemClaim = input;
    return undefined;
  }
  const claim = await claimIdempotencyKey(ctx, input);
  if (claim.kind === "replay") return sendReplay(reply, claim.status, claim.body);
  request.idem = claim.handle;
  return undefined;
}

/** A finished request's stored answer, sent again. */
export const sendReplay = (reply: FastifyReply, status: number, body: string) =>
  reply.code(status).header("idempotent-replayed", "true").type("application/json; charset=utf-8").send(body);

/** Stores a storable answer for replay, or frees the key so a retry resumes. */
export async function settleForResponse(ctx: ServiceContext, request: FastifyRequest, statusCode: number, payload: unknown): Promise<void> {
  const handle = request.idem;
  if (!handle) return;
  request.idem = null;
  try {
    if (isStorable(statusCode) && typeof payload === "string") await finishIdempotencyKey(ctx, handle.id, statusCode, payload);
    else await releaseIdempotencyKey(ctx, handle.id);
  } catch (err) {
    // The database went away after the answer was decided. The answer still goes out (a
    // throw here would replace it with Fastify's own 500, SQL included); the key stays
    // locked, so a retry after ZEROFEE_IDEMPOTENCY_LOCK_S resumes from its recovery point.
    ctx.log.warn({ err, request_id: request.id }, "idempotency key not settled");
  }
}

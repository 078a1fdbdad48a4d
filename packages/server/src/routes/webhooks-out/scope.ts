import type { FastifyRequest } from "fastify";
import { requirePrincipal, userAppScope } from "../../http/auth.js";
import { ApiError, notFound } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../../services/context.js";

/**
 * The app and mode an endpoint request acts on. A dashboard user names the mode (body or
 * query `mode`, else `X-ZeroFee-Mode`) for an app of their account; a secret key acts on its
 * own app (any other is 404) and in its own mode only.
 */
export async function endpointScope(ctx: ServiceContext, request: FastifyRequest, appId: string, mode?: "test" | "live"): Promise<Scope> {
  const p = requirePrincipal(request);
  if (p.kind === "user") return userAppScope(ctx, request, appId, mode);
  if (p.appId !== appId) throw notFound("app", "app_id");
  if (mode && (mode === "live") !== p.livemode) {
    // The wrong mode for this credential: a permission (SPEC §4: 403), not a malformed request.
    throw new ApiError("forbidden", `A ${p.livemode ? "live" : "test"} key manages the ${p.livemode ? "live" : "test"} endpoint only.`, { param: "mode" });
  }
  return { appId, livemode: p.livemode };
}

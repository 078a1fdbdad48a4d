import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { SESSION_COOKIE } from "../../http/auth.js";
import { access, type ZodApp } from "../../http/types.js";
import { loadDashboard } from "../../lib/dashboard-bundle.js";
import { ApiError } from "../../lib/errors.js";
import { ICON_LINK } from "../../lib/html.js";
import type { ServiceContext } from "../../services/context.js";

/** The dashboard's own origin only: its scripts, styles and `/v1` calls; no framing (SPEC §11, §13). */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const AssetParams = z.strictObject({ file: z.string().regex(/^[\w.-]+$/, "a built file name") });

/**
 * The merchant dashboard (SPEC §11): `GET /` and `/dashboard` → 303 `/dashboard/` (the query kept); built assets with hashed
 * names under `/dashboard/assets/` (a year, immutable); every other `/dashboard/…` path is
 * the single-page app's index.html (no-cache), so client routes survive a reload.
 */
export function dashboardRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["none"]);
  const hidden = { ...a.schemaExtras, hide: true };
  for (const url of ["/", "/dashboard"]) {
    // The query goes along: the dashboard's router writes its overview's state as `/dashboard?…`.
    app.route({
      method: "GET",
      url,
      config: a.config,
      schema: hidden,
      handler: (request, reply) => {
        const at = request.url.indexOf("?");
        return reply.redirect(`/dashboard/${at >= 0 ? request.url.slice(at) : ""}`, 303);
      },
    });
  }
  app.route({
    method: "GET",
    url: "/dashboard/assets/:file",
    config: a.config,
    schema: { ...hidden, params: AssetParams },
    handler: async (request, reply) => {
      const file = (await loadDashboard(ctx.config.production)).assets.get(request.params.file);
      if (!file) throw new ApiError("not_found", "No such dashboard file.");
      return reply.header("cache-control", "public, max-age=31536000, immutable").header("x-content-type-options", "nosniff").type(file.type).send(file.body);
    },
  });
  // Whether a session cookie came with the page (present, not checked): the app asks
  // `/v1/auth/me` only then, so a signed-out visit makes no failing request.
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const { index } = await loadDashboard(ctx.config.production);
    const session = request.cookies?.[SESSION_COOKIE] ? '<meta name="zerofee-session" content="1">' : "";
    const html = index.toString("utf8").replace("<head>", `<head>${session}${ICON_LINK}`);
    return reply
      .header("vary", "cookie")
      .header("content-security-policy", DASHBOARD_CSP)
      .header("cache-control", "no-cache")
      .header("referrer-policy", "strict-origin-when-cross-origin")
      .type("text/html; charset=utf-8")
      .send(html);
  };
  app.route({ method: "GET", url: "/dashboard/", config: a.config, schema: hidden, handler: (request, reply) => page(request, reply) });
  app.route({ method: "GET", url: "/dashboard/*", config: a.config, schema: hidden, handler: (request, reply) => page(request, reply) });
}

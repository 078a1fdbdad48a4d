import { z } from "zod";
import { access, type ZodApp } from "../../http/types.js";
import { loadBundle } from "../../lib/checkout-bundle.js";
import { ApiError } from "../../lib/errors.js";
import type { ServiceContext } from "../../services/context.js";

const VersionQuery = z.strictObject({
  v: z
    .string()
    .regex(/^[0-9a-f]{12}$/, "the 12-hex content hash")
    .optional()
    .describe("Content hash: pins this exact build, served `immutable`"),
});

/**
 * `checkout.js` (IIFE, global `ZeroFeeCheckout`) and `checkout.esm.js`, loadable from any
 * origin. The plain URLs are cached 5 minutes; `?v=<hash>` names one build's content and is
 * cached for a year, `immutable` (a hash that is not the current build's is 404).
 */
export function checkoutAssetRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["none"]);
  for (const [url, key] of [
    ["/checkout.js", "iife"],
    ["/checkout.esm.js", "esm"],
  ] as const) {
    app.route({
      method: "GET",
      url,
      config: a.config,
      schema: {
        ...a.schemaExtras,
        tags: ["Checkout"],
        summary: key === "iife" ? "The checkout widget (IIFE: assigns the global ZeroFeeCheckout)" : "The checkout widget as an ES module",
        querystring: VersionQuery,
      },
      handler: async (request, reply) => {
        const file = (await loadBundle(ctx.config.production))[key];
        const pinned = request.query.v;
        if (pinned !== undefined && pinned !== file.hash) throw new ApiError("not_found", "No build with that hash is served here.", { param: "v" });
        reply.removeHeader("content-security-policy");
        reply.removeHeader("x-frame-options");
        return reply
          .header("access-control-allow-origin", "*")
          .header("cross-origin-resource-policy", "cross-origin")
          .header("cache-control", pinned ? "public, max-age=31536000, immutable" : "public, max-age=300")
          .header("etag", `"${file.hash}"`)
          .header("x-zerofee-checkout-hash", file.hash)
          .type("application/javascript; charset=utf-8")
          .send(file.body);
      },
    });
  }
}

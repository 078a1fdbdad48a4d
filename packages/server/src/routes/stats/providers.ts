import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { ProviderStatsQuery, ProviderStatsSchema, providerStats } from "../../services/stats/providers.js";

/** `GET /v1/stats/providers`: success rate per (provider, method) and routing health. */
export function providerStatsRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["secret", "user"], "payments:read");
  app.route({
    method: "GET",
    url: "/v1/stats/providers",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Stats"],
      summary: "Success rate per provider and payment method, and each provider's routing health",
      querystring: ProviderStatsQuery,
      response: { 200: dataEnvelope(ProviderStatsSchema), ...errorResponses },
    },
    handler: async (request) => ok(await providerStats({ ctx, scope: await resolveScope(ctx, request), input: request.query })),
  });
}

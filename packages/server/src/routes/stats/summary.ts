import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { paymentStats, StatsQuery, StatsSchema } from "../../services/stats/summary.js";

/** `GET /v1/stats`: one currency's totals, per day, per provider and per method (SPEC §10). */
export function statsRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["secret", "user"], "payments:read");
  app.route({
    method: "GET",
    url: "/v1/stats",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Stats"],
      summary: "Payment figures for a range of days in one currency (default: the last 30 days, most used currency)",
      querystring: StatsQuery,
      response: { 200: dataEnvelope(StatsSchema), ...errorResponses },
    },
    handler: async (request) => ok(await paymentStats({ ctx, scope: await resolveScope(ctx, request), input: request.query })),
  });
}

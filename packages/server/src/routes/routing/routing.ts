import { requireUser } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { getApp } from "../../services/apps/apps.js";
import type { ServiceContext } from "../../services/context.js";
import { ModeQuery } from "../../services/providers/schemas.js";
import { getRoutingRules, serializeRouting, setRoutingRules } from "../../services/routing/rules.js";
import { PutRoutingBody, RoutingSchema } from "../../services/routing/schemas.js";
import { AppParams } from "../apps/apps.js";

/** An app's routing rules per mode (SPEC §5): ordered lists or weighted splits per method and country. */
export function routingRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  const tags = ["Routing"];
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/routing",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Read the routing rules of one mode",
      params: AppParams,
      querystring: ModeQuery,
      response: { 200: dataEnvelope(RoutingSchema), ...errorResponses },
    },
    handler: async (request) => {
      await getApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id });
      const livemode = request.query.mode === "live";
      return ok(serializeRouting(livemode, await getRoutingRules(ctx, { appId: request.params.app_id, livemode })));
    },
  });
  app.route({
    method: "PUT",
    url: "/v1/apps/:app_id/routing",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Replace the routing rules of one mode",
      params: AppParams,
      body: PutRoutingBody,
      response: { 200: dataEnvelope(RoutingSchema), ...errorResponses },
    },
    handler: async (request) => {
      await getApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id });
      const saved = await setRoutingRules({ ctx, appId: request.params.app_id, input: request.body });
      return ok(serializeRouting(request.body.mode === "live", saved));
    },
  });
}

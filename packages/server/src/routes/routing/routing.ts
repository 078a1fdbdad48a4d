import { userAppScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
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
      const scope = await userAppScope(ctx, request, request.params.app_id, request.query.mode);
      return ok(serializeRouting(scope.livemode, await getRoutingRules(ctx, scope)));
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
      const scope = await userAppScope(ctx, request, request.params.app_id, request.body.mode);
      return ok(serializeRouting(scope.livemode, await setRoutingRules({ ctx, scope, input: request.body })));
    },
  });
}

import { modeName, userAppScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { AppIdParams, SettingsBody, SettingsQuery, SettingsSchema } from "../../services/checkout/schemas.js";
import { readSettings, writeSettings } from "../../services/checkout/settings.js";
import type { ServiceContext } from "../../services/context.js";

/** Checkout settings of an app, per mode (dashboard users). */
export function checkoutSettingsRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  const tags = ["Checkout"];
  app.route({
    method: "PUT",
    url: "/v1/apps/:app_id/checkout",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Set the origins allowed to frame the hosted page, and live browser-set amounts",
      params: AppIdParams,
      body: SettingsBody,
      response: { 200: dataEnvelope(SettingsSchema), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.body.mode);
      const s = await writeSettings(ctx, scope, request.body);
      return ok({ mode: modeName(scope), allowed_origins: s.allowedOrigins, client_amount: s.clientAmount });
    },
  });
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/checkout",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Get the checkout settings of one mode",
      params: AppIdParams,
      querystring: SettingsQuery,
      response: { 200: dataEnvelope(SettingsSchema), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.query.mode);
      const s = await readSettings(ctx, scope);
      return ok({ mode: modeName(scope), allowed_origins: s.allowedOrigins, client_amount: s.clientAmount });
    },
  });
}

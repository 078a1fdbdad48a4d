import { z } from "zod";
import { modeName, userAppScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { deleteProviderConfig, getProviderConfig, listProviderConfigs, setProviderConfig } from "../../services/providers/credentials.js";
import { ListProvidersQuery, ModeQuery, ProviderConfigSchema, ProviderParams, PutProviderBody } from "../../services/providers/schemas.js";
import { AppParams } from "../apps/apps.js";

/** Provider credentials per app and mode (SPEC §4): set, read (never the values), list, remove. */
export function providerConfigRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  const tags = ["Provider credentials"];
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/providers",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "List the providers usable in a mode, with what the app has set (never the values)",
      params: AppParams,
      querystring: ListProvidersQuery,
      response: { 200: listEnvelope(ProviderConfigSchema), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.query.mode);
      const result = await listProviderConfigs({ ctx, scope, input: request.query });
      return { ...ok(result.items), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/providers/:provider",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Read one provider's set-up: which credential fields are set, never their values",
      params: ProviderParams,
      querystring: ModeQuery,
      response: { 200: dataEnvelope(ProviderConfigSchema), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.query.mode);
      return ok(await getProviderConfig({ ctx, scope, provider: request.params.provider }));
    },
  });
  app.route({
    method: "PUT",
    url: "/v1/apps/:app_id/providers/:provider",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Set a provider's credentials, enabled flag and priority for one mode (encrypted at rest, never returned)",
      params: ProviderParams,
      body: PutProviderBody,
      response: { 200: dataEnvelope(ProviderConfigSchema), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.body.mode);
      await setProviderConfig({ ctx, scope, provider: request.params.provider, input: request.body });
      return ok(await getProviderConfig({ ctx, scope, provider: request.params.provider }));
    },
  });
  app.route({
    method: "DELETE",
    url: "/v1/apps/:app_id/providers/:provider",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Remove a provider's set-up for one mode (its credentials are deleted)",
      params: ProviderParams,
      querystring: ModeQuery,
      response: { 200: dataEnvelope(z.object({ deleted: z.literal(true), provider: z.string(), mode: z.enum(["test", "live"]) })), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.query.mode);
      await deleteProviderConfig({ ctx, scope, provider: request.params.provider });
      return ok({ deleted: true as const, provider: request.params.provider, mode: modeName(scope) });
    },
  });
}

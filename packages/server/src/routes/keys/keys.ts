import { z } from "zod";
import { requireUser, userAppScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { getApp } from "../../services/apps/apps.js";
import type { ServiceContext } from "../../services/context.js";
import { CreateKeyBody, createKey, KeySchema, ListKeysQuery, listKeys, RollKeyBody, revokeKey, rollKey, serializeKey } from "../../services/keys/keys.js";
import { AppParams } from "../apps/apps.js";

const KeyParams = AppParams.extend({ key_id: z.string().min(1).max(64) });

/** API keys of an app: the full key is returned once, at creation or roll. */
export function keyRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  const tags = ["API keys"];
  const ownApp = (accountId: string, appId: string) => getApp({ ctx, accountId, appId });
  app.route({
    method: "POST",
    url: "/v1/apps/:app_id/keys",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Create a key (shown in full once)",
      params: AppParams,
      body: CreateKeyBody,
      response: { 201: dataEnvelope(KeySchema), ...errorResponses },
    },
    handler: async (request, reply) => {
      const scope = await userAppScope(ctx, request, request.params.app_id, request.body.mode);
      const { row, key } = await createKey({ ctx, scope, input: request.body });
      return reply.code(201).send(ok(serializeKey(row, key)));
    },
  });
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/keys",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "List keys (display prefix only), newest first",
      params: AppParams,
      querystring: ListKeysQuery,
      response: { 200: listEnvelope(KeySchema), ...errorResponses },
    },
    handler: async (request) => {
      await ownApp(requireUser(request).accountId, request.params.app_id);
      const result = await listKeys({ ctx, appId: request.params.app_id, input: request.query });
      return { ...ok(result.items.map((k) => serializeKey(k))), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
  app.route({
    method: "DELETE",
    url: "/v1/apps/:app_id/keys/:key_id",
    config: a.config,
    schema: { ...a.schemaExtras, tags, summary: "Revoke a key at once", params: KeyParams, response: { 200: dataEnvelope(KeySchema), ...errorResponses } },
    handler: async (request) => {
      await ownApp(requireUser(request).accountId, request.params.app_id);
      return ok(serializeKey(await revokeKey({ ctx, appId: request.params.app_id, keyId: request.params.key_id })));
    },
  });
  app.route({
    method: "POST",
    url: "/v1/apps/:app_id/keys/:key_id/roll",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Roll a key: a new one now, the old one valid for a grace period (24 h) unless expire_now",
      params: KeyParams,
      // No body at all is a roll with the defaults (Fastify hands the schema `null`).
      body: RollKeyBody.nullish(),
      response: { 201: dataEnvelope(KeySchema), ...errorResponses },
    },
    handler: async (request, reply) => {
      await ownApp(requireUser(request).accountId, request.params.app_id);
      const { row, key } = await rollKey({ ctx, appId: request.params.app_id, keyId: request.params.key_id, input: request.body ?? {} });
      return reply.code(201).send(ok(serializeKey(row, key)));
    },
  });
}

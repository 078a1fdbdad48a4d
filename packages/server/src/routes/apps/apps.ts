import { z } from "zod";
import { requireUser } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { AppBody, AppSchema, createApp, deleteApp, getApp, ListAppsQuery, listApps, serializeApp, updateApp } from "../../services/apps/apps.js";
import type { ServiceContext } from "../../services/context.js";

export const AppParams = z.strictObject({ app_id: z.string().min(1).max(64) });

/** Apps of the signed-in user's account: create, list, get, rename, delete. */
export function appRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  const tags = ["Apps"];
  app.route({
    method: "POST",
    url: "/v1/apps",
    config: a.config,
    schema: { ...a.schemaExtras, tags, summary: "Create an app", body: AppBody, response: { 201: dataEnvelope(AppSchema), ...errorResponses } },
    handler: async (request, reply) =>
      reply.code(201).send(ok(serializeApp(await createApp({ ctx, accountId: requireUser(request).accountId, name: request.body.name })))),
  });
  app.route({
    method: "GET",
    url: "/v1/apps",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "List apps, newest first",
      querystring: ListAppsQuery,
      response: { 200: listEnvelope(AppSchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listApps({ ctx, accountId: requireUser(request).accountId, input: request.query });
      return { ...ok(result.items.map(serializeApp)), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id",
    config: a.config,
    schema: { ...a.schemaExtras, tags, summary: "Get an app", params: AppParams, response: { 200: dataEnvelope(AppSchema), ...errorResponses } },
    handler: async (request) => ok(serializeApp(await getApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id }))),
  });
  app.route({
    method: "PATCH",
    url: "/v1/apps/:app_id",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Rename an app",
      params: AppParams,
      body: AppBody,
      response: { 200: dataEnvelope(AppSchema), ...errorResponses },
    },
    handler: async (request) =>
      ok(serializeApp(await updateApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id, name: request.body.name }))),
  });
  app.route({
    method: "DELETE",
    url: "/v1/apps/:app_id",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Delete an app and revoke its keys",
      params: AppParams,
      response: { 200: dataEnvelope(AppSchema), ...errorResponses },
    },
    handler: async (request) => ok(serializeApp(await deleteApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id }))),
  });
}

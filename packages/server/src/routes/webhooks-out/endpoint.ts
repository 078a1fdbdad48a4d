import { z } from "zod";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { configureEndpoint } from "../../services/webhooks/configure.js";
import { enableEndpoint } from "../../services/webhooks/enable.js";
import { EndpointBody, EndpointSchema, findEndpoint, getEndpoint, ModeBody, serializeEndpoint } from "../../services/webhooks/endpoint.js";
import { rotateSecret } from "../../services/webhooks/rotate.js";
import { sendTestEvent } from "../../services/webhooks/send-test.js";
import { AppParams } from "../apps/apps.js";
import { endpointScope } from "./scope.js";

/** The app's webhook endpoint per mode: set, read, rotate its secret, enable, send a test. */
export function webhookEndpointRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user", "secret"], "webhooks:write");
  const tags = ["Webhooks"];
  const base = "/v1/apps/:app_id/webhook";
  const one = { 200: dataEnvelope(EndpointSchema), ...errorResponses };
  app.route({
    method: "PUT",
    url: base,
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Set the endpoint for a mode (its secret is shown once, when created)",
      params: AppParams,
      body: EndpointBody,
      response: { ...one, 201: dataEnvelope(EndpointSchema) },
    },
    handler: async (request, reply) => {
      const scope = await endpointScope(ctx, request, request.params.app_id, request.body.mode);
      const { row, created, secret } = await configureEndpoint({ ctx, scope, input: request.body });
      return reply.code(created ? 201 : 200).send(ok(serializeEndpoint(row, ctx.clock.now(), secret)));
    },
  });
  app.route({
    method: "GET",
    url: base,
    config: a.config,
    schema: { ...a.schemaExtras, tags, summary: "Get the endpoint of a mode", params: AppParams, querystring: ModeBody, response: one },
    handler: async (request) => {
      const scope = await endpointScope(ctx, request, request.params.app_id, request.query.mode);
      return ok(serializeEndpoint(await getEndpoint({ ctx, scope }), ctx.clock.now()));
    },
  });
  // The same endpoint as a list of none or one: a page that asks whether there is one gets a
  // 200 either way (the dashboard's app page: a 404 would be a console error in the browser).
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/webhooks",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "The endpoint of a mode as a list: empty when the app has none",
      params: AppParams,
      querystring: ModeBody,
      response: { 200: listEnvelope(EndpointSchema), ...errorResponses },
    },
    handler: async (request) => {
      const scope = await endpointScope(ctx, request, request.params.app_id, request.query.mode);
      const row = await findEndpoint(ctx.db, scope);
      return { success: true as const, data: row ? [serializeEndpoint(row, ctx.clock.now())] : [], has_more: false, next_cursor: null };
    },
  });
  app.route({
    method: "POST",
    url: `${base}/rotate-secret`,
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "New secret (shown once); the previous one keeps signing for 24 h",
      params: AppParams,
      body: ModeBody.nullish(),
      response: one,
    },
    handler: async (request) => {
      const scope = await endpointScope(ctx, request, request.params.app_id, request.body?.mode);
      const { row, secret } = await rotateSecret({ ctx, scope });
      return ok(serializeEndpoint(row, ctx.clock.now(), secret));
    },
  });
  app.route({
    method: "POST",
    url: `${base}/enable`,
    config: a.config,
    schema: { ...a.schemaExtras, tags, summary: "Enable the endpoint again after it was disabled", params: AppParams, body: ModeBody.nullish(), response: one },
    handler: async (request) => {
      const scope = await endpointScope(ctx, request, request.params.app_id, request.body?.mode);
      return ok(serializeEndpoint(await enableEndpoint({ ctx, scope }), ctx.clock.now()));
    },
  });
  app.route({
    method: "POST",
    url: `${base}/test`,
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Send a webhook.test event to the endpoint",
      params: AppParams,
      body: ModeBody.nullish(),
      response: { 202: dataEnvelope(z.object({ event_id: z.string() })), ...errorResponses },
    },
    handler: async (request, reply) => {
      const scope = await endpointScope(ctx, request, request.params.app_id, request.body?.mode);
      return reply.code(202).send(ok({ event_id: await sendTestEvent({ ctx, scope }) }));
    },
  });
}

import { z } from "zod";
import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { listDeliveries } from "../../services/events/deliveries.js";
import { getEvent } from "../../services/events/get.js";
import { listEvents } from "../../services/events/list.js";
import { recoverEvents } from "../../services/events/recover.js";
import { resendEvent } from "../../services/events/resend.js";
import { DeliverySchema, EventIdParams, EventSchema, ListDeliveriesQuery, ListEventsQuery, RecoverBody } from "../../services/events/schemas.js";
import { serializeDelivery, serializeEvent } from "../../services/events/serialize.js";

/** Events of the caller's app and mode, their delivery attempts, resend and recovery. */
export function eventRoutes(app: ZodApp, ctx: ServiceContext) {
  const read = access(["secret", "user"], "events:read");
  const write = access(["secret", "user"], "webhooks:write");
  const tags = ["Events"];
  app.route({
    method: "GET",
    url: "/v1/events",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags,
      summary: "List events, newest first",
      querystring: ListEventsQuery,
      response: { 200: listEnvelope(EventSchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listEvents({ ctx, scope: await resolveScope(ctx, request), input: request.query });
      return {
        success: true as const,
        data: result.items.map((r) => serializeEvent(r.event, r.job)),
        has_more: result.has_more,
        next_cursor: result.next_cursor,
      };
    },
  });
  app.route({
    method: "GET",
    url: "/v1/events/:id",
    config: read.config,
    schema: { ...read.schemaExtras, tags, summary: "Get an event", params: EventIdParams, response: { 200: dataEnvelope(EventSchema), ...errorResponses } },
    handler: async (request) => {
      const { event, job } = await getEvent({ ctx, scope: await resolveScope(ctx, request), id: request.params.id });
      return ok(serializeEvent(event, job));
    },
  });
  app.route({
    method: "GET",
    url: "/v1/events/:id/deliveries",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags,
      summary: "Delivery attempts of an event, oldest first",
      params: EventIdParams,
      querystring: ListDeliveriesQuery,
      response: { 200: listEnvelope(DeliverySchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listDeliveries({ ctx, scope: await resolveScope(ctx, request), id: request.params.id, input: request.query });
      return { ...ok(result.items.map(serializeDelivery)), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
  app.route({
    method: "POST",
    url: "/v1/events/:id/resend",
    config: write.config,
    schema: {
      ...write.schemaExtras,
      tags,
      summary: "Deliver an event again",
      params: EventIdParams,
      response: { 200: dataEnvelope(EventSchema), ...errorResponses },
    },
    handler: async (request) => {
      const { event, job } = await resendEvent({ ctx, scope: await resolveScope(ctx, request), id: request.params.id });
      return ok(serializeEvent(event, job));
    },
  });
  app.route({
    method: "POST",
    url: "/v1/events/recover",
    config: write.config,
    schema: {
      ...write.schemaExtras,
      tags,
      summary: "Recovery: resend every event that failed since a time",
      body: RecoverBody,
      response: { 200: dataEnvelope(z.object({ resent: z.number().int() })), ...errorResponses },
    },
    handler: async (request) => ok({ resent: await recoverEvents({ ctx, scope: await resolveScope(ctx, request), since: new Date(request.body.since) }) }),
  });
}

import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { createSession } from "../../services/checkout/create.js";
import { expireSession } from "../../services/checkout/expire.js";
import { getSession } from "../../services/checkout/get.js";
import { CreatedSessionSchema, CreateSessionBody, SessionIdParams, SessionSchema } from "../../services/checkout/schemas.js";
import type { ServiceContext } from "../../services/context.js";

/** Checkout sessions, from the merchant's server (secret key). */
export function checkoutSessionRoutes(app: ZodApp, ctx: ServiceContext) {
  const write = access(["secret"], "checkout:write");
  const read = access(["secret"], "checkout:read");
  const tags = ["Checkout"];
  app.route({
    method: "POST",
    url: "/v1/checkout/sessions",
    config: write.config,
    schema: {
      ...write.schemaExtras,
      tags,
      summary: "Create a checkout session",
      description: "Store the returned `id` beside your order; hand only `client_secret` (or `url`) to the browser. Send an `Idempotency-Key` per order.",
      body: CreateSessionBody,
      response: { 201: dataEnvelope(CreatedSessionSchema), ...errorResponses },
    },
    handler: async (request, reply) => reply.code(201).send(ok(await createSession({ ctx, scope: await resolveScope(ctx, request), input: request.body }))),
  });
  app.route({
    method: "GET",
    url: "/v1/checkout/sessions/:id",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags,
      summary: "Get a checkout session (reconcile from it when a webhook is late)",
      params: SessionIdParams,
      response: { 200: dataEnvelope(SessionSchema), ...errorResponses },
    },
    handler: async (request) => ok(await getSession({ ctx, scope: await resolveScope(ctx, request), id: request.params.id })),
  });
  app.route({
    method: "POST",
    url: "/v1/checkout/sessions/:id/expire",
    config: write.config,
    schema: {
      ...write.schemaExtras,
      tags,
      summary: "Expire an open checkout session (refused while one of its payments is in flight)",
      params: SessionIdParams,
      response: { 200: dataEnvelope(SessionSchema), ...errorResponses },
    },
    handler: async (request) => ok(await expireSession({ ctx, scope: await resolveScope(ctx, request), id: request.params.id })),
  });
}

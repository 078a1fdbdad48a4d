import { z } from "zod";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { forRequest } from "../../http/server.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { receiveProviderWebhook } from "../../services/providers/receive-webhook.js";

/** Inbound provider webhooks: the raw body is what the signature covers. */
export function providerWebhookRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["provider"]);
  app.route({
    method: "POST",
    url: "/v1/webhooks/providers/:provider",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Provider webhooks"],
      summary: "Receive a provider's callback (signature verified, deduplicated by the provider's event id)",
      params: z.strictObject({ provider: z.string().min(1).max(40) }),
      querystring: z.object({
        app: z.string().max(64).optional().describe("The app whose secret verifies the message (part of the URL ZeroFee gives the provider)"),
        mode: z.enum(["test", "live"]).optional(),
      }),
      response: { 200: dataEnvelope(z.object({ received: z.boolean(), duplicate: z.boolean(), applied: z.boolean() })), ...errorResponses },
    },
    handler: async (request) =>
      ok(
        await receiveProviderWebhook(forRequest(ctx, request), {
          provider: request.params.provider,
          headers: request.headers,
          rawBody: request.rawBody ?? "",
          query: request.query,
        }),
      ),
  });
}

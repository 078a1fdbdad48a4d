import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { forRequest } from "../../http/server.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { createRefund } from "../../services/refunds/create.js";
import { CreateRefundBody } from "../../services/refunds/schemas.js";
import { RefundSchema, serializeRefund } from "../../services/refunds/serialize.js";

export function createRefundRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["secret", "user"], "refunds:write");
  app.route({
    method: "POST",
    url: "/v1/refunds",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Refunds"],
      summary: "Refund a completed payment, fully or partly",
      description:
        "The refund and its `refund.created` event are committed before the provider is asked (with the refund's id as its idempotency key); `refund.completed` or `refund.failed` follows. Errors: 422 `payment_not_refundable` (the payment is not completed), 422 `refund_exceeds_payment` (`param: amount`: more than what is left), 422 `refund_not_supported` (the provider has no refund API), 404 for a payment of another app or mode. Send an `Idempotency-Key` so a retry never refunds twice.",
      body: CreateRefundBody,
      response: { 201: dataEnvelope(RefundSchema), ...errorResponses },
    },
    handler: async (request, reply) => {
      const refund = await createRefund({ ctx: forRequest(ctx, request), scope: await resolveScope(ctx, request), input: request.body, idem: request.idem });
      return reply.code(201).send(ok(serializeRefund(refund)));
    },
  });
}

import { z } from "zod";
import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { assertPaymentReach } from "../../services/checkout/access.js";
import type { ServiceContext } from "../../services/context.js";
import { getPaymentDetail } from "../../services/payments/detail.js";
import { getPayment } from "../../services/payments/get.js";
import { listPayments } from "../../services/payments/list.js";
import { ListPaymentsQuery, PaymentIdParams, PaymentSchema } from "../../services/payments/schemas.js";
import { serializePayment } from "../../services/payments/serialize.js";

/** Get one payment, list payments, and the widget's minimal public status. */
export function readPaymentRoutes(app: ZodApp, ctx: ServiceContext) {
  const read = access(["secret", "user"], "payments:read");
  app.route({
    method: "GET",
    url: "/v1/payments/:id",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Payments"],
      summary: "Get a payment",
      params: PaymentIdParams,
      response: { 200: dataEnvelope(PaymentSchema), ...errorResponses },
    },
    handler: async (request) => ok(await getPaymentDetail({ ctx, scope: await resolveScope(ctx, request), id: request.params.id })),
  });
  app.route({
    method: "GET",
    url: "/v1/payments",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Payments"],
      summary: "List payments, newest first",
      querystring: ListPaymentsQuery,
      response: { 200: listEnvelope(PaymentSchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listPayments({ ctx, scope: await resolveScope(ctx, request), input: request.query });
      return { success: true as const, data: result.items.map(serializePayment), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
  const pub = access(["publishable", "client_secret", "secret"]);
  app.route({
    method: "GET",
    url: "/v1/payments/:id/status",
    config: pub.config,
    schema: {
      ...pub.schemaExtras,
      tags: ["Payments"],
      summary: "Public status for the widget: status, amount and currency only",
      params: PaymentIdParams,
      response: {
        200: dataEnvelope(z.object({ id: z.string(), status: PaymentSchema.shape.status, amount: z.number().int(), currency: z.string() })),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      await assertPaymentReach(ctx, request.principal, request.params.id);
      const p = await getPayment({ ctx, scope: await resolveScope(ctx, request), id: request.params.id });
      return ok({ id: p.id, status: p.status, amount: p.amount, currency: p.currency });
    },
  });
}

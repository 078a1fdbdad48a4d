import { z } from "zod";
import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { sendPaymentPage, sendPrebuilt } from "../../http/prebuilt.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { assertPaymentReach } from "../../services/checkout/access.js";
import type { ServiceContext } from "../../services/context.js";
import { getPaymentDetailJson } from "../../services/payments/detail.js";
import { getPayment } from "../../services/payments/get.js";
import { listPayments } from "../../services/payments/list.js";
import { ListPaymentsQuery, PaymentIdParams, PaymentSchema } from "../../services/payments/schemas.js";

const DetailEnvelope = dataEnvelope(PaymentSchema);
const PageEnvelope = listEnvelope(PaymentSchema);

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
      response: { 200: DetailEnvelope, ...errorResponses },
    },
    // The answer is built by PostgreSQL (`getPaymentDetailJson`); under the check, proven against Node's.
    handler: async (request, reply) => {
      const { json, expected } = await getPaymentDetailJson({ ctx, scope: await resolveScope(ctx, request), id: request.params.id });
      return sendPrebuilt(reply, `{"success":true,"data":${json}}`, expected && { expected: ok(expected), schema: DetailEnvelope });
    },
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
      response: { 200: PageEnvelope, ...errorResponses },
    },
    handler: async (request, reply) => {
      const result = await listPayments({ ctx, scope: await resolveScope(ctx, request), input: request.query });
      return sendPaymentPage(reply, result, PageEnvelope, ctx.config.checkResponses);
    },
  });
  // A restricted secret key reads it under its payments:read scope (publishable keys and client secrets have no scopes).
  const pub = access(["publishable", "client_secret", "secret"], "payments:read");
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
        200: dataEnvelope(z.object({ status: PaymentSchema.shape.status, amount: z.number().int(), currency: z.string() })),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      await assertPaymentReach(ctx, request.principal, request.params.id);
      const p = await getPayment({ ctx, scope: await resolveScope(ctx, request), id: request.params.id });
      // SPEC §4: status, amount and currency only (the caller named the payment already).
      return ok({ status: p.status, amount: p.amount, currency: p.currency });
    },
  });
}

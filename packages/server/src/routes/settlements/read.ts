import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { sendPaymentPage } from "../../http/prebuilt.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { PaymentSchema } from "../../services/payments/schemas.js";
import { getSettlement, listSettlementPayments, listSettlementRefunds, listSettlements } from "../../services/settlements/read.js";
import {
  ListSettlementsQuery,
  SettlementIdParams,
  SettlementPaymentsQuery,
  SettlementRefundSchema,
  SettlementSchema,
  serializeSettlement,
} from "../../services/settlements/serialize.js";

const PaymentPage = listEnvelope(PaymentSchema);

/** `GET /v1/settlements`, one settlement, and the payments and refunds behind it (SPEC §10). */
export function settlementRoutes(app: ZodApp, ctx: ServiceContext) {
  const read = access(["secret", "user"], "payments:read");
  app.route({
    method: "GET",
    url: "/v1/settlements",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Settlements"],
      summary: "List settlements, newest first",
      querystring: ListSettlementsQuery,
      response: { 200: listEnvelope(SettlementSchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listSettlements({ ctx, scope: await resolveScope(ctx, request), input: request.query });
      return { success: true as const, data: result.items.map(serializeSettlement), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
  app.route({
    method: "GET",
    url: "/v1/settlements/:id",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Settlements"],
      summary: "Get a settlement",
      params: SettlementIdParams,
      response: { 200: dataEnvelope(SettlementSchema), ...errorResponses },
    },
    handler: async (request) => ok(serializeSettlement(await getSettlement({ ctx, scope: await resolveScope(ctx, request), id: request.params.id }))),
  });
  app.route({
    method: "GET",
    url: "/v1/settlements/:id/payments",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Settlements"],
      summary: "The payments a settlement holds, newest first (to reconcile a bank line)",
      params: SettlementIdParams,
      querystring: SettlementPaymentsQuery,
      response: { 200: PaymentPage, ...errorResponses },
    },
    handler: async (request, reply) => {
      const result = await listSettlementPayments({ ctx, scope: await resolveScope(ctx, request), id: request.params.id, input: request.query });
      return sendPaymentPage(reply, result, PaymentPage, ctx.config.checkResponses);
    },
  });
  app.route({
    method: "GET",
    url: "/v1/settlements/:id/refunds",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Settlements"],
      summary: "The completed refunds a settlement deducted (its refunded_amount), newest first, each with its payment's reference and payment_method",
      params: SettlementIdParams,
      querystring: SettlementPaymentsQuery,
      response: { 200: listEnvelope(SettlementRefundSchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listSettlementRefunds({ ctx, scope: await resolveScope(ctx, request), id: request.params.id, input: request.query });
      return { success: true as const, data: result.items, has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
}

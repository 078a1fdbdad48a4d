import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses, listEnvelope } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { getRefund } from "../../services/refunds/get.js";
import { listRefunds } from "../../services/refunds/list.js";
import { ListRefundsQuery, RefundIdParams } from "../../services/refunds/schemas.js";
import { RefundSchema, serializeRefund } from "../../services/refunds/serialize.js";

/** Get one refund, list refunds. */
export function readRefundRoutes(app: ZodApp, ctx: ServiceContext) {
  const read = access(["secret", "user"], "refunds:read");
  app.route({
    method: "GET",
    url: "/v1/refunds/:id",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Refunds"],
      summary: "Get a refund",
      params: RefundIdParams,
      response: { 200: dataEnvelope(RefundSchema), ...errorResponses },
    },
    handler: async (request) => ok(serializeRefund(await getRefund({ ctx, scope: await resolveScope(ctx, request), id: request.params.id }))),
  });
  app.route({
    method: "GET",
    url: "/v1/refunds",
    config: read.config,
    schema: {
      ...read.schemaExtras,
      tags: ["Refunds"],
      summary: "List refunds, newest first",
      querystring: ListRefundsQuery,
      response: { 200: listEnvelope(RefundSchema), ...errorResponses },
    },
    handler: async (request) => {
      const result = await listRefunds({ ctx, scope: await resolveScope(ctx, request), input: request.query });
      return { success: true as const, data: result.items.map(serializeRefund), has_more: result.has_more, next_cursor: result.next_cursor };
    },
  });
}

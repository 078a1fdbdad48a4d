import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { forRequest } from "../../http/server.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { assertPaymentReach } from "../../services/checkout/access.js";
import type { ServiceContext } from "../../services/context.js";
import { authenticatePayment } from "../../services/payments/authenticate.js";
import { cancelPayment } from "../../services/payments/cancel.js";
import { paymentDetail } from "../../services/payments/detail.js";
import { OtpBody, PaymentIdParams, PaymentSchema } from "../../services/payments/schemas.js";

/** Cancel (merchant) and the OTP step (customer's browser). */
export function paymentActionRoutes(app: ZodApp, ctx: ServiceContext) {
  const cancel = access(["secret", "user"], "payments:write");
  app.route({
    method: "POST",
    url: "/v1/payments/:id/cancel",
    config: cancel.config,
    schema: {
      ...cancel.schemaExtras,
      tags: ["Payments"],
      summary: "Cancel a pending payment once the provider confirms it cannot complete",
      params: PaymentIdParams,
      response: { 200: dataEnvelope(PaymentSchema), ...errorResponses },
    },
    handler: async (request) =>
      ok(await paymentDetail(ctx, await cancelPayment({ ctx: forRequest(ctx, request), scope: await resolveScope(ctx, request), id: request.params.id }))),
  });
  // A restricted secret key submits a code under its payments:write scope.
  const otp = access(["publishable", "client_secret", "secret"], "payments:write");
  app.route({
    method: "POST",
    url: "/v1/payments/:id/authenticate",
    config: otp.config,
    schema: {
      ...otp.schemaExtras,
      tags: ["Payments"],
      summary: "Submit the OTP the customer received",
      params: PaymentIdParams,
      body: OtpBody,
      response: { 200: dataEnvelope(PaymentSchema.pick({ id: true, status: true, amount: true, currency: true })), ...errorResponses },
    },
    handler: async (request) => {
      await assertPaymentReach(ctx, request.principal, request.params.id);
      const p = await authenticatePayment({
        ctx: forRequest(ctx, request),
        scope: await resolveScope(ctx, request),
        id: request.params.id,
        otp: request.body.otp,
      });
      return ok({ id: p.id, status: p.status, amount: p.amount, currency: p.currency });
    },
  });
}

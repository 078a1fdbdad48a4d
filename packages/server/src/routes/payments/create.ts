import { resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { sendReplay } from "../../http/idempotency.js";
import { sendPrebuilt } from "../../http/prebuilt.js";
import { forRequest } from "../../http/server.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";
import { createPaymentWithAttempts } from "../../services/payments/create.js";
import { createdPaymentDetail, paymentDetail } from "../../services/payments/detail.js";
import { CreatePaymentBody, PaymentSchema } from "../../services/payments/schemas.js";

export function createPaymentRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["secret"], "payments:write");
  app.route({
    method: "POST",
    url: "/v1/payments",
    // The key is claimed by the statement that writes the payment (services/payments/create.ts).
    config: { ...a.config, claimsIdempotency: true },
    schema: {
      ...a.schemaExtras,
      tags: ["Payments"],
      summary: "Create a payment",
      description: "Routes the payment, starts it at the provider and answers with `next_action`. Send an `Idempotency-Key` so a retry never charges twice.",
      body: CreatePaymentBody,
      response: { 201: dataEnvelope(PaymentSchema), ...errorResponses },
    },
    handler: async (request, reply) => {
      const scope = await resolveScope(ctx, request);
      const claim = request.idemClaim;
      const created = await createPaymentWithAttempts({
        ctx: forRequest(ctx, request),
        scope,
        input: request.body,
        idem: request.idem,
        ...(claim
          ? {
              claim: {
                input: claim,
                claimed: (handle) => {
                  request.idem = handle;
                },
              },
            }
          : {}),
        // Serialised as the route's 201 would be, so the text stored for replay is the text sent.
        answer: (p, a) => ({ status: 201, body: String(reply.code(201).serialize(ok(createdPaymentDetail(p, a)))) }),
      });
      if (created.kind === "replay") return sendReplay(reply, created.status, created.body);
      const { payment, attempts, fresh, answered } = created;
      if (answered !== undefined) {
        // Stored with the create's last phase: the key is finished already.
        request.idem = null;
        return sendPrebuilt(reply.code(201), answered);
      }
      // A resumed create answers what is stored now; a fresh one what it just wrote.
      return reply.code(201).send(ok(fresh ? createdPaymentDetail(payment, attempts) : await paymentDetail(ctx, payment)));
    },
  });
}

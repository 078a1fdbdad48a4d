import { requirePrincipal, resolveScope } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { forRequest } from "../../http/server.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { browserCatalogue } from "../../services/checkout/catalogue.js";
import { payFromBrowser } from "../../services/checkout/pay.js";
import { CatalogueSchema, MethodsQuery, PayBody, PayResultSchema } from "../../services/checkout/schemas.js";
import type { ServiceContext } from "../../services/context.js";

/** The Origin a browser sent, when it is a real origin (not `null`, not absent). */
function requestOrigin(header: string | undefined): string | null {
  if (!header || header === "null") return null;
  try {
    const url = new URL(header);
    return /^https?:$/.test(url.protocol) ? url.origin : null;
  } catch {
    return null;
  }
}

/** What the widget and hosted page call: the catalogue and payment creation (publishable key or client secret). */
export function checkoutBrowserRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["publishable", "client_secret"]);
  const tags = ["Checkout"];
  const sessionOf = (request: Parameters<typeof requirePrincipal>[0]) => {
    const p = requirePrincipal(request);
    return p.kind === "client_secret" ? p.sessionId : null;
  };
  app.route({
    method: "GET",
    url: "/v1/checkout/methods",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Countries and methods the app can take now, with logos and phone formats",
      querystring: MethodsQuery,
      response: { 200: dataEnvelope(CatalogueSchema), ...errorResponses },
    },
    handler: async (request) => ok(await browserCatalogue({ ctx, scope: await resolveScope(ctx, request), sessionId: sessionOf(request), ...request.query })),
  });
  app.route({
    method: "POST",
    url: "/v1/checkout/pay",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Start a payment from the browser (widget or hosted page)",
      description:
        "With a client secret: a payment of that session, on its amount and terms; another starts only once the previous one is final. With a publishable key: the simple mode, amount set by the page (`amount_source: client`).",
      body: PayBody,
      response: { 201: dataEnvelope(PayResultSchema), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { payment, sessionId } = await payFromBrowser({
        ctx: forRequest(ctx, request),
        scope: await resolveScope(ctx, request),
        sessionId: sessionOf(request),
        origin: requestOrigin(request.headers.origin),
        input: request.body,
        idem: request.idem,
      });
      return reply.code(201).send(
        ok({
          id: payment.id,
          status: payment.status,
          amount: payment.amount,
          currency: payment.currency,
          payment_method: payment.paymentMethod,
          next_action: payment.nextAction ?? null,
          session_id: sessionId,
        }),
      );
    },
  });
}

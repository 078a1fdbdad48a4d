import { forRequest } from "../../http/server.js";
import { access, type ZodApp } from "../../http/types.js";
import { escapeHtml, ICON_LINK } from "../../lib/html.js";
import { findBrowserPayment } from "../../services/checkout/access.js";
import { loadSession } from "../../services/checkout/get.js";
import type { ServiceContext } from "../../services/context.js";
import { handleReturn } from "../../services/payments/return.js";
import { PaymentIdParams } from "../../services/payments/schemas.js";
import { browserLang } from "../checkout/pages.js";
import { resultText, sendRelayPage, statusLine } from "../checkout/relay.js";

const CLOSE_PAGE = { fr: "Vous pouvez fermer cette page.", en: "You can close this page." };

/** The provider's hints from the return query as plain strings (a repeated name keeps its first value). */
function plainQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    const first = Array.isArray(v) ? v[0] : v;
    if (typeof first === "string") out[k] = first;
  }
  return out;
}

/** Where providers send the customer back: verify, record, then 303 to the merchant's URL. */
export function returnRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["none"]);
  app.route({
    method: "GET",
    url: "/v1/payments/:id/return",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Payments"],
      summary: "Provider return URL: verifies with the provider, then redirects (303) to the merchant's stored URL",
      params: PaymentIdParams,
    },
    handler: async (request, reply) => {
      const outcome = await handleReturn(forRequest(ctx, request), request.params.id, plainQuery(request.query));
      // Widget and hosted-page payments: relay to the opener instead of redirecting (SPEC §8).
      const browser = await findBrowserPayment(ctx, outcome.payment.id);
      // The session's language first (as on its hosted page), else the browser's.
      const session = browser?.sessionId
        ? await loadSession(ctx.db, { appId: browser.appId, livemode: browser.livemode }, browser.sessionId).catch(() => null)
        : null;
      const lang = (session?.locale as "fr" | "en" | null | undefined) ?? browserLang(request.headers["accept-language"]);
      if (browser) return sendRelayPage(reply, outcome.payment, browser.openerOrigin, lang);
      if (outcome.kind === "redirect") return reply.code(303).header("location", outcome.location).send();
      const { payment } = outcome;
      const result = resultText(payment.status, lang);
      const message = payment.status === "completed" ? `${result} ${CLOSE_PAGE[lang]}` : result;
      reply.header("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'");
      return reply
        .type("text/html; charset=utf-8")
        .send(
          `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>ZeroFee</title>${ICON_LINK}</head><body style="font-family:system-ui;max-width:30rem;margin:4rem auto"><h1>${escapeHtml(message)}</h1><p>${statusLine(payment.id, payment.status, lang)}</p></body></html>`,
        );
    },
  });
}

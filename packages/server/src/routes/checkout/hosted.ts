import { access, type ZodApp } from "../../http/types.js";
import { loadBundle } from "../../lib/checkout-bundle.js";
import { escapeHtml, ICON_LINK } from "../../lib/html.js";
import { hostedSession } from "../../services/checkout/hosted.js";
import { SessionIdParams } from "../../services/checkout/schemas.js";
import type { ServiceContext } from "../../services/context.js";
import { browserLang, newNonce, PAGE_STYLE, pageHeaders, scriptJson } from "./pages.js";

/**
 * Boots the widget as a full page. On completion: top-level → the session's success URL;
 * framed → the result is posted to each allowed origin (a targetOrigin that is not the
 * parent's is dropped by the browser), then, a second later (so the parent handles the
 * message before its document goes away), the top window is navigated where the browser
 * lets a frame do it. A session found closed on the way (paid or expired in another tab, or
 * by the merchant) reloads the page, which the server then draws as that session is: paid →
 * the way to its success URL, expired → back to the shop — never "ended" and the cart for an
 * order just paid.
 */
const BOOT = `(function(){var c=JSON.parse(document.getElementById("zf-hosted").textContent);var framed=window.top!==window.self;
function go(u){if(!framed){location.assign(u);return}setTimeout(function(){try{window.top.location.href=u}catch(e){}},1000)}
function post(m){if(framed)c.origins.forEach(function(o){try{parent.postMessage(m,o)}catch(e){}})}
new ZeroFeeCheckout({clientSecret:c.secret,apiUrl:location.origin,locale:c.locale||undefined,hosted:true,cancelable:!!c.cancel,returnUrl:c.cancel||c.success,
onSuccess:function(r){var u=new URL(c.success);u.searchParams.set("session_id",c.id);post({type:"zerofee:checkout.completed",session_id:c.id,transaction_id:r.transactionId});go(u.href)},
onError:function(e){post({type:"zerofee:checkout.error",session_id:c.id,code:e.code});if(e.code==="checkout_session_closed")location.reload()},
onClose:function(){post({type:"zerofee:checkout.closed",session_id:c.id});if(c.cancel)go(c.cancel)}}).open()})();`;

const CLOSED: Record<string, { fr: string; en: string }> = {
  complete: { fr: "Ce paiement est déjà effectué.", en: "This payment is already complete." },
  expired: { fr: "Cette page de paiement a expiré.", en: "This payment page has expired." },
};

/** `GET /checkout/{id}`: the hosted checkout page (SPEC §8), by redirect or in an iframe. */
export function hostedPageRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["none"]);
  app.route({
    method: "GET",
    url: "/checkout/:id",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Checkout"],
      summary: "Hosted checkout page",
      params: SessionIdParams,
    },
    handler: async (request, reply) => {
      const s = await hostedSession(ctx, request.params.id);
      const nonce = newNonce();
      const lang = s.locale ?? browserLang(request.headers["accept-language"]);
      pageHeaders(reply, { nonce, frameAncestors: s.allowedOrigins, coop: "same-origin-allow-popups", connect: true });
      const head = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${lang === "fr" ? "Paiement" : "Payment"} — ZeroFee</title>${ICON_LINK}<style nonce="${nonce}">${PAGE_STYLE}</style></head><body>`;
      if (s.status !== "open" || !s.clientSecret) {
        const text = CLOSED[s.status] ?? CLOSED.expired;
        // The way back is the merchant's own URL from the session (validated when it was made):
        // its success URL once paid, else its cancel URL (or, without one, its success URL).
        const back = s.status === "complete" ? s.successUrl : (s.cancelUrl ?? s.successUrl);
        const link = `<p><a href="${escapeHtml(back)}">${lang === "fr" ? "Retour à la boutique" : "Back to the shop"}</a></p>`;
        return reply.send(
          `${head}<main data-state="${s.status === "complete" ? "completed" : "expired"}"><h1>${escapeHtml(lang === "fr" ? (text?.fr ?? "") : (text?.en ?? ""))}</h1>${link}</main></body></html>`,
        );
      }
      const { iife } = await loadBundle(ctx.config.production);
      const config = { id: s.id, secret: s.clientSecret, locale: s.locale, success: s.successUrl, cancel: s.cancelUrl, origins: s.allowedOrigins };
      return reply.send(
        `${head}<script src="/checkout.js?v=${iife.hash}" nonce="${nonce}"></script><script type="application/json" id="zf-hosted" nonce="${nonce}">${scriptJson(config)}</script><script nonce="${nonce}">${BOOT}</script></body></html>`,
      );
    },
  });
}

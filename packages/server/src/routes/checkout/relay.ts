import type { FastifyReply } from "fastify";
import { escapeHtml, ICON_LINK } from "../../lib/html.js";
import { newNonce, PAGE_STYLE, pageHeaders, scriptJson } from "./pages.js";

const TEXT: Record<string, [string, string]> = {
  completed: ["Paiement reçu.", "Payment received."],
  failed: ["Le paiement n'a pas abouti.", "The payment did not go through."],
  expired: ["Le paiement a expiré.", "The payment expired."],
  cancelled: ["Le paiement a été annulé.", "The payment was cancelled."],
};
const CONFIRMING: [string, string] = ["Nous confirmons le paiement auprès de l'opérateur.", "We are still confirming the payment with the provider."];
const STATUS: Record<string, [string, string]> = {
  pending: ["en attente", "pending"],
  requires_action: ["action requise", "requires action"],
  processing: ["en cours", "processing"],
  completed: ["réussi", "completed"],
  failed: ["échoué", "failed"],
  expired: ["expiré", "expired"],
  cancelled: ["annulé", "cancelled"],
};

/** What a return page says of a payment's status, in the customer's language. */
export const resultText = (status: string, lang: "fr" | "en") => (TEXT[status] ?? CONFIRMING)[lang === "fr" ? 0 : 1];

/**
 * A return page's status line: « Référence txn_… — statut : <strong>réussi</strong> », the
 * status word in the customer's language; the API's own word stays in `data-status`.
 */
export function statusLine(id: string, status: string, lang: "fr" | "en"): string {
  const i = lang === "fr" ? 0 : 1;
  const word = STATUS[status]?.[i] ?? status;
  return `${["Référence", "Reference"][i]} ${escapeHtml(id)} — ${["statut :", "status:"][i]} <strong data-status="${escapeHtml(status)}">${escapeHtml(word)}</strong>`;
}

/**
 * The return page of a widget or hosted-page payment (SPEC §8): it posts
 * `{type, transaction_id, status}` — nothing secret — to the opener, and only to the origin
 * recorded when the payment was created (never `'*'`); the browser drops it if the opener
 * now shows another origin. Without an opener (a new tab) it shows the result itself.
 */
const RELAY = `(function(){var d=JSON.parse(document.getElementById("zf-result").textContent);
if(window.opener&&d.target){try{window.opener.postMessage({type:"zerofee:payment",transaction_id:d.id,status:d.status},d.target)}catch(e){}
setTimeout(function(){window.close()},1500)}})();`;

export function sendRelayPage(reply: FastifyReply, payment: { id: string; status: string }, target: string | null, lang: "fr" | "en") {
  const nonce = newNonce();
  pageHeaders(reply, { nonce, frameAncestors: [], coop: null, connect: false });
  const after = lang === "fr" ? "Vous pouvez fermer cette page et revenir au paiement." : "You can close this page and go back to the checkout.";
  return reply.send(
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>ZeroFee</title>${ICON_LINK}<style nonce="${nonce}">${PAGE_STYLE}</style></head><body><main><h1>${escapeHtml(resultText(payment.status, lang))}</h1><p>${escapeHtml(after)}</p><p>${statusLine(payment.id, payment.status, lang)}</p></main><script type="application/json" id="zf-result" nonce="${nonce}">${scriptJson({ id: payment.id, status: payment.status, target })}</script><script nonce="${nonce}">${RELAY}</script></body></html>`,
  );
}

import { randomBytes } from "node:crypto";
import type { FastifyReply } from "fastify";

/** A fresh nonce per page: the only inline scripts and styles the page's CSP admits. */
export const newNonce = () => randomBytes(18).toString("base64");

/**
 * The customer's language for a page ZeroFee shows, by the widget's own rule (checkout.js
 * `pickLocale`): French when any language the browser lists is French (`fr`, `fr-CI`…), else
 * English. A tag the browser refuses (`q=0`) does not count. A session's `locale` comes first.
 */
export const browserLang = (acceptLanguage: string | undefined): "fr" | "en" =>
  (acceptLanguage ?? "").split(",").some((tag) => /^\s*fr\b/i.test(tag) && !/;\s*q=0(\.0*)?\s*$/i.test(tag)) ? "fr" : "en";

/** JSON safe inside `<script type="application/json">`: no `</script>` or `<!--` can close it. */
export const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

/**
 * Headers of ZeroFee's own customer-facing pages (WG-3): a strict CSP (no `unsafe-eval`, no
 * third-party origin), nosniff, a Referrer-Policy, and the given framing rule. The API's
 * blanket `X-Frame-Options: DENY` and COOP are replaced here: the hosted page may be framed
 * by listed origins, and the return page must keep its `window.opener`.
 */
export function pageHeaders(reply: FastifyReply, opts: { nonce: string; frameAncestors: string[]; coop: string | null; connect: boolean }) {
  const csp = [
    "default-src 'none'",
    `script-src 'self' 'nonce-${opts.nonce}'`,
    `style-src 'self' 'nonce-${opts.nonce}'`,
    "img-src 'self' data:",
    opts.connect ? "connect-src 'self'" : null,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${opts.frameAncestors.length > 0 ? opts.frameAncestors.join(" ") : "'none'"}`,
  ]
    .filter(Boolean)
    .join("; ");
  reply.removeHeader("x-frame-options");
  reply.removeHeader("cross-origin-opener-policy");
  if (opts.coop) reply.header("cross-origin-opener-policy", opts.coop);
  reply
    .header("content-security-policy", csp)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "strict-origin-when-cross-origin")
    .header("cache-control", "no-store")
    .type("text/html; charset=utf-8");
}

export const PAGE_STYLE =
  "body{margin:0;min-height:100vh;background:#f1f5f9;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#0f172a}main{max-width:28rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:12px;text-align:center}a{color:#1d4ed8}";

import type { FastifyRequest } from "fastify";
import { ApiError } from "../lib/errors.js";

const refused = () => new ApiError("cross_site_request", "Cross-site requests are refused.");

/** Whether a browser-sent `Origin` or `Referer` names ZeroFee itself (`PUBLIC_URL`, or the host the browser asked for). */
function isOwnOrigin(value: string, request: FastifyRequest, publicUrl: string): boolean {
  try {
    const url = new URL(value);
    return url.host === request.headers.host || url.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

const isUnsafe = (method: string) => method !== "GET" && method !== "HEAD" && method !== "OPTIONS";

/**
 * Cookie-authenticated state changes must prove they come from ZeroFee's own pages (SPEC §16,
 * reliability.md §3.10). `Sec-Fetch-Site` (a header no page script can set) decides when the
 * browser sends it; a real `Origin` must name us too. Without `Sec-Fetch-Site` (older
 * browsers), `Origin` — or, when it is absent or `null`, `Referer` — must name `PUBLIC_URL`;
 * a request with no such proof is refused, as every browser attaching a cookie to a POST sends
 * one of them and API clients use Bearer, which is never checked (a page cannot make the
 * browser add it). `Origin: null` with `Sec-Fetch-Site: same-origin` is our own page under
 * `Referrer-Policy: no-referrer`, which makes browsers blank the origin of a POST.
 */
export function checkCookieCsrf(request: FastifyRequest, publicUrl: string): void {
  if (!isUnsafe(request.method)) return;
  const site = request.headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") throw refused();
  const { origin, referer } = request.headers;
  if (origin !== undefined && origin !== "null" && !isOwnOrigin(origin, request, publicUrl)) throw refused();
  if (site === "same-origin" || site === "none") return;
  if (origin !== undefined && origin !== "null") return;
  if (referer === undefined || !isOwnOrigin(referer, request, publicUrl)) throw refused();
}

/**
 * Sign-in and sign-up carry no cookie yet, so they cannot demand proof of origin (scripts and
 * SDKs log in too); what a browser says about another site is refused (login CSRF).
 */
export function checkLoginCsrf(request: FastifyRequest, publicUrl: string): void {
  if (request.headers["sec-fetch-site"] === "cross-site") throw new ApiError("cross_site_request", "Cross-site sign-in is refused.");
  const { origin, referer } = request.headers;
  const claimed = origin ?? referer;
  if (claimed !== undefined && !isOwnOrigin(claimed, request, publicUrl)) throw new ApiError("cross_site_request", "Cross-site sign-in is refused.");
}

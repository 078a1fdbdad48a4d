import { webCrypto } from "./crypto.js";
import { WebhookVerificationError } from "./errors.js";
import type { WebhookEvent } from "./types.js";

/** Headers as a `Headers` object, or Node's `req.headers` (string, string[] or undefined values). */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

export interface VerifyOptions {
  /** Seconds a delivery's timestamp may differ from now; default 300. */
  toleranceS?: number;
  /** Current time in seconds (tests). */
  nowS?: number;
}

const TOLERANCE_S = 300;
const encoder = new TextEncoder();

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(",") : v;
  return undefined;
}

/** Equal strings in time that depends on their length only. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function hmac(key: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
  const { subtle } = await webCrypto();
  const k = await subtle.importKey("raw", new Uint8Array(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", k, new Uint8Array(message)));
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const base64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function checkTimestamp(t: string | undefined, opts: VerifyOptions): void {
  if (!t || !/^\d+$/.test(t)) throw new WebhookVerificationError("The delivery has no valid timestamp.");
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(t)) > (opts.toleranceS ?? TOLERANCE_S))
    throw new WebhookVerificationError("The delivery's timestamp is outside the tolerance (a replay?).");
}

/** `X-ZeroFee-Signature: t=<unix>,v1=<hex>[,v1=…]`: HMAC-SHA256 of `"<t>.<raw body>"` keyed by the whole `whsec_…` string; any `v1` may match. */
async function verifyZeroFee(body: Uint8Array, value: string, secret: string, opts: VerifyOptions): Promise<void> {
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of value.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t") t = v;
    else if (k === "v1" && v) signatures.push(v.toLowerCase());
  }
  checkTimestamp(t, opts);
  const expected = hex(await hmac(encoder.encode(secret), concat(encoder.encode(`${t}.`), body)));
  // Every v1 is compared (no early exit), so the time taken says nothing about which one matched.
  let ok = false;
  for (const s of signatures) ok = constantTimeEqual(s, expected) || ok;
  if (!ok) throw new WebhookVerificationError("No X-ZeroFee-Signature v1 matches the body.");
}

/** Standard Webhooks: `webhook-signature: v1,<base64>[ v1,…]` over `"<id>.<ts>.<body>"`, keyed by the base64 bytes after `whsec_`. */
async function verifyStandard(
  body: Uint8Array,
  id: string | undefined,
  ts: string | undefined,
  value: string,
  secret: string,
  opts: VerifyOptions,
): Promise<void> {
  if (!id) throw new WebhookVerificationError("The delivery has no webhook-id.");
  checkTimestamp(ts, opts);
  let key: Uint8Array;
  try {
    key = Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  } catch {
    throw new WebhookVerificationError("The secret is not a whsec_ secret.");
  }
  const expected = base64(await hmac(key, concat(encoder.encode(`${id}.${ts}.`), body)));
  let ok = false;
  for (const entry of value.split(" ")) {
    const [version, signature] = entry.split(",", 2);
    if (version === "v1" && signature) ok = constantTimeEqual(signature, expected) || ok;
  }
  if (!ok) throw new WebhookVerificationError("No webhook-signature v1 matches the body.");
}

/**
 * The raw body as bytes: a string (UTF-8), a `Buffer` or other typed array, or the
 * `ArrayBuffer` of a fetch-style handler (`await request.arrayBuffer()`). Anything else — most
 * often a body a JSON middleware has parsed already — cannot be the bytes that were signed.
 */
function bytesOf(rawBody: unknown): Uint8Array {
  if (typeof rawBody === "string") return encoder.encode(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (ArrayBuffer.isView(rawBody)) return new Uint8Array(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  // By its tag, not `instanceof`: an ArrayBuffer made in another realm (a vm context, a worker's
  // message) is one too.
  if (Object.prototype.toString.call(rawBody) === "[object ArrayBuffer]") return new Uint8Array(rawBody as ArrayBuffer);
  throw new WebhookVerificationError(
    `The raw body must be the bytes received (a string, Buffer, Uint8Array or ArrayBuffer), not ${rawBody === null ? "null" : typeof rawBody === "object" ? 'a parsed object: read the body raw (e.g. express.raw({ type: "application/json" }))' : typeof rawBody}.`,
  );
}

/**
 * Verifies a delivery from the raw body (the exact bytes received, before any JSON parsing)
 * and returns the event. Checks `X-ZeroFee-Signature` when present, else the Standard Webhooks
 * headers; throws `WebhookVerificationError` otherwise.
 * @example
 * const event = await zf.webhooks.verify(rawBody, req.headers, process.env.ZEROFEE_WEBHOOK_SECRET);
 * if (event.type === "payment.completed") fulfil(event.data.reference);
 */
export async function verifyWebhook(
  rawBody: string | Uint8Array | ArrayBuffer,
  headers: HeadersLike,
  secret: string,
  opts: VerifyOptions = {},
): Promise<WebhookEvent> {
  if (!secret) throw new WebhookVerificationError("No webhook secret given.");
  const body = bytesOf(rawBody);
  const zerofee = header(headers, "x-zerofee-signature");
  const standard = header(headers, "webhook-signature");
  if (zerofee) await verifyZeroFee(body, zerofee, secret, opts);
  else if (standard) await verifyStandard(body, header(headers, "webhook-id"), header(headers, "webhook-timestamp"), standard, secret, opts);
  else throw new WebhookVerificationError("The delivery carries no signature header.");
  try {
    return JSON.parse(new TextDecoder().decode(body)) as WebhookEvent;
  } catch {
    throw new WebhookVerificationError("The body is not JSON.");
  }
}

import { createHmac, timingSafeEqual } from "node:crypto";

const TOLERANCE_S = 300;

/**
 * Verifies `X-ZeroFee-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` over the raw body: HMAC-SHA256
 * of `"<t>.<raw body>"` keyed by the whole `whsec_…` string. Any `v1` may match (during a
 * secret rotation ZeroFee sends two); the timestamp must be within 5 minutes, so a captured
 * delivery cannot be replayed later. Verify before parsing anything.
 */
export function verifySignature(rawBody: string, header: string | undefined, secret: string, nowS = Math.floor(Date.now() / 1000)): boolean {
  if (!header) return false;
  let t: number | undefined;
  const sigs: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && v && /^\d+$/.test(v)) t = Number(v);
    else if (k === "v1" && v && /^[0-9a-f]{64}$/.test(v)) sigs.push(v);
  }
  if (t === undefined || sigs.length === 0 || Math.abs(nowS - t) > TOLERANCE_S) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex"));
  return sigs.some((s) => timingSafeEqual(Buffer.from(s), expected));
}

/** What a sender computes (tests use it to post correctly signed deliveries). */
export function signPayload(rawBody: string, secret: string, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex")}`;
}

import { createHmac, timingSafeEqual } from "node:crypto";

/** `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the scheme Stripe and ZeroFee use. */
export function signPayload(secret: string, body: string, timestamp: number): string {
  const mac = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Checks a `t=…,v1=…` header against the body, any `v1` matching, within `toleranceS`. An
 * empty secret verifies nothing: an app with no `webhook_secret` (or whose set-up was removed)
 * must not take messages anyone can sign with HMAC("").
 */
export function verifySignature(secret: string, body: string, header: string | undefined, nowS: number, toleranceS = 300): boolean {
  if (!header || !secret) return false;
  const parts = header.split(",").map((p) => p.trim().split("="));
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"));
  return parts
    .filter(([k, v]) => k === "v1" && v)
    .some(([, v]) => {
      const given = Buffer.from(v ?? "");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `Hub2-Signature: s1=<sig>,s0=<sig>` (docs.hub2.io webhooks_integration): `s1` is the
 * HMAC-SHA256 of the raw JSON body under the current webhook secret, `s0` the same under the
 * previous secret for 24 h after a rotation. Hex encoding is our reading of the docs.
 * @example signHub2("secret", '{"a":1}') // "s1=…"
 */
export function signHub2(secret: string, body: string, previousSecret?: string): string {
  const s1 = createHmac("sha256", secret).update(body).digest("hex");
  return previousSecret ? `s1=${s1},s0=${createHmac("sha256", previousSecret).update(body).digest("hex")}` : `s1=${s1}`;
}

/** True when any `sN` entry is the body's HMAC under `secret` (so a rotation on either side passes). */
export function verifyHub2(secret: string, body: string, header: string | undefined): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(body).digest("hex"));
  return header
    .split(",")
    .map((part) => part.trim().split("="))
    .filter(([k, v]) => /^s\d+$/.test(k ?? "") && v)
    .some(([, v]) => {
      const given = Buffer.from((v ?? "").toLowerCase());
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

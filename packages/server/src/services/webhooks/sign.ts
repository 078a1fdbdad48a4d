import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { setBounded } from "../../lib/bounded-map.js";

/**
 * A new endpoint secret: `whsec_` + standard padded base64 of 32 random bytes, which is the
 * Standard Webhooks encoding; the `X-ZeroFee-Signature` HMAC uses the whole string as its key
 * (as the original verifier snippets expect).
 */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString("base64")}`;

export const zeroFeeSignature = (secret: string, t: number, body: string): string => createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");

/** One `Webhook` per secret (its constructor decodes the key); bounded by clearing. */
const signers = new Map<string, Webhook>();
const signer = (secret: string): Webhook => signers.get(secret) ?? setBounded(signers, secret, new Webhook(secret), 10_000);

export interface SignInput {
  /** Current secret, then the previous one while a rotation overlaps (old last). */
  secrets: string[];
  eventId: string;
  eventType: string;
  deliveryId: string;
  /** Unix seconds of this attempt. */
  t: number;
  /** The exact bytes sent. */
  body: string;
}

/**
 * Every header a delivery carries (SPEC §7): ZeroFee's `t=…,v1=<new>,v1=<old>` and the
 * Standard Webhooks trio, whose `webhook-id` is the event id so it stays the same across
 * retries and lets receivers deduplicate.
 * @example signedHeaders({ secrets: [s], eventId, eventType, deliveryId, t: 1700000000, body })
 */
export function signedHeaders(input: SignInput): Record<string, string> {
  const at = new Date(input.t * 1000);
  return {
    "content-type": "application/json",
    "user-agent": "ZeroFee-Webhook/1.0",
    "x-zerofee-signature": [`t=${input.t}`, ...input.secrets.map((s) => `v1=${zeroFeeSignature(s, input.t, input.body)}`)].join(","),
    "x-zerofee-event": input.eventType,
    "x-zerofee-delivery": input.deliveryId,
    "x-zerofee-timestamp": String(input.t),
    "webhook-id": input.eventId,
    "webhook-timestamp": String(input.t),
    "webhook-signature": input.secrets.map((s) => signer(s).sign(input.eventId, at, input.body)).join(" "),
  };
}

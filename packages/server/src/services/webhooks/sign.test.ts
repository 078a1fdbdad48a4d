import { createHmac } from "node:crypto";
import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signedHeaders } from "./sign.js";

const hmacHex = (secret: string, t: number, body: string) => createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");

describe("webhook signatures", () => {
  it("both schemes verify over any body, with every active secret, new first and old last", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), fc.boolean(), (body, rotating) => {
        const current = newWebhookSecret();
        const old = newWebhookSecret();
        const secrets = rotating ? [current, old] : [current];
        const t = Math.floor(Date.now() / 1000);
        const h = signedHeaders({ secrets, eventId: "evt_01TEST", eventType: "payment.completed", deliveryId: "del_01TEST", t, body });
        expect(h["x-zerofee-signature"]).toBe([`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, t, body)}`)].join(","));
        for (const s of secrets) {
          expect(() => new Webhook(s).verify(body, h, { jsonParse: false })).not.toThrow();
        }
        expect(() => new Webhook(newWebhookSecret()).verify(body, h)).toThrow();
        expect(h["webhook-signature"]?.split(" ")).toHaveLength(secrets.length);
      }),
      { numRuns: 50 },
    );
  });

  it("secrets are whsec_ + standard padded base64 of 32 random bytes", () => {
    const s = newWebhookSecret();
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(s.slice(6), "base64")).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(s);
  });
});

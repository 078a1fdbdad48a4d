import { createPublicKey } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProviderContext, SimulatorStore } from "../contract.js";
import { type DocumentedMeaning, statusMapContradictions } from "../sandbox/documented-statuses.js";
import { customerMessage, PAWAPAY_CALLBACK_PATH, pawapayAdapter, uuidFrom } from "./adapter.js";
import { fromPawapayAmount, PAWAPAY_EXPONENT, toPawapayAmount } from "./amount.js";
import { contentDigest, sandboxSigningKey, signMessage, verifyMessage } from "./signature.js";
import { createPawapaySimulator } from "./simulator.js";
import { DEPOSIT_STATUSES, Deposit, InitiateResponse, mapDepositStatus, PAWAPAY_PROVIDERS, StatusResponse } from "./wire.js";

describe("PawaPay status map", () => {
  it("maps every deposit status as PawaPay documents it, finals to finals", () => {
    // providers.md §1.5: `ACCEPTED`, `PROCESSING`, `IN_RECONCILIATION`, `COMPLETED` (final),
    // `FAILED` (final). IN_RECONCILIATION: PawaPay resolving an unknown outcome — never a guess.
    const documented: Record<(typeof DEPOSIT_STATUSES)[number], DocumentedMeaning> = {
      ACCEPTED: "in_flight",
      PROCESSING: "in_flight",
      IN_RECONCILIATION: "in_flight",
      COMPLETED: "paid",
      FAILED: "declined",
    };
    expect(statusMapContradictions(DEPOSIT_STATUSES, mapDepositStatus, documented)).toEqual([]);
    // The customer has the PIN prompt only while PROCESSING (§1.4); reconciliation is not theirs.
    expect(mapDepositStatus("PROCESSING")).toBe("requires_action");
    expect(mapDepositStatus("IN_RECONCILIATION")).toBe("processing");
  });

  it("every method names a provider whose currency PawaPay's exponent table knows", () => {
    for (const [method, p] of Object.entries(PAWAPAY_PROVIDERS)) {
      expect(method).toMatch(/^PAYIN_[A-Z]+_[A-Z]{2}$/);
      expect(PAWAPAY_EXPONENT[p.currency], method).toBeTypeOf("number");
    }
    expect(pawapayAdapter.metadata.methods).toEqual(Object.keys(PAWAPAY_PROVIDERS));
  });
});

describe("PawaPay amounts (minor units ⇄ decimal string, no floats)", () => {
  it("known values", () => {
    expect(toPawapayAmount(1500, "XOF")).toBe("1500");
    expect(toPawapayAmount(1050, "KES")).toBe("10.5");
    expect(toPawapayAmount(1000, "KES")).toBe("10");
    expect(toPawapayAmount(5, "GHS")).toBe("0.05");
    expect(toPawapayAmount(123_456_789_012, "ZMW")).toBe("1234567890.12");
    expect(fromPawapayAmount("10.50", "KES")).toBe(1050);
    expect(fromPawapayAmount("10.505", "KES")).toBeNull();
    expect(fromPawapayAmount("10.5", "XOF")).toBeNull();
    expect(fromPawapayAmount("1e3", "XOF")).toBeNull();
    expect(() => toPawapayAmount(1.5, "XOF")).toThrow();
    expect(() => toPawapayAmount(100, "EUR")).toThrow();
  });

  it("round-trips every amount exactly, in every currency", () => {
    const currencies = Object.keys(PAWAPAY_EXPONENT);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000_000 }), fc.constantFrom(...currencies), (minor, currency) => {
        const s = toPawapayAmount(minor, currency);
        const exp = PAWAPAY_EXPONENT[currency] ?? 0;
        // The string, read as an exact decimal, is minor / 10^exp.
        const [whole = "", frac = ""] = s.split(".");
        const exact = BigInt(whole) * 10n ** BigInt(exp) + BigInt(frac.padEnd(exp, "0") || "0");
        return /^\d+(\.\d*[1-9])?$/.test(s) && exact === BigInt(minor) && fromPawapayAmount(s, currency) === minor;
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("PawaPay wire parsing", () => {
  it("reads the documented v2 answers", () => {
    const found = StatusResponse.parse({
      status: "FOUND",
      data: {
        depositId: "8917c345-4791-4285-a416-62f24b6982db",
        status: "COMPLETED",
        amount: "123.00",
        currency: "ZMW",
        country: "ZMB",
        payer: { type: "MMO", accountDetails: { phoneNumber: "260763456789", provider: "MTN_MOMO_ZMB" } },
        customerMessage: "Note of 4 to 22 chars",
        created: "2020-02-21T17:32:28Z",
        providerTransactionId: "ABC123",
      },
    });
    expect(found.status === "FOUND" && found.data.status).toBe("COMPLETED");
    expect(StatusResponse.parse({ status: "NOT_FOUND" }).status).toBe("NOT_FOUND");
    const rejected = InitiateResponse.parse({
      depositId: "8917c345-4791-4285-a416-62f24b6982db",
      status: "REJECTED",
      failureReason: { failureCode: "INVALID_PHONE_NUMBER", failureMessage: "bad" },
    });
    expect(rejected.failureReason?.failureCode).toBe("INVALID_PHONE_NUMBER");
    expect(Deposit.safeParse({ depositId: "x", status: "SUBMITTED" }).success).toBe(false);
  });

  it("customerMessage keeps 4–22 plain characters; refund ids become stable v4 UUIDs", () => {
    expect(customerMessage("Order #42 — boutique Ébène & co")).toBe("Order 42 boutique b ne");
    expect(customerMessage("ab")).toBeUndefined();
    expect(customerMessage(null)).toBeUndefined();
    expect(uuidFrom("re_01ABC")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidFrom("re_01ABC")).toBe(uuidFrom("re_01ABC"));
    expect(uuidFrom("re_01ABC")).not.toBe(uuidFrom("re_01ABD"));
  });
});

// A callback signed by the sandbox key derived from "vector-secret" (RFC 9421, ecdsa-p256-sha256).
const VECTOR = {
  publicKeyPem:
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjgdKIw4k+qwV+jD7M/edyMK9YZNd\nAUf9Hqp5XoSz83qCfZrKQfXe+fYEmiqkCyQujErqYh11cKW1iMXeCBB1UQ==\n-----END PUBLIC KEY-----\n",
  body: '{"depositId":"8917c345-4791-4285-a416-62f24b6982db","status":"COMPLETED","amount":"1500","currency":"XOF","country":"CIV","payer":{"type":"MMO","accountDetails":{"phoneNumber":"2250500000000","provider":"MTN_MOMO_CIV"}},"created":"2026-01-01T00:00:00Z"}',
  headers: {
    host: "127.0.0.1:8000",
    "content-type": "application/json",
    // = base64(SHA-512(body)), checked with `openssl dgst -sha512 -binary | base64`
    "content-digest": "sha-512=:2T+/1AyJphitrRt18DxcSoxMuXjRhlcWqY7E/ACAfXHk+DHhC1g4AVAZTHGLhIVJBHeZT2e22abF5SXgp7iA+w==:",
    "signature-date": "2026-01-01T00:00:05.000Z",
    "signature-input":
      'sig-pp=("@method" "@authority" "@path" "signature-date" "content-digest" "content-type");created=1767225605;keyid="sandbox-42291e5ae21f";alg="ecdsa-p256-sha256"',
    signature: "sig-pp=:MEUCIQCgPEyfdQGgTrHT+uCrb7uUdVfoDnU5TwlNdV1otILCFAIgNpekjhkaTHin5MQqZnBt8/3XY5nOqZd1UAGZTYUH9Ds=:",
  } as Record<string, string>,
};

/** When the vector was signed (its `created` and `Signature-Date`). */
const VECTOR_NOW = new Date("2026-01-01T00:00:05.000Z");

describe("PawaPay callback signatures (RFC 9421)", () => {
  const key = createPublicKey(VECTOR.publicKeyPem);
  const check = (over: Partial<{ body: string; path: string; authority: string; headers: Record<string, string>; now: Date }> = {}) =>
    verifyMessage({
      method: "POST",
      authority: over.authority ?? "127.0.0.1:8000",
      path: over.path ?? PAWAPAY_CALLBACK_PATH,
      headers: over.headers ?? VECTOR.headers,
      body: over.body ?? VECTOR.body,
      keyFor: (id) => (id === "sandbox-42291e5ae21f" ? key : undefined),
      // The vector's own time: it was signed then (freshness is checked against `now`).
      now: over.now ?? VECTOR_NOW,
    });

  it("verifies the fixed vector", () => {
    expect(contentDigest(VECTOR.body)).toBe(VECTOR.headers["content-digest"]);
    expect(check()).toEqual({ ok: true });
    // The sandbox key is derived, not stored: the same secret gives the same public key.
    expect(sandboxSigningKey("vector-secret").publicKeyPem).toBe(VECTOR.publicKeyPem);
  });

  it("refuses a changed body, path, host, date, key or a signature not covering the digest", () => {
    expect(check({ body: VECTOR.body.replace("COMPLETED", "FAILED") }).ok).toBe(false);
    expect(check({ path: "/elsewhere" }).ok).toBe(false);
    expect(check({ authority: "evil.example" }).ok).toBe(false);
    expect(check({ headers: { ...VECTOR.headers, "signature-date": "2026-01-01T00:00:06.000Z" } }).ok).toBe(false);
    expect(
      check({ headers: { ...VECTOR.headers, "signature-input": VECTOR.headers["signature-input"]?.replace("sandbox-42291e5ae21f", "other") ?? "" } }).ok,
    ).toBe(false);
    expect(check({ headers: { ...VECTOR.headers, "signature-input": 'sig-pp=("@method");keyid="sandbox-42291e5ae21f"' } })).toEqual({
      ok: false,
      reason: "the signature does not cover the body digest",
    });
    const { signature: _dropped, ...unsigned } = VECTOR.headers;
    expect(check({ headers: unsigned }).ok).toBe(false);
  });

  it("verifies what it signs for any body, and only that body", () => {
    const k = sandboxSigningKey("another-secret");
    const pub = createPublicKey(k.publicKeyPem);
    fc.assert(
      fc.property(fc.string(), (body) => {
        const h = signMessage({ url: "http://zf.test:9/v1/webhooks/providers/pawapay", body, keyId: k.keyId, privateKey: k.privateKey, date: new Date(0) });
        const headers = { ...h, "content-type": "application/json" };
        const args = { method: "POST", authority: "zf.test:9", path: PAWAPAY_CALLBACK_PATH, headers, keyFor: () => pub, now: new Date(0) };
        return verifyMessage({ ...args, body }).ok && !verifyMessage({ ...args, body: `${body} ` }).ok;
      }),
      { seed: 3, numRuns: 60 },
    );
  });
});

describe("PawaPay parseWebhook", () => {
  // The simulator's public-key route touches no state; any store call is a bug here.
  const unusedStore: SimulatorStore = {
    get: () => Promise.reject(new Error("store not expected")),
    put: () => Promise.reject(new Error("store not expected")),
    claimDue: () => Promise.resolve([]),
  };
  let server: Server;
  let ctx: ProviderContext;
  beforeAll(async () => {
    const sim = createPawapaySimulator({
      store: unusedStore,
      confirmMs: 10,
      webhookSecret: "vector-secret",
      publicBaseUrl: () => "http://unused/sandbox/pawapay",
    });
    server = createServer(async (req, res) => {
      const out = await sim.handle({
        method: req.method ?? "GET",
        path: (req.url ?? "/").replace(/^\/sandbox\/pawapay/, ""),
        query: {},
        headers: req.headers,
        body: null,
      });
      res.writeHead(out.status, { "content-type": "application/json" }).end(JSON.stringify(out.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    ctx = { baseUrl: `http://127.0.0.1:${port}/sandbox/pawapay`, credentials: {}, livemode: false, timeoutMs: 2000, webhookSecret: "" };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // Unsigned callbacks are confirmed with a status call: covered over HTTP in
  // packages/server/test/providers/mobile-money.test.ts.
  it("accepts a signed callback, keyed by depositId and status, after fetching PawaPay's key", async () => {
    // The vector signed afresh with the same key: the adapter checks freshness against now.
    const k = sandboxSigningKey("vector-secret");
    const signed = signMessage({
      url: "http://127.0.0.1:8000/v1/webhooks/providers/pawapay",
      body: VECTOR.body,
      keyId: k.keyId,
      privateKey: k.privateKey,
      date: new Date(),
    });
    const headers = { host: "127.0.0.1:8000", "content-type": "application/json", ...signed };
    const out = await pawapayAdapter.parseWebhook(ctx, { headers, rawBody: VECTOR.body });
    expect(out).toEqual({
      kind: "event",
      eventId: "8917c345-4791-4285-a416-62f24b6982db:COMPLETED",
      providerPaymentId: "8917c345-4791-4285-a416-62f24b6982db",
      providerReference: "8917c345-4791-4285-a416-62f24b6982db",
      status: "completed",
    });
  });

  it("refuses a forged signed callback and a body that is not a deposit", async () => {
    const forged = await pawapayAdapter.parseWebhook(ctx, { headers: VECTOR.headers, rawBody: VECTOR.body.replace("1500", "9500") });
    expect(forged).toEqual({ kind: "invalid", reason: "Content-Digest does not match the body" });
    expect((await pawapayAdapter.parseWebhook(ctx, { headers: {}, rawBody: "{" })).kind).toBe("invalid");
    expect((await pawapayAdapter.parseWebhook(ctx, { headers: {}, rawBody: '{"depositId":"x"}' })).kind).toBe("invalid");
  });
});

import { createECDH, createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

/**
 * PawaPay's signed callbacks: HTTP Message Signatures (RFC 9421) with PawaPay's own
 * `Signature-Date` header, an ECDSA P-256 key (`ecdsa-p256-sha256`, DER-encoded as in
 * pawaPay/signatures-node-example) and a `Content-Digest` of the body. The verification keys
 * come from `GET /v2/public-key/http`, chosen by the `keyid` in `Signature-Input`.
 * docs.pawapay.io/v2/docs/signatures
 */

export const SIGNATURE_LABEL = "sig-pp";
export const SIGNED_COMPONENTS = ["@method", "@authority", "@path", "signature-date", "content-digest", "content-type"] as const;

export function contentDigest(body: string, alg: "sha-512" | "sha-256" = "sha-512"): string {
  return `${alg}=:${createHash(alg === "sha-512" ? "sha512" : "sha256")
    .update(body)
    .digest("base64")}:`;
}

/** The RFC 9421 §2.5 signature base: one line per covered component, then the parameters. */
export function signatureBase(components: readonly string[], values: Record<string, string>, params: string): string {
  return [...components.map((c) => `"${c}": ${values[c] ?? ""}`), `"@signature-params": ${params}`].join("\n");
}

export interface SignedHeaders {
  "content-digest": string;
  "signature-date": string;
  "signature-input": string;
  signature: string;
}

/** Signs a JSON POST to `url` as PawaPay signs its callbacks. */
export function signMessage(p: { url: string; body: string; keyId: string; privateKey: KeyObject; date: Date }): SignedHeaders {
  const u = new URL(p.url);
  const headers = {
    "content-digest": contentDigest(p.body),
    "signature-date": p.date.toISOString(),
    "content-type": "application/json",
  };
  const params = `(${SIGNED_COMPONENTS.map((c) => `"${c}"`).join(" ")});created=${Math.floor(p.date.getTime() / 1000)};keyid="${p.keyId}";alg="ecdsa-p256-sha256"`;
  const base = signatureBase(SIGNED_COMPONENTS, { "@method": "POST", "@authority": u.host, "@path": u.pathname, ...headers }, params);
  const sig = sign("sha256", Buffer.from(base), p.privateKey).toString("base64");
  return {
    "content-digest": headers["content-digest"],
    "signature-date": headers["signature-date"],
    "signature-input": `${SIGNATURE_LABEL}=${params}`,
    signature: `${SIGNATURE_LABEL}=:${sig}:`,
  };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** Reads `Signature-Input`: the covered components, the raw parameter string and the key id. */
export function parseSignatureInput(value: string): { label: string; components: string[]; params: string; keyId: string } | null {
  const m = /^\s*([A-Za-z0-9_-]+)=(\(([^)]*)\)[^,]*)/.exec(value);
  if (!m?.[1] || !m[2]) return null;
  const components = [...(m[3] ?? "").matchAll(/"([^"]+)"/g)].map((c) => c[1] ?? "");
  const keyId = /;keyid="([^"]*)"/.exec(m[2])?.[1];
  return keyId ? { label: m[1], components, params: m[2].trim(), keyId } : null;
}

/**
 * Components a PawaPay callback signature must cover: the request line (`@method`,
 * `@authority`, `@path` — so a signed message cannot be replayed to another route or host),
 * PawaPay's `Signature-Date` (so its time is signed) and the body's `Content-Digest`.
 * pawaPay/signatures-node-example signs these (plus `content-type`, `content-length`); the
 * sandbox signs them (plus `content-type`). Others covered are checked, not required.
 */
export const REQUIRED_COMPONENTS = ["@method", "@authority", "@path", "signature-date", "content-digest"] as const;

/** How old (seconds) a signed callback may be, by `created` and `Signature-Date`: a captured one replays no longer. */
export const MAX_SIGNATURE_AGE_S = 300;
/** How far ahead of our clock a signature's time may be (clock skew). */
export const MAX_SIGNATURE_SKEW_S = 60;

/** An RFC 9421 integer parameter (`created`, `expires`) of the parameter string, if present. */
function intParam(params: string, name: string): number | null | "bad" {
  const m = new RegExp(`;${name}=([^;]*)`).exec(params);
  if (!m) return null;
  return /^\d+$/.test(m[1]?.trim() ?? "") ? Number(m[1]) : "bad";
}

/**
 * Whether the signature's time is within the window around `now`: `created` (when given, as
 * RFC 9421 libraries add it) and the covered `Signature-Date` must both be at most
 * `maxAgeS` old and not more than the skew ahead; an `expires` in the past refuses it too.
 */
function fresh(params: string, signatureDate: string, now: Date, maxAgeS: number): SignatureCheck {
  const nowS = now.getTime() / 1000;
  const within = (t: number) => t >= nowS - maxAgeS && t <= nowS + MAX_SIGNATURE_SKEW_S;
  const created = intParam(params, "created");
  if (created === "bad") return { ok: false, reason: "unreadable created parameter" };
  if (created !== null && !within(created)) return { ok: false, reason: "the signature is stale (created outside the accepted window)" };
  const expires = intParam(params, "expires");
  if (expires === "bad") return { ok: false, reason: "unreadable expires parameter" };
  if (expires !== null && expires < nowS) return { ok: false, reason: "the signature has expired" };
  const dated = Date.parse(signatureDate);
  if (Number.isNaN(dated)) return { ok: false, reason: "unreadable Signature-Date" };
  if (!within(dated / 1000)) return { ok: false, reason: "the signature is stale (Signature-Date outside the accepted window)" };
  return { ok: true };
}

/**
 * Verifies a signed request received at `path` on `authority` at `now`: the signature must
 * cover REQUIRED_COMPONENTS, the digest must match the raw body, the signature's time
 * (`created`, `Signature-Date`) must be within `maxAgeS` of `now`, and the signature must
 * verify under the key named by `keyid`. Accepts DER (PawaPay's example) and raw r‖s
 * (RFC 9421) encodings.
 */
export function verifyMessage(p: {
  method: string;
  authority: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
  keyFor: (keyId: string) => KeyObject | undefined;
  /** The receiver's clock (default: now). */
  now?: Date;
  /** Freshness window in seconds (default MAX_SIGNATURE_AGE_S). */
  maxAgeS?: number;
}): SignatureCheck {
  const input = p.headers["signature-input"];
  const signature = p.headers.signature;
  const digest = p.headers["content-digest"];
  if (!input || !signature || !digest) return { ok: false, reason: "signature headers missing" };
  const parsed = parseSignatureInput(input);
  if (!parsed) return { ok: false, reason: "unreadable Signature-Input" };
  if (!parsed.components.includes("content-digest")) return { ok: false, reason: "the signature does not cover the body digest" };
  const uncovered = REQUIRED_COMPONENTS.filter((c) => !parsed.components.includes(c));
  if (uncovered.length) return { ok: false, reason: `the signature does not cover ${uncovered.join(", ")}` };
  const alg = digest.trim().startsWith("sha-256=") ? "sha-256" : "sha-512";
  if (contentDigest(p.body, alg) !== digest.trim()) return { ok: false, reason: "Content-Digest does not match the body" };
  const sigMatch = new RegExp(`(?:^|,)\\s*${parsed.label}=:([A-Za-z0-9+/=]+):`).exec(signature);
  if (!sigMatch?.[1]) return { ok: false, reason: "unreadable Signature" };
  const values: Record<string, string> = { "@method": p.method.toUpperCase(), "@authority": p.authority.toLowerCase(), "@path": p.path };
  for (const c of parsed.components) {
    if (c.startsWith("@")) continue;
    const v = p.headers[c];
    if (v === undefined) return { ok: false, reason: `covered header ${c} missing` };
    values[c] = v.trim();
  }
  const timely = fresh(parsed.params, values["signature-date"] ?? "", p.now ?? new Date(), p.maxAgeS ?? MAX_SIGNATURE_AGE_S);
  if (!timely.ok) return timely;
  const key = p.keyFor(parsed.keyId);
  if (!key) return { ok: false, reason: `unknown key ${parsed.keyId}` };
  const base = Buffer.from(signatureBase(parsed.components, values, parsed.params));
  const sig = Buffer.from(sigMatch[1], "base64");
  const good =
    verify("sha256", base, { key, dsaEncoding: "der" }, sig) || (sig.length === 64 && verify("sha256", base, { key, dsaEncoding: "ieee-p1363" }, sig));
  return good ? { ok: true } : { ok: false, reason: "signature does not verify" };
}

/**
 * The sandbox's callback key: a P-256 key derived from the simulator's secret, so it survives
 * restarts without being stored, and its public half served at `/v2/public-key/http`.
 */
export function sandboxSigningKey(secret: string): { keyId: string; privateKey: KeyObject; publicKeyPem: string } {
  const ecdh = createECDH("prime256v1");
  // HMAC output is below the curve order with overwhelming probability; setPrivateKey checks it.
  ecdh.setPrivateKey(createHmac("sha256", secret).update("pawapay-sandbox-callback-key").digest());
  const pub = ecdh.getPublicKey();
  const b64u = (b: Buffer) => b.toString("base64url");
  const jwk = { kty: "EC", crv: "P-256", d: b64u(ecdh.getPrivateKey()), x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33, 65)) };
  const privateKey = createPrivateKey({ key: jwk, format: "jwk" });
  const publicKeyPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
  const keyId = `sandbox-${createHash("sha256").update(pub).digest("hex").slice(0, 12)}`;
  return { keyId, privateKey, publicKeyPem };
}

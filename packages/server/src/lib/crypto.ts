import crypto, { createCipheriv, createDecipheriv, createHash, randomBytes, randomFillSync, randomInt, scrypt, timingSafeEqual } from "node:crypto";

/** One-shot where Node has it (20.12+): no `Hash` object per call (two per request: key and fingerprint). */
export const sha256Hex: (input: string | Buffer) => string =
  typeof crypto.hash === "function" ? (input) => crypto.hash("sha256", input, "hex") : (input) => createHash("sha256").update(input).digest("hex");

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniformly random base62 string (rejection-free: `randomInt` is unbiased). */
export function randomBase62(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += BASE62[randomInt(62)];
  return out;
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

// ---------------------------------------------------------------- passwords
// OWASP 2024: scrypt N=2^17, r=8, p=1. Each hash takes ~128 MiB and ~350 ms, so Node's
// default maxmem (32 MiB) must be raised and the number of hashes in flight bounded: with
// 20 logins at once, unbounded hashing would need 2.5 GiB.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32, maxmem: 256 * 1024 * 1024 };

class Semaphore {
  private waiting: Array<() => void> = [];
  private active = 0;
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

const hashSlots = new Semaphore(2);

function scryptAsync(password: string, salt: Buffer, params: typeof SCRYPT): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize("NFKC"), salt, params.keylen, params, (err, key) => (err ? reject(err) : resolve(key))));
}

/**
 * `scrypt$N$r$p$salt$hash` (base64url), parameters kept so they can be raised later. `logN`
 * is the app's `passwordHashLogN`: 17 except in the test suite's apps (config.ts).
 */
export function hashPassword(password: string, logN = 17): Promise<string> {
  const salt = randomBytes(16);
  const params = { ...SCRYPT, N: 2 ** logN };
  return hashSlots.run(async () => {
    const key = await scryptAsync(password, salt, params);
    return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
  });
}

/** A hash of a password nobody has, so unknown emails cost the same time as wrong passwords. */
const decoyHashes = new Map<number, Promise<string>>();
export function decoyPasswordHash(logN = 17): Promise<string> {
  const decoy = decoyHashes.get(logN) ?? hashPassword(randomToken(), logN);
  decoyHashes.set(logN, decoy);
  return decoy;
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return Promise.resolve(false);
  const expected = Buffer.from(hash, "base64url");
  const params = { N: Number(n), r: Number(r), p: Number(p), keylen: expected.length, maxmem: SCRYPT.maxmem };
  return hashSlots.run(async () => {
    const key = await scryptAsync(password, Buffer.from(salt, "base64url"), params);
    return timingSafeEqual(key, expected);
  });
}

// ---------------------------------------------------------------- credentials at rest
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
let poolAt = POOL_SIZE;

/**
 * `n` bytes from the CSPRNG, drawn 4 KiB at a time rather than one call per small buffer (ids,
 * IVs: one or more per request). Each byte is handed out once.
 */
export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_SIZE) return randomBytes(n);
  if (poolAt + n > POOL_SIZE) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + n));
  poolAt += n;
  return out;
}

/**
 * AES-256-GCM with a random 12-byte IV. The AAD binds a ciphertext to its row
 * (`app_id|provider|mode`), so it cannot be copied to another; `authTagLength: 16` on
 * decrypt, since Node otherwise accepts a truncated tag.
 */
export function encryptSecret(masterKey: Buffer, plaintext: string | Buffer, aad: string): string {
  // A random 96-bit IV per message, as GCM with one key asks.
  const iv = pooledRandomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([typeof plaintext === "string" ? cipher.update(plaintext, "utf8") : cipher.update(plaintext), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

export function decryptSecret(masterKey: Buffer, sealed: string, aad: string): string {
  return decryptSecretBytes(masterKey, sealed, aad).toString("utf8");
}

/** `decryptSecret`'s plaintext as bytes (for a sealed value that is not text). */
export function decryptSecretBytes(masterKey: Buffer, sealed: string, aad: string): Buffer {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("unreadable ciphertext");
  const decipher = createDecipheriv("aes-256-gcm", masterKey, Buffer.from(iv, "base64"), { authTagLength: 16 });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]);
}

/**
 * Web Crypto, from the global (browsers, Deno, Bun, Node 19+) or from `node:crypto` on
 * Node 18, where it is not global. Loaded lazily so bundlers for browsers never see Node's module.
 */
let cached: Promise<Crypto> | undefined;

export function webCrypto(): Promise<Crypto> {
  if (!cached) {
    const global = (globalThis as { crypto?: Crypto }).crypto;
    if (global?.subtle) cached = Promise.resolve(global);
    else {
      const nodeModule = "node:crypto";
      cached = (import(/* webpackIgnore: true */ nodeModule) as Promise<{ webcrypto: Crypto }>).then((m) => m.webcrypto);
    }
  }
  return cached;
}

/** A random v4 UUID: the SDK's idempotency keys. */
export async function randomUuid(): Promise<string> {
  const c = await webCrypto();
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

import { randomBytes } from "node:crypto";

/** Prefix of every public id, by object kind. One table, so ids never collide across kinds. */
export const ID_PREFIX = {
  account: "acct",
  user: "usr",
  session: "ses",
  app: "app",
  apiKey: "key",
  payment: "txn",
  attempt: "att",
  event: "evt",
  delivery: "del",
  refund: "re",
  checkoutSession: "cs",
  settlement: "stl",
  providerCallback: "pcb",
  request: "req",
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
let lastMs = -1;
let lastRandom = new Uint8Array(10);

/** Increments an 80-bit big-endian counter in place; returns false on overflow. */
function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const value = bytes[i] ?? 0;
    if (value < 255) {
      bytes[i] = value + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}

function encodeTime(ms: number): string {
  let out = "";
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let out = "";
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

/**
 * A prefixed, time-ordered id (a monotonic ULID): ids made later sort after earlier ones,
 * which lets list cursors be the id itself.
 * @example newId("payment", new Date()) // "txn_01JD3Y6Z8Q4T0W5X2M7N9P1R3S"
 */
export function newId(kind: IdKind, at: Date = new Date()): string {
  const ms = Math.max(at.getTime(), lastMs);
  if (ms === lastMs && increment(lastRandom)) {
    // same millisecond: keep ordering by bumping the random part
  } else {
    lastRandom = new Uint8Array(randomBytes(10));
  }
  lastMs = ms;
  return `${ID_PREFIX[kind]}_${encodeTime(ms)}${encodeRandom(lastRandom)}`;
}

/** True when `id` carries the prefix of `kind` (cheap guard before any query). */
export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIX[kind]}_`) && id.length <= 64;
}

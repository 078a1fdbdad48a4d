import { pooledRandomBytes } from "./crypto.js";

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
let lastRandom: Uint8Array = new Uint8Array(10);

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

/** Five bytes (40 bits) as eight Crockford characters; a double holds 40 bits exactly. */
function encode40(bytes: Uint8Array, from: number): string {
  const low = (((bytes[from + 1] ?? 0) << 24) | ((bytes[from + 2] ?? 0) << 16) | ((bytes[from + 3] ?? 0) << 8) | (bytes[from + 4] ?? 0)) >>> 0;
  let rest = (bytes[from] ?? 0) * 2 ** 32 + low;
  let out = "";
  for (let i = 0; i < 8; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** The 80 random bits as 16 characters, big-endian (no BigInt: ids are made on every request). */
export function encodeRandom(bytes: Uint8Array): string {
  return encode40(bytes, 0) + encode40(bytes, 5);
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
    lastRandom = pooledRandomBytes(10);
  }
  lastMs = ms;
  return `${ID_PREFIX[kind]}_${encodeTime(ms)}${encodeRandom(lastRandom)}`;
}

/** True when `id` carries the prefix of `kind` (cheap guard before any query). */
export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIX[kind]}_`) && id.length <= 64;
}

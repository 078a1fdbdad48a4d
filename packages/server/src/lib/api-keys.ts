import { randomBase62, sha256Hex } from "./crypto.js";

/**
 * API keys: `sk_test_` / `sk_live_` / `pk_test_` / `pk_live_`, then 32 random base62
 * characters and a 6-character base62 CRC-32 checksum. The checksum lets a malformed key be
 * refused before any query (and lets secret scanners recognise ours).
 */
export const API_KEY_RE = /^(sk|pk)_(test|live)_([0-9A-Za-z]{32})([0-9A-Za-z]{6})$/;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of Buffer.from(text)) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(body: string): string {
  let n = crc32(body);
  let out = "";
  for (let i = 0; i < 6; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export type KeyType = "secret" | "publishable";

export interface ParsedKey {
  type: KeyType;
  livemode: boolean;
}

export function generateApiKey(type: KeyType, livemode: boolean): { key: string; hash: string; displayPrefix: string } {
  const prefix = `${type === "secret" ? "sk" : "pk"}_${livemode ? "live" : "test"}_`;
  const random = randomBase62(32);
  const key = `${prefix}${random}${checksum(`${prefix}${random}`)}`;
  return { key, hash: sha256Hex(key), displayPrefix: `${key.slice(0, prefix.length + 4)}…${key.slice(-4)}` };
}

/** Shape and checksum only: no database. Returns null for anything that is not one of ours. */
export function parseApiKey(key: string): ParsedKey | null {
  const m = API_KEY_RE.exec(key);
  if (!m) return null;
  const [, kind, mode, random, sum] = m;
  if (checksum(`${kind}_${mode}_${random}`) !== sum) return null;
  return { type: kind === "sk" ? "secret" : "publishable", livemode: mode === "live" };
}

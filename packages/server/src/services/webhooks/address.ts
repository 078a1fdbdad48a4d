import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";

/**
 * SSRF guard for merchant webhook URLs (SPEC §7, reliability.md §3.2). Addresses are judged
 * as numbers, never as strings: WHATWG parsing already turns `2130706433`, `0x7f.1` and
 * `127.1` into `127.0.0.1`, and IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4,
 * compatible) are judged by the address they embed.
 */
export type AddressClass = "public" | "loopback" | "blocked";

/** Resolves a host name to every address it has (the DNS seam tests replace). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

type V4Range = [number, number]; // [network as uint32, prefix length]

const v4 = (dotted: string, prefix: number): V4Range => [ipv4ToInt(dotted) ?? 0, prefix];

/** Special-purpose IPv4 ranges (IANA registry) that a webhook must never reach. */
const BLOCKED_V4: V4Range[] = [
  v4("0.0.0.0", 8), // "this network", 0.0.0.0 reaches the local host
  v4("10.0.0.0", 8),
  v4("100.64.0.0", 10), // CGNAT (and Alibaba's metadata at 100.100.100.200)
  v4("169.254.0.0", 16), // link-local, cloud metadata 169.254.169.254
  v4("172.16.0.0", 12),
  v4("192.0.0.0", 24),
  v4("192.0.2.0", 24),
  v4("192.88.99.0", 24),
  v4("192.168.0.0", 16),
  v4("198.18.0.0", 15),
  v4("198.51.100.0", 24),
  v4("203.0.113.0", 24),
  v4("224.0.0.0", 4), // multicast
  v4("240.0.0.0", 4), // reserved and broadcast
];

export function ipv4ToInt(dotted: string): number | null {
  const parts = dotted.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

const inV4 = (ip: number, [net, prefix]: V4Range) => prefix === 0 || Math.floor(ip / 2 ** (32 - prefix)) === Math.floor(net / 2 ** (32 - prefix));

function classifyV4(ip: number): AddressClass {
  if (Math.floor(ip / 2 ** 24) === 127) return "loopback";
  return BLOCKED_V4.some((r) => inV4(ip, r)) ? "blocked" : "public";
}

/** Eight 16-bit groups, or null when `text` is not IPv6. Accepts `::` and a dotted tail. */
export function parseIpv6(text: string): number[] | null {
  let s = text.replace(/^\[|\]$/g, "").toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted?.[1]) {
    const n = ipv4ToInt(dotted[1]);
    if (n === null) return null;
    tail = [Math.floor(n / 65536), n % 65536];
    s = s.slice(0, -dotted[1].length);
    if (s.endsWith(":") && !s.endsWith("::")) s = s.slice(0, -1);
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const read = (part: string | undefined) => (part ? part.split(":").map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16) : Number.NaN)) : []);
  const head = read(halves[0]);
  const rest = read(halves[1]);
  if ([...head, ...rest].some(Number.isNaN)) return null;
  const total = head.length + rest.length + tail.length;
  if (halves.length === 1) return total === 8 ? [...head, ...tail] : null;
  if (total > 7) return null;
  return [...head, ...new Array(8 - total).fill(0), ...rest, ...tail];
}

const embeddedV4 = (hi: number, lo: number) => hi * 65536 + lo;

function classifyV6(g: number[]): AddressClass {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h1 = 0, h2 = 0] = g;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(7) && h2 === 1) return "loopback"; // ::1
  if (zeroTo(8)) return "blocked"; // ::
  if (zeroTo(5) && f === 0xffff) return classifyV4(embeddedV4(h1, h2)); // ::ffff:a.b.c.d
  if (zeroTo(6)) return classifyV4(embeddedV4(h1, h2)); // ::a.b.c.d (deprecated compatible)
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyV4(embeddedV4(h1, h2)); // NAT64
  if (a === 0x2002) return classifyV4(embeddedV4(b, c)); // 6to4
  if (a === 0x64 && b === 0xff9b) return "blocked"; // local-use NAT64
  if (a === 0x100 && zeroTo(4)) return "blocked"; // discard-only
  if (a === 0x2001 && b < 0x200) return "blocked"; // IETF protocol assignments, Teredo
  if (a === 0x2001 && b === 0xdb8) return "blocked"; // documentation
  if ((a & 0xe000) !== 0x2000) return "blocked"; // outside global unicast: ULA fc00::/7, fe80::/10, ff00::/8, …
  return "public";
}

/** The class of an IP literal (v4 or v6, brackets allowed), or null when it is not one. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.replace(/^\[|\]$/g, "");
  const kind = isIP(bare.split("%")[0] ?? "");
  if (kind === 4) {
    const n = ipv4ToInt(bare);
    return n === null ? "blocked" : classifyV4(n);
  }
  if (kind === 6) {
    const groups = parseIpv6(bare);
    return groups ? classifyV6(groups) : "blocked";
  }
  return null;
}

/** True when an address of this class may be dialled: public always, loopback in test mode. */
export const addressAllowed = (cls: AddressClass, livemode: boolean) => cls === "public" || (cls === "loopback" && !livemode);

export class BlockedAddressError extends Error {
  readonly code = "blocked_address";
}

import type { LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { addressAllowed, BlockedAddressError, classifyAddress, type Resolver } from "./address.js";

export interface PostResult {
  statusCode: number | null;
  /** First 1,000 characters of the answer. */
  responseBody: string | null;
  /** Seconds asked by `Retry-After`, when the answer carried one. */
  retryAfterS: number | null;
  durationMs: number;
  /** `timeout`, `blocked_address: …`, `connection: …` when there was no usable answer. */
  error: string | null;
}

const RESPONSE_CHARS = 1000;

/** `Retry-After` as seconds (delta or HTTP date), or null. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - nowMs) / 1000));
}

/**
 * A `lookup` for the socket that resolves through the injected resolver and refuses any
 * answer outside the allowed ranges: the check runs on the address actually dialled, so a
 * name that resolved to a public address when saved and to 127.0.0.1 now is blocked
 * (DNS rebinding). One bad address refuses the whole answer.
 */
export function guardedLookup(resolve: Resolver, livemode: boolean): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (addresses) => {
        const bad = addresses.find((a) => !addressAllowed(classifyAddress(a.address) ?? "blocked", livemode));
        if (bad || addresses.length === 0) {
          callback(new BlockedAddressError(`blocked_address: ${hostname} resolves to a refused address`));
          return;
        }
        if (options?.all) callback(null, addresses as LookupAddress[]);
        else callback(null, addresses[0]?.address, addresses[0]?.family);
      },
      (err: Error) => callback(err),
    );
  }) as unknown as LookupFunction;
}

export interface PostInput {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  livemode: boolean;
  resolve: Resolver;
  agents: { http: http.Agent; https: https.Agent };
}

/**
 * One delivery attempt: the body sent whole with `Content-Length`, no redirect followed (a
 * 3xx is an answer like any other), one deadline for connect + answer.
 */
export function postWebhook(input: PostInput): Promise<PostResult> {
  const started = performance.now();
  const done = (r: Omit<PostResult, "durationMs">): PostResult => ({ ...r, durationMs: Math.round(performance.now() - started) });
  const url = new URL(input.url);
  const literal = classifyAddress(url.hostname);
  if (literal && !addressAllowed(literal, input.livemode)) {
    return Promise.resolve(done({ statusCode: null, responseBody: null, retryAfterS: null, error: `blocked_address: ${url.hostname} is a refused address` }));
  }
  const secure = url.protocol === "https:";
  return new Promise((resolvePost) => {
    let settled = false;
    const finish = (r: Omit<PostResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolvePost(done(r));
    };
    const req = (secure ? https : http).request(
      url,
      {
        method: "POST",
        agent: secure ? input.agents.https : input.agents.http,
        headers: { ...input.headers, "content-length": String(Buffer.byteLength(input.body)) },
        lookup: guardedLookup(input.resolve, input.livemode),
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (text.length < RESPONSE_CHARS) text += chunk;
        });
        const complete = () =>
          finish({
            statusCode: res.statusCode ?? null,
            responseBody: text.slice(0, RESPONSE_CHARS),
            retryAfterS: parseRetryAfter(res.headers["retry-after"], Date.now()),
            error: null,
          });
        res.on("end", complete);
        res.on("error", complete);
      },
    );
    const timer = setTimeout(() => {
      finish({ statusCode: null, responseBody: null, retryAfterS: null, error: `timeout: no answer within ${input.timeoutMs} ms` });
      req.destroy();
    }, input.timeoutMs);
    req.on("error", (err: NodeJS.ErrnoException) => {
      const blocked = err instanceof BlockedAddressError || err.code === "blocked_address";
      finish({ statusCode: null, responseBody: null, retryAfterS: null, error: blocked ? err.message : `connection: ${err.code ?? err.message}` });
    });
    // A string body goes out in one write with the head (a Buffer would be a second chunk).
    req.end(input.body);
  });
}

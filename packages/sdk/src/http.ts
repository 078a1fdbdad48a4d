import { randomUuid } from "./crypto.js";
import { APIConnectionError, APIError, AuthenticationError, errorFromResponse, InvalidRequestError, type ZeroFeeError } from "./errors.js";
import { VERSION } from "./version.js";

export interface ClientOptions {
  /** Where ZeroFee answers; default `http://127.0.0.1:8000`. */
  baseUrl?: string;
  /** Per attempt; default 30 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt; default 2. */
  maxRetries?: number;
  /** Another `fetch` (tests, proxies, old runtimes); default the global one. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  /** Sent as `Idempotency-Key`; a create without one gets a fresh UUID, reused by every retry. */
  idempotencyKey?: string;
}

export interface Envelope<T> {
  data: T;
  has_more?: boolean;
  next_cursor?: string | null;
}

type Query = Record<string, string | number | boolean | undefined | null>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Seconds or an HTTP date, as milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter between half and all of 0.5 s × 2^n (at most 8 s); `Retry-After` wins when longer (at most 60 s). */
export function backoffMs(attempt: number, retryAfter: number | undefined): number {
  const base = Math.min(8000, 500 * 2 ** attempt);
  const jittered = base / 2 + Math.random() * (base / 2);
  return retryAfter === undefined ? jittered : Math.min(60_000, Math.max(retryAfter, jittered));
}

/** The first character an HTTP header cannot carry as ZeroFee reads it (visible ASCII only), described, or null. */
function firstInvisible(value: string): string | null {
  const at = [...value].findIndex((c) => !/^[\x21-\x7e]$/.test(c));
  if (at < 0) return null;
  const c = [...value][at] as string;
  const code = `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
  const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(c) ? `"${c}" (${code})` : code === "U+0020" ? "a space" : code;
  return `${shown} at position ${at + 1}`;
}

/**
 * The API key as it will be sent: surrounding whitespace dropped (a key read from a file),
 * otherwise visible ASCII only — else an `AuthenticationError` now, since no request could
 * carry it (a placeholder's "…" pasted from a README, say). Never quotes the key.
 */
export function checkApiKey(key: string): string {
  const trimmed = typeof key === "string" ? key.trim() : "";
  if (!trimmed) throw new AuthenticationError("zerofee: an API key is required (sk_test_…, sk_live_… or pk_…).", { code: "invalid_api_key" });
  const bad = firstInvisible(trimmed);
  if (bad) {
    throw new AuthenticationError(
      `zerofee: the API key has ${bad}, which an HTTP header cannot carry: it is not a ZeroFee key (those are letters, digits and "_"). Copy the whole key from the dashboard rather than a placeholder such as "sk_test_…". Nothing was sent.`,
      { code: "invalid_api_key" },
    );
  }
  return trimmed;
}

/**
 * The base URL as requests will use it: an http(s) address with a host and no query — else a
 * `TypeError` now ("127.0.0.1:8000" without its scheme used to read as a network failure).
 */
export function checkBaseUrl(raw: string): string {
  const base = String(raw).trim().replace(/\/+$/, "");
  let url: URL | null = null;
  try {
    url = new URL(base);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host || url.search || url.hash) {
    throw new TypeError(`zerofee: baseUrl must be an http(s) address such as https://pay.example.com or http://127.0.0.1:8000 (got "${base}").`);
  }
  return base;
}

/**
 * An Idempotency-Key as ZeroFee takes it (1 to 255 visible ASCII characters: no spaces,
 * accents or line breaks), surrounding whitespace dropped — else an `InvalidRequestError`
 * now, before anything is sent.
 */
export function checkIdempotencyKey(key: string): string {
  const trimmed = typeof key === "string" ? key.trim() : "";
  const bad = trimmed ? firstInvisible(trimmed) : null;
  if (!trimmed || trimmed.length > 255 || bad) {
    const why = !trimmed ? "it is empty" : bad ? `it has ${bad}` : `it has ${trimmed.length} characters`;
    throw new InvalidRequestError(
      `zerofee: idempotencyKey must be 1 to 255 visible ASCII characters (letters, digits, punctuation; no spaces, accents or line breaks), and ${why}. Derive it from your order's id, e.g. "order-1001". Nothing was sent.`,
      { code: "invalid_idempotency_key", param: "idempotencyKey" },
    );
  }
  return trimmed;
}

function retryable(status: number, code: string | undefined): boolean {
  return status === 429 || status >= 500 || (status === 409 && code === "idempotency_key_in_use");
}

/** The transport: JSON over `fetch`, the key in `Authorization`, retries with the same idempotency key. */
export class HttpClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly #key: string;
  readonly #fetch: typeof fetch;

  constructor(key: string, options: ClientOptions = {}) {
    this.#key = checkApiKey(key);
    this.baseUrl = checkBaseUrl(options.baseUrl ?? "http://127.0.0.1:8000");
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 2;
    const f = options.fetch ?? (globalThis as { fetch?: typeof fetch }).fetch;
    if (!f) throw new Error("zerofee: no global fetch; pass options.fetch");
    this.#fetch = f;
  }

  async request<T>(method: string, path: string, opts: { body?: unknown; query?: Query; idempotencyKey?: string } = {}): Promise<Envelope<T>> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { authorization: `Bearer ${this.#key}`, accept: "application/json" };
    // Not from a web page: there a User-Agent header is either dropped or, where browsers send it,
    // turns every call into a CORS preflight that ZeroFee's publishable-key routes do not allow.
    if (typeof (globalThis as { document?: unknown }).document === "undefined") headers["user-agent"] = `zerofee-node/${VERSION}`;
    // Checked here, not left to `fetch`: a header it cannot send is a TypeError that would
    // read as a lost connection ("may have been carried out") after a second of retries.
    const idempotencyKey = method === "POST" ? (opts.idempotencyKey !== undefined ? checkIdempotencyKey(opts.idempotencyKey) : await randomUuid()) : undefined;
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      let text: string;
      try {
        // No redirect is followed: it would take the secret key to another address (or, after a
        // 301/302, turn a POST into a GET that "succeeds").
        res = await this.#fetch(url, { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(this.timeoutMs) });
        text = await res.text();
      } catch (cause) {
        if (attempt < this.maxRetries) {
          await sleep(backoffMs(attempt, undefined));
          continue;
        }
        const where = `ZeroFee at ${this.baseUrl} (${method} ${url.pathname}): ${(cause as Error).message}`;
        // Without an answer a POST may still have been carried out: only its key resumes it.
        const err = idempotencyKey
          ? new APIConnectionError(
              `No answer from ${where}. The request may have been carried out: retry with idempotencyKey "${idempotencyKey}" to resume it rather than make a second one.`,
              { idempotencyKey },
            )
          : new APIConnectionError(`Could not reach ${where}`);
        (err as { cause?: unknown }).cause = cause;
        throw err;
      }
      let parsed: unknown = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        parsed = null;
      }
      if (res.ok && parsed && typeof parsed === "object" && "data" in parsed) return parsed as Envelope<T>;
      const requestId = res.headers.get("x-request-id") ?? undefined;
      if (res.type === "opaqueredirect" || (res.status >= 300 && res.status < 400)) {
        throw new APIError(
          `ZeroFee answered a redirect (HTTP ${res.status} to ${res.headers.get("location")}), which the SDK does not follow: the secret key is sent to baseUrl only. Check baseUrl (https, host, path).`,
          { statusCode: res.status, requestId, idempotencyKey },
        );
      }
      const error: ZeroFeeError = errorFromResponse(res.status, parsed, requestId);
      error.idempotencyKey = idempotencyKey;
      if (attempt < this.maxRetries && retryable(res.status, error.code)) {
        await sleep(backoffMs(attempt, retryAfterMs(res.headers.get("retry-after"))));
        continue;
      }
      throw error;
    }
  }
}

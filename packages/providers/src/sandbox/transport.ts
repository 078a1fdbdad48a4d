import type { SimRequest, SimResponse, Simulator } from "../contract.js";

/** A `fetch`-compatible function: what adapters send their provider calls through. */
export type Transport = ((input: string | URL | Request, init?: RequestInit) => Promise<Response>) & {
  /**
   * The same exchange without `Request`/`Response` objects, for a request whose body is text
   * and whose headers are a plain object (what every adapter sends); null when this transport
   * does not serve `url` or the request needs the full path. Same bytes in and out. A
   * `timeoutMs` is the deadline `AbortSignal.timeout` would set, without making one per call.
   */
  exchange?: (url: string, init: RequestInit, timeoutMs?: number) => Promise<EncodedResponse> | null;
};

export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * A simulator's answer to one request; a simulator that throws midway (its database write
 * may have committed) answers like a provider's unexpected 500, "outcome unknown" — never the
 * documented 503 "not processed", which would let routing initiate the payment a second time.
 */
export async function handleSafely(sim: Simulator, req: SimRequest): Promise<SimResponse> {
  try {
    return await sim.handle(req);
  } catch {
    return { status: 500, body: { error: "INTERNAL_ERROR", message: "sandbox failure; the request may have been processed" } };
  }
}

/** A simulator's response as the HTTP host writes it: JSON unless the body is already text. */
export function encodeSimResponse(res: SimResponse): EncodedResponse {
  const headers = { ...res.headers };
  if (res.body === undefined || typeof res.body === "string") return { status: res.status, headers, body: res.body };
  return { status: res.status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(res.body) };
}

/** Decodes a request body the way ZeroFee's HTTP host does: JSON, or a urlencoded form. */
function decodeBody(contentType: string, text: string): unknown {
  if (text.length === 0) return undefined;
  if (/^application\/(.+\+)?json/.test(contentType)) return JSON.parse(text);
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
    return out;
  }
  return text;
}

/**
 * `work`, or the rejection `AbortSignal.timeout(ms)` would give if it takes longer; like that
 * signal's, the timer does not keep the process alive.
 */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException("The operation was aborted due to timeout", "TimeoutError")), ms).unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const aborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });

/**
 * A `fetch` that hands requests below `base()` to `sim` in this process (no socket, no HTTP
 * server hooks) and sends any other URL through the global `fetch`. The request is a real
 * `Request` (method, headers, body as the adapter wrote them) and the answer a real
 * `Response`; the abort signal is honoured as a deadline, like a socket's.
 */
export function inProcessTransport(sim: Simulator, base: () => string): Transport {
  const served = (url: string) => {
    const root = base().replace(/\/+$/, "");
    return url === root || url.startsWith(`${root}/`) || url.startsWith(`${root}?`) ? root : null;
  };
  const exchange = async (
    root: string,
    method: string,
    href: string,
    headers: Record<string, string>,
    text: string,
    signal?: AbortSignal | null,
    timeoutMs?: number,
  ) => {
    const url = new URL(href);
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const body = decodeBody(headers["content-type"] ?? "", text);
    const path = url.pathname.slice(new URL(root).pathname.length) || "/";
    const handled = handleSafely(sim, { method, path: path.startsWith("/") ? path : `/${path}`, query, headers, body });
    const answered = signal ? Promise.race([handled, aborted(signal)]) : handled;
    return encodeSimResponse(await (timeoutMs === undefined ? answered : withDeadline(answered, timeoutMs)));
  };
  const transport: Transport = async (input, init) => {
    const request = new Request(input, init);
    const root = served(request.url);
    if (!root) return fetch(request);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const res = await exchange(root, request.method, request.url, headers, await request.text(), init?.signal);
    return new Response(res.body ?? null, { status: res.status, headers: res.headers });
  };
  transport.exchange = (url, init, timeoutMs) => {
    const root = served(url);
    const raw = init.headers;
    if (!root || (init.body !== undefined && init.body !== null && typeof init.body !== "string")) return null;
    if (raw !== undefined && (Array.isArray(raw) || raw instanceof Headers)) return null;
    // Header names as a `Request` gives them: lower-case; the URL as `new URL` normalises it.
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((raw ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = String(v).trim();
    if (typeof init.body === "string" && !headers["content-type"]) headers["content-type"] = "text/plain;charset=UTF-8";
    return exchange(root, (init.method ?? "GET").toUpperCase(), new URL(url).href, headers, init.body ?? "", init.signal, timeoutMs);
  };
  return transport;
}

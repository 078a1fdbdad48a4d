import { t } from "./i18n";

/** The API's error envelope, carried to the page that shows its message. */
export class ApiFailure extends Error {
  /** Set by a page that knows more than the envelope says (errors.ts shows it instead). */
  localized?: () => string;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/**
 * 401 answers that say nothing about the session: the credentials a form sent were wrong (a
 * wrong password at sign-in or as the current password in Settings). Any other 401 means the
 * session cookie no longer opens anything.
 */
const NOT_THE_SESSION = new Set(["invalid_credentials"]);

export interface ListPage<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}

export type Query = Record<string, string | number | undefined | null>;

export interface CallOptions {
  body?: unknown;
  query?: Query;
  /** App-scoped user routes: `X-App-Id` and `X-ZeroFee-Mode` (SPEC §4). */
  scope?: { app: string | null; mode: "test" | "live" };
  /** Sent as `Idempotency-Key`: a retry with the same key is replayed, never acted on twice. */
  key?: string;
}

let onSignedOut: () => void = () => {};
/** Called when a request answers 401 because the session has ended. */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Same-origin JSON to the public API with the httpOnly session cookie (never a stored token).
 * A same-origin fetch carries `Sec-Fetch-Site: same-origin` and `Origin`, which the server's
 * cross-site rule for cookie requests (SPEC §16) admits.
 */
async function raw(method: string, path: string, o: CallOptions = {}): Promise<{ body: Record<string, unknown> }> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (o.body !== undefined) headers["content-type"] = "application/json";
  if (o.key) headers["idempotency-key"] = o.key;
  if (o.scope) {
    headers["x-zerofee-mode"] = o.scope.mode;
    if (o.scope.app) headers["x-app-id"] = o.scope.app;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, o.query), {
      method,
      headers,
      credentials: "same-origin",
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  } catch {
    throw new ApiFailure(0, "network_error", t("error.network"));
  }
  let body: Record<string, unknown> = {};
  try {
    body = (await res.json()) as Record<string, unknown>;
  } catch {
    body = {};
  }
  if (!res.ok || body.success !== true) {
    const error = (body.error ?? {}) as { code?: string; message?: string; param?: string };
    const failure = new ApiFailure(res.status, error.code ?? "http_error", error.message ?? `${t("error.generic")} (HTTP ${res.status})`, error.param);
    if (res.status === 401 && !NOT_THE_SESSION.has(failure.code)) onSignedOut();
    throw failure;
  }
  return { body };
}

export async function call<T>(method: string, path: string, o?: CallOptions): Promise<T> {
  return (await raw(method, path, o)).body.data as T;
}

export async function list<T>(path: string, o?: CallOptions): Promise<ListPage<T>> {
  const { body } = await raw("GET", path, o);
  return { data: body.data as T[], has_more: Boolean(body.has_more), next_cursor: (body.next_cursor as string | null) ?? null };
}

/**
 * Every row of a list route, following `next_cursor` (100 a page): for the short lists a page
 * shows whole (apps, keys, an event's deliveries, providers), which the API pages like any list.
 */
export async function listAll<T>(path: string, o: CallOptions = {}): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await list<T>(path, { ...o, query: { ...o.query, limit: 100, cursor } });
    rows.push(...page.data);
    if (!page.has_more || !page.next_cursor) return rows;
    cursor = page.next_cursor;
  }
}

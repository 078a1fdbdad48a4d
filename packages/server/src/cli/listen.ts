import { newId } from "../lib/ids.js";
import { signedHeaders } from "../services/webhooks/sign.js";

export interface ListenOptions {
  apiUrl: string;
  apiKey: string;
  forwardTo: string;
  /** Only these types (all when empty). */
  events: string[];
  out: (line: string) => void;
  signal?: AbortSignal;
}

interface Payload {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

interface Batch {
  secret: string;
  server_time: string;
  events: Payload[];
}

/** Events of one instant may commit out of order: each poll looks back this far, and dedupes. */
const LOOKBACK_MS = 5_000;
const SEEN_MAX = 10_000;

const stamp = () => new Date().toISOString().slice(11, 19);

async function poll(o: ListenOptions, since: string | null, known: number, wait: number): Promise<Batch> {
  const q = new URLSearchParams({ wait: String(wait), known: String(known), ...(since ? { since } : {}) });
  // One signal per poll, unhooked after: fetch would otherwise leave a listener on the
  // long-lived one for every poll.
  const each = new AbortController();
  const stop = () => each.abort();
  o.signal?.addEventListener("abort", stop, { once: true });
  try {
    const res = await fetch(`${o.apiUrl.replace(/\/+$/, "")}/v1/events/listen?${q}`, {
      headers: { authorization: `Bearer ${o.apiKey}` },
      signal: each.signal,
    });
    const body = (await res.json()) as { success: boolean; data?: Batch; error?: { message: string } };
    if (!res.ok || !body.data) throw new ListenError(body.error?.message ?? `HTTP ${res.status}`, res.status);
    return body.data;
  } finally {
    o.signal?.removeEventListener("abort", stop);
  }
}

export class ListenError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Signs one event like a real delivery (with the listen secret) and POSTs it to the local URL. */
async function forward(o: ListenOptions, secret: string, e: Payload): Promise<void> {
  const body = JSON.stringify(e);
  const deliveryId = newId("delivery");
  const headers = signedHeaders({ secrets: [secret], eventId: e.id, eventType: e.type, deliveryId, t: Math.floor(Date.now() / 1000), body });
  o.out(`${stamp()}   --> ${e.type} [${e.id}]`);
  try {
    const res = await fetch(o.forwardTo, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    o.out(`${stamp()}  <--  [${res.status}] POST ${o.forwardTo} [${e.id}]`);
  } catch (err) {
    o.out(`${stamp()}  <--  [ERR] POST ${o.forwardTo} [${e.id}]: ${(err as Error).message}`);
  }
}

/**
 * `zerofee listen --forward-to URL`: streams an app's test-mode events (long poll on
 * `GET /v1/events/listen`) to a local server, signed with a secret that stays the same between
 * runs, and prints each with the local server's answer — like `stripe listen`.
 */
export async function listen(o: ListenOptions): Promise<void> {
  const first = await poll(o, null, 0, 0);
  const secret = first.secret;
  o.out(`Ready! Your webhook signing secret is ${secret}`);
  o.out(`Forwarding test-mode events to ${o.forwardTo}${o.events.length ? ` (${o.events.join(", ")})` : ""}. Ctrl-C to stop.`);
  let since = first.server_time;
  /** Event id → created_at (ms) of what was forwarded, to drop repeats and count `known`. */
  const seen = new Map<string, number>();
  while (!o.signal?.aborted) {
    let batch: Batch;
    try {
      const from = new Date(since).getTime();
      let known = 0;
      for (const at of seen.values()) if (at >= from) known++;
      batch = await poll(o, since, Math.min(known, 1000), 25);
    } catch (err) {
      if (o.signal?.aborted) return;
      if (err instanceof ListenError && (err.status === 401 || err.status === 403 || err.status === 400)) throw err;
      o.out(`${stamp()}  ZeroFee unreachable (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, 2_000));
      continue;
    }
    for (const e of batch.events) {
      if (seen.has(e.id)) continue;
      seen.set(e.id, new Date(e.created_at).getTime());
      if (seen.size > SEEN_MAX) seen.delete(seen.keys().next().value as string);
      if (o.events.length === 0 || o.events.includes(e.type)) await forward(o, secret, e);
    }
    const newest = batch.events.at(-1)?.created_at;
    if (newest) since = new Date(Math.max(new Date(since).getTime(), new Date(newest).getTime() - LOOKBACK_MS)).toISOString();
  }
}

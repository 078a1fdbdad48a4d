import { createHmac } from "node:crypto";
import { and, asc, eq, gte } from "drizzle-orm";
import { events } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";
import { type EventPayload, eventPayload } from "./payload.js";
import { untilEventsWritten } from "./wake.js";

/**
 * The secret `zerofee listen` signs forwarded requests with: derived from the master key and
 * the app, so it stays the same between runs (like `stripe listen`) and is not the endpoint's.
 */
export const listenSecret = (ctx: ServiceContext, appId: string): string =>
  `whsec_${createHmac("sha256", ctx.config.masterKey).update(`listen|${appId}`).digest().subarray(0, 32).toString("base64")}`;

const BATCH = 100;

/**
 * Long poll: the app's test-mode events created at or after `since`, oldest first, waiting up
 * to `waitMs` until there are more than `known` of them. Events of one instant may commit out
 * of id order, so callers ask again from a little before the newest they saw, say how many of
 * that window they already hold (`known`: the poll waits instead of answering with those
 * again at once), and drop the ids they have.
 */
export async function pollEvents({
  ctx,
  scope,
  since,
  known = 0,
  waitMs,
  signal,
}: {
  ctx: ServiceContext;
  scope: Scope;
  since: Date;
  /** Events at or after `since` the caller already holds. */
  known?: number;
  waitMs: number;
  /** Ends the wait early (the server is shutting down). */
  signal?: AbortSignal;
}): Promise<EventPayload[]> {
  const deadline = Date.now() + waitMs;
  const read = () =>
    ctx.db
      .select()
      .from(events)
      .where(and(eq(events.appId, scope.appId), eq(events.livemode, scope.livemode), gte(events.createdAt, since)))
      .orderBy(asc(events.createdAt), asc(events.id))
      .limit(known + BATCH);
  for (;;) {
    const rows = await read();
    const left = deadline - Date.now();
    if (rows.length > known || left <= 0 || signal?.aborted) return rows.map(eventPayload);
    await untilEventsWritten(Math.min(left, 500), { signal });
  }
}

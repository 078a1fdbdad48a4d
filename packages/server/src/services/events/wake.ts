import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";

/** The PostgreSQL channel `recordEvent` notifies in the writing transaction (delivered at commit). */
export const EVENTS_CHANNEL = "zerofee_events";

/** Wakes every process's workers after jobs were queued again (resend, recovery). */
export async function notifyEventsQueued(db: Db): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
}

/**
 * In-process fan-out of "events were written or queued again", so delivery workers and
 * `listen` streams wake at once instead of at their next poll. Fed only by the app's LISTEN
 * on EVENTS_CHANNEL, so every process hears every commit the same way. A hint only: workers
 * also poll, for retries coming due and in case a notification was missed.
 */
const emitter = new EventEmitter();
emitter.setMaxListeners(0);
let pending = false;

/** Coalesces every write of one tick into one wake-up. */
export function signalEventsWritten(): void {
  if (pending) return;
  pending = true;
  setImmediate(() => {
    pending = false;
    emitter.emit("written");
  });
}

export function onEventsWritten(listener: () => void): () => void {
  emitter.on("written", listener);
  return () => emitter.off("written", listener);
}

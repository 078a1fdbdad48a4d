import { EventEmitter } from "node:events";
import { sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.js";

/** The PostgreSQL channel that wakes every process's workers after events were written or queued again. */
export const EVENTS_CHANNEL = "zerofee_events";

/** Wakes every process's workers after jobs were queued again (resend, recovery). */
export async function notifyEventsQueued(db: Db): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, '')`);
}

/**
 * In-process fan-out of "events were written or queued again", so delivery workers and
 * `listen` streams wake at once instead of at their next poll. Fed by this process's own
 * commits (`eventsCommitted`) and by the app's LISTEN on EVENTS_CHANNEL (other processes'). A
 * hint only: workers also poll, for retries coming due and in case a notification was missed.
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

/**
 * Resolves after `ms`, or `settleMs` after events are next written (by this process or, through
 * LISTEN, another), or when `signal` aborts: a wait that a commit of interest ends early. The
 * caller re-reads what it waits for; the wake is only a hint.
 */
export function untilEventsWritten(ms: number, { signal, settleMs = 20 }: { signal?: AbortSignal; settleMs?: number } = {}): Promise<void> {
  return new Promise<void>((resolve) => {
    let settle: NodeJS.Timeout | undefined;
    const timer = setTimeout(done, ms);
    const off = onEventsWritten(() => {
      settle ??= setTimeout(done, settleMs);
    });
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      clearTimeout(settle);
      off();
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** Transactions that wrote an event (`recordEvent`), woken for when they commit. */
const wroteEvents = new WeakSet<object>();

/** Marks `tx` as having written an event: its commit wakes the workers. */
export function eventsWrittenIn(tx: Tx): void {
  wroteEvents.add(tx);
}

/** True once per transaction that wrote an event (`withTransaction` asks after the commit). */
export function takeEventsWritten(tx: Tx): boolean {
  return wroteEvents.delete(tx);
}

/** Per database: a `pg_notify` in flight, and whether another is owed after it. */
const notifying = new WeakMap<Db, { again: boolean }>();

/**
 * After a commit that wrote events: wakes this process's workers at once, and other processes'
 * through one `pg_notify` sent outside the payment's transaction — never inside it, where
 * PostgreSQL's commit-time notify lock would serialise every payment commit. Commits that
 * come while one notify is in flight share the next one. A failed notify is only logged away:
 * workers poll anyway.
 */
export function eventsCommitted(db: Db): void {
  signalEventsWritten();
  const inFlight = notifying.get(db);
  if (inFlight) {
    inFlight.again = true;
    return;
  }
  const state = { again: false };
  notifying.set(db, state);
  const run = (): void => {
    notifyEventsQueued(db)
      .catch(() => {})
      .finally(() => {
        if (state.again) {
          state.again = false;
          run();
        } else notifying.delete(db);
      });
  };
  setImmediate(run);
}

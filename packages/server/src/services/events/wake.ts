import { EventEmitter } from "node:events";

/** The PostgreSQL channel `recordEvent` notifies in the writing transaction (delivered at commit). */
export const EVENTS_CHANNEL = "zerofee_events";

/**
 * In-process fan-out of "events were written or queued again", so delivery workers and
 * `listen` streams wake at once instead of at their next poll. Fed by the app's LISTEN on
 * EVENTS_CHANNEL (any process's commits) and by resend and recovery here. A hint only:
 * workers also poll, for retries coming due and in case a notification was missed.
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

import { EventEmitter } from "node:events";

/**
 * In-process hint that events were written, so delivery workers and `listen` streams wake
 * at once instead of at their next poll. A hint only: it may fire before the writing
 * transaction commits (listeners retry briefly), and other processes rely on polling.
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

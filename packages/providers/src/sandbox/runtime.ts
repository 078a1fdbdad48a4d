import type { SimRequest, SimResponse, Simulator, SimulatorControl, SimulatorOptions, SimulatorStore } from "../contract.js";
import { sleep } from "./http.js";

/**
 * The plumbing every simulator shares, generic on purpose (provider wire formats stay in each
 * provider's folder): the `_control` switches (SPEC §14), injected latency, timers that wake
 * `tick()` when a stored record falls due, and callbacks queued on the record (`Outbox`),
 * delivered with retries by `deliverDue` without undoing a change made while one was in flight.
 * State stays in the store; timers are only a wake-up call (the host also sweeps on its own
 * timer and at start).
 *
 * The store has no compare-and-set, so a simulator's read-modify-write sections are made
 * exclusive in-process. By default a request is handled under the runtime's one lock (released
 * while the injected latency sleeps), and `deliverDue` takes it to read and save a record,
 * never while a callback is in flight (the receiver may call the simulator back). A simulator
 * that declares `locking: "record"` locks one record at a time instead (`rt.lockFor(key)`,
 * `deliverDue`'s `lockFor`) and creates with `rt.insert` (one insert-if-absent): requests on
 * different records then run side by side (docs/scaling.md).
 */

/** Runs async sections one at a time; `pause` lets others run while the holder waits. */
export function createLock() {
  let held = false;
  const waiters: Array<() => void> = [];
  const acquire = async () => {
    if (!held) {
      held = true;
      return;
    }
    await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const release = () => {
    const next = waiters.shift();
    if (next) next();
    else held = false;
  };
  return {
    async exclusive<T>(fn: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
    /** Inside `exclusive`: lets the others run while `wait` is pending, then takes the lock back. */
    async pause(wait: Promise<unknown>): Promise<void> {
      release();
      try {
        await wait;
      } finally {
        await acquire();
      }
    },
  };
}

/** Runs `fn` alone (see `createLock`); the default runs it as is. */
export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * One lock per key (a record's store id): sections on the same key run one at a time, in
 * arrival order; sections on different keys do not wait for each other. A key with nobody
 * holding or waiting takes no memory.
 */
export function createRecordLocks() {
  const tails = new Map<string, Promise<void>>();
  return {
    for(key: string): Exclusive {
      return async (fn) => {
        const before = tails.get(key);
        let release = () => {};
        const mine = new Promise<void>((resolve) => {
          release = resolve;
        });
        const tail = before ? before.then(() => mine) : mine;
        tails.set(key, tail);
        if (before) await before;
        try {
          return await fn();
        } finally {
          release();
          if (tails.get(key) === tail) tails.delete(key);
        }
      };
    },
    /** Keys held or waited on (tests). */
    get size() {
      return tails.size;
    },
  };
}

/** Callback deliveries a simulator makes before giving up (the first one included). */
export const CALLBACK_MAX_ATTEMPTS = 5;

/** Delay before the next delivery after `attempts` failed ones: 2 s, 4 s, 8 s… */
export const callbackRetryDelayMs = (attempts: number) => 1000 * 2 ** attempts;

/** `POST …/_control {down, latency_ms, drop_callbacks}`: updates `control` and answers its state. */
export function applyControl(control: SimulatorControl, body: unknown): SimResponse {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.down === "boolean") control.down = b.down;
  if (typeof b.latency_ms === "number" && Number.isFinite(b.latency_ms)) control.latencyMs = Math.max(0, Math.min(b.latency_ms, 120_000));
  if (typeof b.drop_callbacks === "boolean") control.dropCallbacks = b.drop_callbacks;
  return { status: 200, body: { down: control.down, latency_ms: control.latencyMs, drop_callbacks: control.dropCallbacks } };
}

export type SimRuntime = ReturnType<typeof createSimRuntime>;

export function createSimRuntime(opts: SimulatorOptions, tick: () => Promise<void>) {
  const control: SimulatorControl = { down: false, latencyMs: 0, dropCallbacks: false };
  const timers = new Set<NodeJS.Timeout>();
  const lock = createLock();
  const records = createRecordLocks();
  /** Set by `simulator({ locking: "record" })`: no request-wide lock. */
  let recordLocking = false;
  let stopped = false;

  const schedule = (ms: number) => {
    if (stopped) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        // A failed sweep (database blip) must not become an unhandled rejection, which would
        // kill the whole process; the host's periodic sweep picks the record up again.
        tick().catch((err: unknown) => opts.log?.("sandbox tick failed", { err: String(err) }));
      },
      // setTimeout fires at once past 2^31 ms; such a far due time is left to the host's sweep.
      Math.min(ms, 2 ** 31 - 1000) + 5,
    );
    timer.unref();
    timers.add(timer);
  };

  /** `POST /_control`: answers it, or null for any other request. */
  const handleControl = (req: SimRequest): SimResponse | null => {
    if (req.method !== "POST" || req.path.replace(/\/+$/, "") !== "/_control") return null;
    return applyControl(control, req.body);
  };
  const stop = () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
  };

  return {
    control,
    get stopped() {
      return stopped;
    },
    /** Wakes `tick()` in `ms` (a record stored due then). */
    schedule,
    /**
     * Stores a record, due again in `dueInMs` (null: nothing of its own pending — owed callbacks
     * still keep it due, SimulatorStore.put), and wakes `tick()` then.
     */
    async put(id: string, data: object, dueInMs: number | null) {
      await opts.store.put(id, data as Record<string, unknown>, dueInMs === null ? null : new Date(Date.now() + dueInMs));
      if (dueInMs !== null) schedule(dueInMs);
      // Callbacks still owed: the store kept it due (SimulatorStore.put); wake the tick for them.
      else if ((data as Outbox).outbox?.length) schedule(0);
    },
    /**
     * Stores a new record unless one exists under `id` (one insert-if-absent where the store
     * has it); true when stored. The create path of a `locking: "record"` simulator: a repeat
     * of the same id finds the first one, with no lock held.
     */
    async insert(id: string, data: object, dueInMs: number | null): Promise<boolean> {
      const dueAt = dueInMs === null ? null : new Date(Date.now() + dueInMs);
      const { store } = opts;
      const stored = store.insert
        ? await store.insert(id, data as Record<string, unknown>, dueAt)
        : await records.for(id)(async () => {
            if (await store.get(id)) return false;
            await store.put(id, data as Record<string, unknown>, dueAt);
            return true;
          });
      if (stored && dueInMs !== null) schedule(dueInMs);
      return stored;
    },
    /** `POST /_control`: answers it, or null for any other request. */
    handleControl,
    /** The injected latency (`latency_ms`), awaited (inside `handle`) before an API call is answered. */
    async delay() {
      if (control.latencyMs <= 0) return;
      if (recordLocking) await sleep(control.latencyMs);
      else await lock.pause(sleep(control.latencyMs));
    },
    /** Runs a read-modify-write of stored records alone (what `handle` and `deliverDue` use). */
    exclusive: lock.exclusive as Exclusive,
    /** Runs a read-modify-write of the record stored under `key` alone (`locking: "record"`). */
    lockFor: (key: string): Exclusive => records.for(key),
    stop,
    /**
     * The simulator the host mounts: `_control` is answered before `handle` (which gets the
     * decoded path segments), `tick` does nothing once stopped, and `stop` clears the timers.
     * `locking: "request"` (the default) handles each request under the runtime's one lock;
     * `"record"` leaves locking to the simulator, one record at a time.
     */
    simulator(sim: { handle(req: SimRequest, parts: string[]): Promise<SimResponse>; tick(): Promise<void>; locking?: "request" | "record" }): Simulator {
      recordLocking = sim.locking === "record";
      const handle = (req: SimRequest) => sim.handle(req, req.path.split("/").filter(Boolean).map(decodeURIComponent));
      return {
        handle: async (req) => handleControl(req) ?? (recordLocking ? handle(req) : lock.exclusive(() => handle(req))),
        tick: async () => {
          if (!stopped) await sim.tick();
        },
        stop,
      };
    },
  };
}

/**
 * Where a sandbox account's webhooks go. Real providers (Stripe, PayPal, PawaPay, Hub2) take
 * the webhook URL from account settings, not from each request: the sandbox account is set up
 * with ZeroFee's inbound route, `/v1/webhooks/providers/<name>` beside `/sandbox/<name>`.
 */
export function sandboxWebhookUrl(publicBaseUrl: string): string {
  const url = new URL(publicBaseUrl);
  const m = /^(.*)\/sandbox\/([^/]+)\/?$/.exec(url.pathname);
  if (!m) throw new Error(`not a sandbox base URL: ${publicBaseUrl}`);
  url.pathname = `${m[1]}/v1/webhooks/providers/${m[2]}`;
  return url.toString();
}

/** POSTs one JSON callback; true only for a 2xx. Redirects are not followed. */
export async function postCallback(url: string, body: string, headers: Record<string, string>): Promise<boolean> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(10_000),
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** Callbacks owed by one record, oldest first; signed when sent (signatures carry a time). */
export interface Outbox {
  outbox?: string[];
  callback_attempts?: number;
}

/** Queues a callback body on a record (saved due now by the caller). */
export function queueCallback(rec: Outbox, body: string): void {
  rec.outbox = [...(rec.outbox ?? []), body];
}

/**
 * Sends what `rec` owes, in order, through `send` (true: delivered). Returns in how many ms
 * the record is due again (a failed delivery backs off 2 s, 4 s, 8 s…; a body is given up
 * after `CALLBACK_MAX_ATTEMPTS`), or null when nothing is left. `drop` (the `drop_callbacks`
 * switch) discards the queue.
 */
export async function flushOutbox(rec: Outbox, send: (body: string) => Promise<boolean>, drop: boolean): Promise<number | null> {
  if (drop) rec.outbox = [];
  while (rec.outbox && rec.outbox.length > 0) {
    const delivered = await send(rec.outbox[0] as string);
    if (!delivered) {
      rec.callback_attempts = (rec.callback_attempts ?? 0) + 1;
      if (rec.callback_attempts < CALLBACK_MAX_ATTEMPTS) return callbackRetryDelayMs(rec.callback_attempts);
    }
    rec.outbox.shift();
    rec.callback_attempts = 0;
  }
  return null;
}

/**
 * Delivers a claimed record's callbacks, then applies that progress to the record as it is
 * stored *now* (`reload` and `save` run under `exclusive`, the send does not): while a callback
 * was in flight the customer (an OTP, a cancel, a capture, a refund) may have changed it, and
 * saving the claimed snapshot back would undo that. Bodies queued meanwhile are owed at once;
 * a failure keeps its back-off.
 */
export async function deliverClaimed<R extends Outbox>(
  claimed: R,
  io: {
    send: (progress: Outbox) => Promise<number | null>;
    reload: () => Promise<R | null>;
    save: (rec: R, dueInMs: number | null) => Promise<void>;
    exclusive?: Exclusive;
  },
): Promise<void> {
  const before = claimed.outbox?.length ?? 0;
  const progress: Outbox = { outbox: [...(claimed.outbox ?? [])], callback_attempts: claimed.callback_attempts ?? 0 };
  const retryIn = await io.send(progress);
  const sent = before - (progress.outbox?.length ?? 0);
  const exclusive: Exclusive = io.exclusive ?? ((fn) => fn());
  await exclusive(async () => {
    const rec = (await io.reload()) ?? claimed;
    rec.outbox = (rec.outbox ?? []).slice(sent);
    rec.callback_attempts = progress.callback_attempts ?? 0;
    await io.save(rec, rec.outbox.length === 0 ? null : (retryIn ?? 0));
  });
}

/**
 * One `tick()` of a simulator whose records carry an `Outbox`: claims the due records, lets
 * `onDue` change each as it is stored now (a deadline passed: it may queue a callback) and
 * saves that before sending, sends their callbacks, and saves each with its next due time
 * (`save` may bring it forward, e.g. to an expiry). A claimed key `read` does not know (an
 * index entry) is stored back, not due. Give `exclusive` the runtime's (`rt.exclusive`).
 */
export async function deliverDue<R extends Outbox>(io: {
  store: SimulatorStore;
  /** The record under a store key, or null when that key holds no record of this kind. */
  read: (id: string) => Promise<R | null>;
  save: (rec: R, dueInMs: number | null) => Promise<void>;
  /** POSTs one callback body of `rec` (usually through `postCallback`); true when delivered. */
  send: (body: string, rec: R) => Promise<boolean>;
  drop: boolean;
  /** Returns true when it changed the record. */
  onDue?: (rec: R) => boolean;
  exclusive?: Exclusive;
  /** The lock of one stored record (`rt.lockFor`), for a `locking: "record"` simulator; else `exclusive`. */
  lockFor?: (id: string) => Exclusive;
}): Promise<void> {
  for (const { id, data } of await io.store.claimDue(new Date())) {
    const exclusive: Exclusive = io.lockFor?.(id) ?? io.exclusive ?? ((fn) => fn());
    const fresh = await exclusive(async () => {
      const rec = await io.read(id);
      if (!rec) await io.store.put(id, data, null);
      // Saved before sending, due again after a lease, so a crash mid-delivery loses nothing.
      else if (io.onDue?.(rec)) await io.save(rec, 10_000);
      return rec;
    });
    if (!fresh) continue;
    await deliverClaimed(fresh, {
      send: (progress) => flushOutbox(progress, (body) => io.send(body, fresh), io.drop),
      reload: () => io.read(id),
      save: io.save,
      exclusive,
    });
  }
}

/** HTTP 303 to `location` (what a provider page does once the customer acted). */
export const seeOther = (location: string): SimResponse => ({ status: 303, headers: { location } });

/**
 * In how many ms a record is due again: the sooner of what the caller asks (`dueInMs`, null:
 * nothing) and the record's own deadline (`deadline`, epoch ms, e.g. a refund settling then).
 */
export function soonestDue(dueInMs: number | null, deadline: number | null | undefined): number | null {
  const untilDeadline = deadline === null || deadline === undefined ? null : Math.max(0, deadline - Date.now());
  if (dueInMs === null) return untilDeadline;
  return untilDeadline === null ? dueInMs : Math.min(dueInMs, untilDeadline);
}

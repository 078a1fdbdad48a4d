import { AsyncLocalStorage } from "node:async_hooks";

/** Per-request bookkeeping that crosses layers without threading it through every call. */
export interface RequestStore {
  /** Milliseconds spent waiting on providers: excluded from `X-ZeroFee-Latency`. */
  providerMs: number;
}

export const requestStore = new AsyncLocalStorage<RequestStore>();

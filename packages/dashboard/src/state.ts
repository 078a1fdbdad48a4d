import { createMemo, createSignal, untrack } from "solid-js";
import { ApiFailure, type CallOptions, call, listAll } from "./api";
import type { App, User } from "./types";

/** Who is signed in (`undefined` while unknown, `null` when signed out). */
export const [user, setUser] = createSignal<User | null | undefined>(undefined);
export const [apps, setApps] = createSignal<App[]>([]);
/** The session could not be checked (the server unreachable or failing): neither signed in nor out yet. */
export const [sessionUnchecked, setSessionUnchecked] = createSignal(false);

/**
 * Who the session cookie belongs to. Only the server's 401 signs the page out: a server that
 * cannot be reached says nothing about the session, so the page says so and offers to try again
 * (never the sign-in form, which would lose the page asked for and suggest a signed-out session).
 */
export async function checkSession(): Promise<void> {
  setSessionUnchecked(false);
  try {
    setUser(await call<User>("GET", "/v1/auth/me"));
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 401) setUser(null);
    else setSessionUnchecked(true);
  }
}

const MODE_KEY = "zerofee.mode";
const APP_KEY = "zerofee.app";

/** The test/live toggle, remembered across visits (a preference, never a credential). */
export const [mode, setModeSignal] = createSignal<"test" | "live">(localStorage.getItem(MODE_KEY) === "live" ? "live" : "test");
export function setMode(next: "test" | "live"): void {
  localStorage.setItem(MODE_KEY, next);
  setModeSignal(next);
}

const [appId, setAppSignal] = createSignal<string | null>(localStorage.getItem(APP_KEY));
/** The app the pages act in: the remembered one if it still exists, else the first. */
export function currentApp(): string | null {
  const list = apps();
  const id = appId();
  if (id && list.some((a) => a.id === id)) return id;
  return list[0]?.id ?? null;
}
export function setCurrentApp(id: string): void {
  localStorage.setItem(APP_KEY, id);
  setAppSignal(id);
}

export async function refreshApps(): Promise<void> {
  setApps(await listAll<App>("/v1/apps"));
}

/** A resource source for app-scoped data: nothing is fetched until an app is known. */
export function inApp<T extends object>(extra: T = {} as T): (T & { app: string; mode: "test" | "live" }) | undefined {
  const app = currentApp();
  return app ? { ...extra, app, mode: mode() } : undefined;
}

export type Mode = "test" | "live";

/** The app and mode a call acts in. */
export interface Scope {
  app: string;
  mode: Mode;
}

/**
 * Whether an answer fetched for `s` still belongs on screen: the page's app, the header's mode
 * now. A resource drops a superseded answer itself; a fetcher that also fills a form must ask.
 */
export function isCurrent(s: Scope, app: string): boolean {
  return s.app === app && s.mode === untrack(mode);
}

/** Call options naming an app and mode given by the caller (a page's own, never the header's by accident). */
export function inScope(s: Scope, o: Omit<CallOptions, "scope"> = {}): CallOptions {
  return { ...o, scope: { app: s.app, mode: s.mode } };
}

/**
 * The source of an object's page (a payment, a settlement): its id, with the header's app and
 * mode read once an app is known and not followed afterwards. An object belongs to one app and
 * mode: the header's switches send its page to the list (layout.tsx), and the page's calls
 * name the object's own app from then on.
 */
export function objectSource(id: () => string): () => { id: string; app: string; mode: Mode } | undefined {
  const known = createMemo(() => currentApp() !== null);
  return () => {
    if (!known()) return undefined;
    const current = id();
    return untrack(() => ({ id: current, app: currentApp() ?? "", mode: mode() }));
  };
}

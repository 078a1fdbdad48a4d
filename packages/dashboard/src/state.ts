import { createSignal } from "solid-js";
import { type CallOptions, call } from "./api";
import type { App, User } from "./types";

/** Who is signed in (`undefined` while unknown, `null` when signed out). */
export const [user, setUser] = createSignal<User | null | undefined>(undefined);
export const [apps, setApps] = createSignal<App[]>([]);

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
  setApps(await call<App[]>("GET", "/v1/apps"));
}

/** Options for an app-scoped call in the current app and mode. */
export function scoped(o: Omit<CallOptions, "scope"> = {}): CallOptions {
  return { ...o, scope: { app: currentApp(), mode: mode() } };
}

/** A resource source for app-scoped data: nothing is fetched until an app is known. */
export function inApp<T extends object>(extra: T = {} as T): (T & { app: string; mode: "test" | "live" }) | undefined {
  const app = currentApp();
  return app ? { ...extra, app, mode: mode() } : undefined;
}

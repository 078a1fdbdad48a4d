import { A } from "@solidjs/router";
import { createComputed, createEffect, createSignal, For, type JSX, Match, onCleanup, type Resource, Show, Switch } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import { messageOf } from "./errors";
import { codeLabel, t } from "./i18n";

/** An API error, shown with its message (never a blank page). */
export function ErrorBox(props: { error: unknown }) {
  return (
    <p role="alert" class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm [overflow-wrap:anywhere] text-red-800">
      {messageOf(props.error)}
    </p>
  );
}

export function Notice(props: { children: JSX.Element }) {
  return (
    <p role="status" class="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm [overflow-wrap:anywhere] text-green-800">
      {props.children}
    </p>
  );
}

/** A resource's last value, or undefined while it is in error (where `latest` would throw). */
export function lastValue<T>(r: Resource<T>): T | undefined {
  return r.error ? undefined : r.latest;
}

/** What makes a value another one rather than a refresh of the same: its id, or null versus an object. */
function identityOf(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  return (value as { id?: unknown }).id ?? "object";
}

/**
 * A resource's three states: its error, a loading line, or its value. The value is kept in a
 * store and each refresh is reconciled into it by `id`: rows, open panels, typed text and
 * messages of what is shown stay as they are while the data under them changes (a delivery
 * log polled while an event is pending). The children are built again only for another
 * value (`identity`: by default another `id`, or null ↔ an object), so they must read the
 * value they get reactively (in JSX), never copy it.
 */
export function Load<T>(props: { data: Resource<T>; identity?: (value: T) => unknown; children: (value: T) => JSX.Element }) {
  const [store, setStore] = createStore<{ value?: T }>({});
  const [shown, setShown] = createSignal<{ id: unknown } | undefined>(undefined, { equals: (a, b) => a === b || (!!a && !!b && a.id === b.id) });
  createComputed(() => {
    const data = props.data;
    if (data.error || (data.state !== "ready" && data.state !== "refreshing")) {
      setShown(undefined);
      return;
    }
    const value = data.latest as T;
    // A copy: the store's reconcile writes into what it holds, never into the resource's value.
    setStore("value", reconcile(value !== null && typeof value === "object" ? structuredClone(value) : value, { key: "id", merge: false }));
    setShown({ id: (props.identity ?? identityOf)(value) });
  });
  return (
    <Switch fallback={<p class="text-sm text-slate-500">{t("common.loading")}</p>}>
      <Match when={props.data.error}>
        <ErrorBox error={props.data.error} />
      </Match>
      <Match when={shown()} keyed>
        {(_shown) => props.children(store.value as T)}
      </Match>
    </Switch>
  );
}

export function PageTitle(props: { children: JSX.Element; actions?: JSX.Element }) {
  return (
    <div class="mb-4 flex flex-wrap items-center justify-between gap-2">
      {/* tabindex -1: where focus goes back when a dialog's opener is gone (Modal) */}
      <h1 class="text-xl font-semibold focus:outline-none" tabindex="-1">
        {props.children}
      </h1>
      {props.actions}
    </div>
  );
}

export function Section(props: { title: string; children: JSX.Element; id?: string }) {
  return (
    <section class="card mb-4" aria-labelledby={props.id}>
      <h2 id={props.id} class="mb-3 text-base font-semibold">
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

type Tone = "good" | "bad" | "neutral" | "waiting";

const TONES: Record<Tone, string> = {
  good: "bg-green-100 text-green-800",
  bad: "bg-red-100 text-red-800",
  neutral: "bg-slate-200 text-slate-700",
  waiting: "bg-amber-100 text-amber-800",
};

const STATUS_TONES: Record<string, Tone> = {
  completed: "good",
  delivered: "good",
  paid: "good",
  accepted: "good",
  active: "good",
  failed: "bad",
  rejected: "bad",
  disabled: "bad",
  cancelled: "neutral",
  expired: "neutral",
  skipped: "neutral",
  no_endpoint: "neutral",
};

/**
 * A status in words of the merchant's language (`status.*`, or `attempt.*` for a provider
 * attempt), coloured by what it means; `data-status` keeps the API's code for scripts and tests.
 */
export function Badge(props: { status: string; kind?: "status" | "attempt" }) {
  return (
    <span data-status={props.status} class={`rounded px-1.5 py-0.5 text-xs font-medium whitespace-nowrap ${TONES[STATUS_TONES[props.status] ?? "waiting"]}`}>
      {codeLabel(props.kind ?? "status", props.status)}
    </span>
  );
}

/** A value shown once (a new key or signing secret): the element carries `data-secret`. */
export function SecretBox(props: { label: string; value: string }) {
  const [copied, setCopied] = createSignal(false);
  return (
    <div class="my-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
      <p class="mb-1 font-medium">{props.label}</p>
      <div class="flex flex-wrap items-center gap-2">
        <code data-secret class="mono break-all select-all">
          {props.value}
        </code>
        <button
          type="button"
          class="btn"
          onClick={async () => {
            await navigator.clipboard?.writeText(props.value).catch(() => undefined);
            setCopied(true);
          }}
        >
          {copied() ? "✓" : t("common.copy")}
        </button>
      </div>
    </div>
  );
}

/**
 * Refetches while `pending()` holds (a webhook delivery queued, a refund at its provider): first
 * after `firstMs`, then each time half as long again, up to `maxMs`. A calm poll, not one a
 * second: a webhook retry can wait hours. `restart()` (after the merchant acts) polls soon again.
 */
export function refreshWhile(pending: () => boolean, refetch: () => unknown, o: { firstMs?: number; maxMs?: number } = {}): { restart(): void } {
  const first = o.firstMs ?? 2000;
  const max = o.maxMs ?? 30_000;
  let delay = first;
  createEffect(() => {
    if (!pending()) {
      delay = first;
      return;
    }
    const timer = setTimeout(() => {
      delay = Math.min(Math.round(delay * 1.5), max);
      refetch();
    }, delay);
    onCleanup(() => clearTimeout(timer));
  });
  return {
    restart: () => {
      delay = first;
    },
  };
}

/** Runs an action, keeping its error (shown by the caller) and a busy flag for its button. */
export function createAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const run = async (...args: A): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn(...args);
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error, clear: () => setError(null) };
}

export function ActionError(props: { action: { error(): unknown } }) {
  return (
    <Show when={props.action.error()}>
      <div class="mt-2">
        <ErrorBox error={props.action.error()} />
      </div>
    </Show>
  );
}

export type Column<T> = [header: string, cell: (row: T) => JSX.Element];

/** A list as a `<table>`: one row per object (SPEC §11), scrolling sideways inside its box on a phone. */
export function DataTable<T>(props: { rows: T[]; columns: Column<T>[]; label?: string }) {
  return (
    <div class="table-wrap">
      <table aria-label={props.label}>
        <thead>
          <tr>
            <For each={props.columns}>{([header]) => <th scope="col">{header}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr>
                <For each={props.columns}>{([, cell]) => <td>{cell(row)}</td>}</For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

/** An object's id as a link to its page. */
export function IdLink(props: { id: string; href: string }) {
  return (
    <A class="mono text-blue-700 underline" href={props.href}>
      {props.id}
    </A>
  );
}

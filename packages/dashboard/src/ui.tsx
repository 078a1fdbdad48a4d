import { A } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, type JSX, Match, onCleanup, onMount, type Resource, Show, Switch } from "solid-js";
import { type ListPage, messageOf } from "./api";
import { t } from "./i18n";

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

/** A resource's three states: its error, a loading line, or its value. */
export function Load<T>(props: { data: Resource<T>; children: (value: T) => JSX.Element }) {
  return (
    <Switch>
      <Match when={props.data.error}>
        <ErrorBox error={props.data.error} />
      </Match>
      <Match when={props.data.state === "ready" || props.data.state === "refreshing"}>{props.children(props.data.latest as T)}</Match>
      <Match when={true}>
        <p class="text-sm text-slate-500">{t("common.loading")}</p>
      </Match>
    </Switch>
  );
}

export function PageTitle(props: { children: JSX.Element; actions?: JSX.Element }) {
  return (
    <div class="mb-4 flex flex-wrap items-center justify-between gap-2">
      <h1 class="text-xl font-semibold">{props.children}</h1>
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

const STATUS_COLOURS: Record<string, string> = {
  completed: "bg-green-100 text-green-800",
  delivered: "bg-green-100 text-green-800",
  paid: "bg-green-100 text-green-800",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-200 text-slate-700",
  expired: "bg-slate-200 text-slate-700",
  skipped: "bg-slate-200 text-slate-700",
};

export function Badge(props: { status: string }) {
  return <span class={`rounded px-1.5 py-0.5 text-xs font-medium ${STATUS_COLOURS[props.status] ?? "bg-amber-100 text-amber-800"}`}>{props.status}</span>;
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
 * Cursor pagination over a list route: the cursors seen so far make a stack, so Previous goes
 * back without the API needing backward cursors. `key` changes (filters, app, mode) restart it.
 */
export function createPager<T>(key: () => unknown, fetchPage: (cursor: string | undefined) => Promise<ListPage<T>>) {
  // A key of undefined (no app yet) fetches nothing.
  const [stack, setStack] = createSignal<Array<string | undefined>>([undefined]);
  let lastKey: string | undefined;
  const [page, { refetch }] = createResource(
    () => {
      const current = key();
      if (current === undefined) return undefined;
      const k = JSON.stringify(current);
      if (k !== lastKey) {
        lastKey = k;
        if (stack().length > 1) setStack([undefined]);
      }
      return { k, cursor: stack()[stack().length - 1] };
    },
    (s) => fetchPage(s.cursor),
  );
  return {
    page,
    refetch,
    hasPrevious: () => stack().length > 1,
    next: () => {
      const c = page.latest?.next_cursor;
      if (c) setStack([...stack(), c]);
    },
    previous: () => setStack(stack().slice(0, -1)),
  };
}

export function PagerButtons(props: {
  pager: ReturnType<typeof createPager<unknown>> | { hasPrevious(): boolean; next(): void; previous(): void; page: Resource<ListPage<unknown>> };
}) {
  return (
    <div class="mt-3 flex gap-2">
      <button type="button" class="btn" disabled={!props.pager.hasPrevious()} onClick={() => props.pager.previous()}>
        {t("common.previous")}
      </button>
      <button type="button" class="btn" disabled={!props.pager.page.latest?.has_more} onClick={() => props.pager.next()}>
        {t("common.next")}
      </button>
    </div>
  );
}

/** A modal on the native `<dialog>`: focus kept inside, Escape closes, focus returns to the opener. */
export function Modal(props: { title: string; open: boolean; onClose: () => void; children: JSX.Element }) {
  let el: HTMLDialogElement | undefined;
  const sync = () => {
    if (!el) return;
    if (props.open && !el.open) el.showModal();
    if (!props.open && el.open) el.close();
  };
  onMount(sync);
  return (
    <Show when={props.open}>
      <dialog
        ref={(d) => {
          el = d;
          queueMicrotask(sync);
        }}
        aria-labelledby="modal-title"
        class="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg p-5 shadow-xl backdrop:bg-slate-900/40"
        onClose={() => props.onClose()}
      >
        <h2 id="modal-title" class="mb-3 text-lg font-semibold">
          {props.title}
        </h2>
        {props.children}
      </dialog>
    </Show>
  );
}

/** Refetches every `everyMs` while `pending()` holds (e.g. a webhook delivery still queued). */
export function refreshWhile(pending: () => boolean, refetch: () => unknown, everyMs = 1000): void {
  createEffect(() => {
    if (!pending()) return;
    const timer = setTimeout(refetch, everyMs);
    onCleanup(() => clearTimeout(timer));
  });
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
  return { run, busy, error };
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

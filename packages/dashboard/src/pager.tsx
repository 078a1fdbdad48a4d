import { useLocation, useSearchParams } from "@solidjs/router";
import { createResource, createSignal, type Resource } from "solid-js";
import type { ListPage } from "./api";
import { t } from "./i18n";

/** A page of a list with Previous and Next. */
export interface Pager<T> {
  page: Resource<ListPage<T>>;
  refetch: () => unknown;
  hasPrevious(): boolean;
  next(): void;
  previous(): void;
}

/**
 * Cursor pagination over a list route: the cursors seen so far make a stack, so Previous goes
 * back without the API needing backward cursors. `key` changes (filters, app, mode) restart it.
 */
export function createPager<T, K>(key: () => K | undefined, fetchPage: (cursor: string | undefined, key: K) => Promise<ListPage<T>>): Pager<T> {
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
      return { key: current, cursor: stack()[stack().length - 1] };
    },
    (s) => fetchPage(s.cursor, s.key),
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

/**
 * Cursor pagination kept in the URL: the page's cursor is the `cursor` query parameter (a reload
 * or a shared link opens the same page), and the cursors before it ride in the history entry's
 * state, which a reload keeps, for Previous. A link opened without that state goes Previous to
 * the first page. The header's app and mode switches drop `cursor` (layout.tsx): a cursor
 * belongs to one list.
 */
export function createUrlPager<T, S extends object>(
  source: () => S | undefined,
  fetchPage: (cursor: string | undefined, source: S) => Promise<ListPage<T>>,
): Pager<T> {
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const cursor = () => (typeof params.cursor === "string" && params.cursor !== "" ? params.cursor : undefined);
  const earlier = (): string[] => {
    const saved = (location.state as { cursors?: unknown } | null | undefined)?.cursors;
    return Array.isArray(saved) ? saved.filter((c): c is string => typeof c === "string") : [];
  };
  const [page, { refetch }] = createResource(
    () => {
      const s = source();
      return s && { source: s, cursor: cursor() };
    },
    (s) => fetchPage(s.cursor, s.source),
  );
  return {
    page,
    refetch,
    hasPrevious: () => cursor() !== undefined,
    next: () => {
      const c = page.latest?.next_cursor;
      if (c) setParams({ cursor: c }, { state: { cursors: [...earlier(), cursor() ?? ""] } });
    },
    previous: () => {
      const stack = earlier();
      setParams({ cursor: stack.at(-1) || undefined }, { state: { cursors: stack.slice(0, -1) } });
    },
  };
}

export function PagerButtons(props: { pager: Pick<Pager<unknown>, "hasPrevious" | "next" | "previous"> & { page: Resource<ListPage<unknown>> } }) {
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

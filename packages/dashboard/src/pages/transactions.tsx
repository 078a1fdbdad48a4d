import { useSearchParams } from "@solidjs/router";
import { createComputed, createResource, createSignal, For, Show } from "solid-js";
import { call, list } from "../api";
import { paymentColumns } from "../columns";
import { amountText, minorDigits, parseAmount } from "../format";
import { codeLabel, type MessageKey, t, tf } from "../i18n";
import { NeedsApp } from "../layout";
import { createUrlPager, PagerButtons } from "../pager";
import { inApp, inScope } from "../state";
import type { Payment, Stats } from "../types";
import { DataTable, Load, lastValue, PageTitle } from "../ui";
import { FirstPaymentHint } from "./overview";

const STATUSES = ["pending", "processing", "requires_action", "completed", "failed", "cancelled", "expired"];

/** The list filters of SPEC §4, kept in the URL so a filtered view can be reloaded or shared. */
const FILTERS: Array<{ name: string; label: MessageKey; type?: string; amount?: true }> = [
  { name: "reference", label: "common.reference" },
  { name: "customer_phone", label: "tx.customerPhone", type: "tel" },
  { name: "provider", label: "common.provider" },
  { name: "payment_method", label: "common.method" },
  { name: "country", label: "common.country" },
  { name: "created_from", label: "tx.createdFrom", type: "date" },
  { name: "created_to", label: "tx.createdTo", type: "date" },
  { name: "amount_from", label: "tx.amountFrom", amount: true },
  { name: "amount_to", label: "tx.amountTo", amount: true },
];
const NAMES = [...FILTERS.map((f) => f.name), "status", "currency"];
const AMOUNTS = FILTERS.filter((f) => f.amount).map((f) => f.name);

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
/** A day's bound in local time as an instant; a date the browser cannot read is sent as typed (the API says what is wrong). */
const localDay = (day: string, time: string) => {
  const at = new Date(`${day}${time}`);
  return Number.isNaN(at.getTime()) ? day : at.toISOString();
};
const DAY_MS = 86_400_000;

/**
 * The URL's filters as the API's query: dates to whole days in the merchant's own time zone (the
 * list shows local times; UTC days hid a Nairobi merchant's early-morning payments from their
 * own date); amounts are in the URL as the API takes them (minor units).
 */
function apiQuery(params: Record<string, string | undefined>) {
  const q: Record<string, string> = {};
  for (const k of NAMES) {
    const v = params[k];
    if (!v) continue;
    // "YYYY-MM-DDTHH:mm:ss" without a zone is the browser's local time.
    if (k === "created_from") q[k] = localDay(v, "T00:00:00");
    else if (k === "created_to") q[k] = localDay(v, "T23:59:59.999");
    else if (k === "country" || k === "currency") q[k] = v.toUpperCase();
    else q[k] = v;
  }
  return q;
}

/** The app's currencies of the last year, main (most used) first: `GET /v1/stats` over its widest range (366 days). */
function useCurrencies() {
  const [stats] = createResource(
    () => inApp(),
    (s) => {
      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.parse(to) - 365 * DAY_MS).toISOString().slice(0, 10);
      return call<Stats>("GET", "/v1/stats", inScope(s, { query: { from, to } }));
    },
  );
  return {
    main: () => lastValue(stats)?.currency ?? null,
    others: () => lastValue(stats)?.currencies ?? [],
    /** Known, or failed (amounts then go without a currency rather than never). */
    settled: () => Boolean(stats.error) || stats.state === "ready" || stats.state === "refreshing",
  };
}

/** Large screens open the filters; a phone shows the list first, the filters behind their button. */
const WIDE = "(min-width: 640px)";

export function Transactions() {
  const [params, setParams] = useSearchParams();
  const filters = (): Record<string, string> => Object.fromEntries(NAMES.map((k) => [k, first(params[k])]).filter(([, v]) => v));
  const currencies = useCurrencies();
  /**
   * Amounts compare within one currency (`GET /v1/payments?currency=`): the form always sends one
   * with them. A link written before it had none: its amounts are in the main currency.
   */
  const query = () => {
    const f = filters();
    if (f.currency || !AMOUNTS.some((k) => f[k])) return f;
    if (!currencies.settled()) return undefined;
    const main = currencies.main();
    return main ? { ...f, currency: main } : f;
  };
  const pager = createUrlPager(
    () => {
      const q = query();
      return q && inApp({ filters: q });
    },
    (cursor, s) => list<Payment>("/v1/payments", inScope(s, { query: { ...apiQuery(s.filters), cursor, limit: 20 } })),
  );
  const urlCurrency = () => first(params.currency)?.toUpperCase();
  // The currency select's value before Apply, so the amount fields say which currency they read.
  const [picked, setPicked] = createSignal("");
  createComputed(() => setPicked(urlCurrency() ?? ""));
  const choices = () => [...new Set([currencies.main() ?? "", ...currencies.others(), urlCurrency() ?? ""])].filter(Boolean).sort();
  const pickCurrency = () => choices().length > 1 || urlCurrency() !== undefined;
  /** The currency typed amounts are read in: the one picked, else the app's main one. */
  const amountCurrency = () => picked() || currencies.main();
  const [amountErrors, setAmountErrors] = createSignal<Record<string, string>>({});
  const shownAmount = (name: string) => {
    const v = first(params[name]) ?? "";
    return /^\d+$/.test(v) ? amountText(Number(v), urlCurrency() ?? currencies.main()) : v;
  };
  // An amount and its currency make one filter ("from 12,50 €"); a currency alone is one too.
  const active = () => {
    const f = filters();
    const n = Object.keys(f).length;
    return f.currency && AMOUNTS.some((k) => f[k]) ? n - 1 : n;
  };
  const [open, setOpen] = createSignal(window.matchMedia(WIDE).matches);
  return (
    <NeedsApp>
      <PageTitle
        actions={
          <button type="button" class="btn" aria-expanded={open()} aria-controls="tx-filters" onClick={() => setOpen(!open())}>
            <span aria-hidden="true">{open() ? "▾" : "▸"}</span>
            {t("tx.filters")}
            <Show when={active() > 0}>
              <span aria-hidden="true" class="rounded-full bg-blue-700 px-1.5 text-xs text-white tabular-nums">
                {active()}
              </span>
              <span class="sr-only">{tf("tx.activeFilters", { count: String(active()) })}</span>
            </Show>
          </button>
        }
      >
        {t("tx.title")}
      </PageTitle>
      <form
        id="tx-filters"
        class="card mb-4"
        aria-label={t("tx.filters")}
        hidden={!open()}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const next: Record<string, string | undefined> = { cursor: undefined };
          const errors: Record<string, string> = {};
          for (const f of NAMES) next[f] = String(data.get(f) ?? "").trim() || undefined;
          const cur = amountCurrency();
          for (const name of AMOUNTS) {
            const typed = next[name];
            if (typed === undefined) continue;
            const minor = parseAmount(typed, cur, { min: 0 });
            if (minor === null) errors[name] = tf("amount.bad", { example: amountText(cur && minorDigits(cur) > 0 ? 1250 : 1500, cur) });
            else next[name] = String(minor);
          }
          if (AMOUNTS.some((k) => next[k]) && cur) next.currency = cur;
          setAmountErrors(errors);
          if (Object.keys(errors).length === 0) setParams(next);
        }}
      >
        <div class="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          <div>
            <label class="label" for="f-status">
              {t("common.status")}
            </label>
            <select id="f-status" name="status" class="input" value={first(params.status) ?? ""}>
              <option value="">{t("common.any")}</option>
              <For each={STATUSES}>{(s) => <option value={s}>{codeLabel("status", s)}</option>}</For>
            </select>
          </div>
          <For each={FILTERS}>
            {(f) => (
              <>
                <Show when={f.name === "amount_from" && pickCurrency()}>
                  <div>
                    <label class="label" for="f-currency">
                      {t("common.currency")}
                    </label>
                    <select id="f-currency" name="currency" class="input" value={picked()} onChange={(e) => setPicked(e.currentTarget.value)}>
                      <option value="">{t("common.any")}</option>
                      <For each={choices()}>{(c) => <option value={c}>{c}</option>}</For>
                    </select>
                  </div>
                </Show>
                <div>
                  <label class="label" for={`f-${f.name}`}>
                    {t(f.label)}
                    <Show when={f.amount && amountCurrency()}> ({amountCurrency()})</Show>
                  </label>
                  <input
                    id={`f-${f.name}`}
                    name={f.name}
                    class="input"
                    type={f.type ?? "text"}
                    inputmode={f.amount ? "decimal" : undefined}
                    aria-invalid={amountErrors()[f.name] ? true : undefined}
                    aria-describedby={amountErrors()[f.name] ? `f-${f.name}-error` : undefined}
                    value={f.amount ? shownAmount(f.name) : (first(params[f.name]) ?? "")}
                  />
                  <Show when={amountErrors()[f.name]}>
                    {(message) => (
                      <p id={`f-${f.name}-error`} class="mt-1 text-xs text-red-700">
                        {message()}
                      </p>
                    )}
                  </Show>
                </div>
              </>
            )}
          </For>
        </div>
        <div class="mt-3 flex gap-2">
          <button type="submit" class="btn btn-primary">
            {t("common.apply")}
          </button>
          <button
            type="button"
            class="btn"
            onClick={(e) => {
              (e.currentTarget.form as HTMLFormElement).reset();
              setAmountErrors({});
              setPicked("");
              setParams(Object.fromEntries([...NAMES, "cursor"].map((k) => [k, undefined])));
            }}
          >
            {t("common.reset")}
          </button>
        </div>
      </form>
      <Load data={pager.page}>
        {(p) => (
          <Show
            when={p.data.length > 0}
            fallback={
              active() > 0 ? (
                <p class="card text-sm">{t("tx.none")}</p>
              ) : (
                <div class="card">
                  <FirstPaymentHint />
                </div>
              )
            }
          >
            <DataTable
              rows={p.data}
              columns={[
                paymentColumns.id(),
                paymentColumns.amount(),
                paymentColumns.status(),
                paymentColumns.method(),
                paymentColumns.provider(),
                paymentColumns.reference(),
                paymentColumns.created(),
              ]}
            />
            <PagerButtons pager={pager} />
          </Show>
        )}
      </Load>
    </NeedsApp>
  );
}

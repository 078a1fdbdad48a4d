import { useSearchParams } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
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
const NAMES = [...FILTERS.map((f) => f.name), "status"];

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The URL's filters as the API's query: dates to whole UTC days; amounts are in the URL as the API takes them (minor units). */
function apiQuery(params: Record<string, string | string[] | undefined>) {
  const q: Record<string, string> = {};
  for (const k of NAMES) {
    const v = first(params[k]);
    if (!v) continue;
    if (k === "created_from") q[k] = `${v}T00:00:00Z`;
    else if (k === "created_to") q[k] = `${v}T23:59:59.999Z`;
    else if (k === "country") q[k] = v.toUpperCase();
    else q[k] = v;
  }
  return q;
}

export function Transactions() {
  const [params, setParams] = useSearchParams();
  const filters = () => Object.fromEntries(NAMES.map((k) => [k, first(params[k])]).filter(([, v]) => v));
  const pager = createUrlPager(
    () => inApp({ filters: filters() }),
    (cursor, s) => list<Payment>("/v1/payments", inScope(s, { query: { ...apiQuery(s.filters), cursor, limit: 20 } })),
  );
  // The amount filters are typed in major units of the app's main currency (GET /v1/stats) and sent in minor units.
  const [stats] = createResource(
    () => inApp(),
    (s) => call<Stats>("GET", "/v1/stats", inScope(s)),
  );
  const currency = () => lastValue(stats)?.currency ?? null;
  const [amountErrors, setAmountErrors] = createSignal<Record<string, string>>({});
  const shownAmount = (name: string) => {
    const v = first(params[name]) ?? "";
    return /^\d+$/.test(v) ? amountText(Number(v), currency()) : v;
  };
  const filtered = () => Object.keys(filters()).length > 0;
  return (
    <NeedsApp>
      <PageTitle>{t("tx.title")}</PageTitle>
      <form
        class="card mb-4"
        aria-label={t("tx.filters")}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const next: Record<string, string | undefined> = { cursor: undefined };
          const errors: Record<string, string> = {};
          for (const f of NAMES) next[f] = String(data.get(f) ?? "").trim() || undefined;
          for (const f of FILTERS.filter((x) => x.amount)) {
            const typed = next[f.name];
            if (typed === undefined) continue;
            const minor = parseAmount(typed, currency(), { min: 0 });
            if (minor === null) {
              const cur = currency();
              errors[f.name] = tf("amount.bad", { example: amountText(cur && minorDigits(cur) > 0 ? 1250 : 1500, cur) });
            } else next[f.name] = String(minor);
          }
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
              <div>
                <label class="label" for={`f-${f.name}`}>
                  {t(f.label)}
                  <Show when={f.amount && currency()}>{(c) => ` (${c()})`}</Show>
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
              filtered() ? (
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

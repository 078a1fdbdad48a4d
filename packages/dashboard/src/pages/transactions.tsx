import { useSearchParams } from "@solidjs/router";
import { For, Show } from "solid-js";
import { list } from "../api";
import { paymentColumns } from "../columns";
import { type MessageKey, t } from "../i18n";
import { NeedsApp } from "../layout";
import { inApp, scoped } from "../state";
import type { Payment } from "../types";
import { createPager, DataTable, Load, PagerButtons, PageTitle } from "../ui";
import { FirstPaymentHint } from "./overview";

const STATUSES = ["pending", "processing", "requires_action", "completed", "failed", "cancelled", "expired"];

/** The list filters of SPEC §4, kept in the URL so a filtered view can be reloaded or shared. */
const FILTERS: Array<{ name: string; label: MessageKey; type?: string; inputmode?: "numeric" }> = [
  { name: "reference", label: "common.reference" },
  { name: "customer_phone", label: "tx.customerPhone", type: "tel" },
  { name: "provider", label: "common.provider" },
  { name: "payment_method", label: "common.method" },
  { name: "country", label: "common.country" },
  { name: "created_from", label: "tx.createdFrom", type: "date" },
  { name: "created_to", label: "tx.createdTo", type: "date" },
  { name: "amount_from", label: "tx.amountFrom", inputmode: "numeric" },
  { name: "amount_to", label: "tx.amountTo", inputmode: "numeric" },
];

function apiQuery(params: Record<string, string | string[] | undefined>) {
  const q: Record<string, string> = {};
  for (const [k, raw] of Object.entries(params)) {
    const v = Array.isArray(raw) ? raw[0] : raw;
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
  const pager = createPager(
    () => inApp({ filters: { ...params } }),
    (cursor) => list<Payment>("/v1/payments", scoped({ query: { ...apiQuery({ ...params }), cursor, limit: 20 } })),
  );
  const filtered = () => Object.values(params).some(Boolean);
  return (
    <NeedsApp>
      <PageTitle>{t("tx.title")}</PageTitle>
      <form
        class="card mb-4"
        aria-label={t("tx.filters")}
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const next: Record<string, string | undefined> = {};
          for (const f of [...FILTERS.map((x) => x.name), "status"]) next[f] = String(data.get(f) ?? "").trim() || undefined;
          setParams(next);
        }}
      >
        <div class="grid grid-cols-1 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          <div>
            <label class="label" for="f-status">
              {t("common.status")}
            </label>
            <select id="f-status" name="status" class="input" value={(params.status as string) ?? ""}>
              <option value="">{t("common.any")}</option>
              <For each={STATUSES}>{(s) => <option value={s}>{s}</option>}</For>
            </select>
          </div>
          <For each={FILTERS}>
            {(f) => (
              <div>
                <label class="label" for={`f-${f.name}`}>
                  {t(f.label)}
                </label>
                <input
                  id={`f-${f.name}`}
                  name={f.name}
                  class="input"
                  type={f.type ?? "text"}
                  inputmode={f.inputmode}
                  value={(params[f.name] as string) ?? ""}
                />
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
              setParams(Object.fromEntries([...FILTERS.map((x) => x.name), "status"].map((k) => [k, undefined])));
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

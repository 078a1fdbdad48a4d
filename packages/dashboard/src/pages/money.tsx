import { A, useParams } from "@solidjs/router";
import { createResource, For, Show } from "solid-js";
import { call, list } from "../api";
import { paymentColumns } from "../columns";
import { dateTime, money } from "../format";
import { codeLabel, t } from "../i18n";
import { NeedsApp } from "../layout";
import { createPager, PagerButtons } from "../pager";
import { inApp, inScope, objectSource, type Scope } from "../state";
import type { Payment, Refund, Settlement } from "../types";
import { ActionError, Badge, createAction, DataTable, IdLink, Load, PageTitle, Section } from "../ui";

/** Refunds of the app and mode (`GET /v1/refunds`, SPEC §10). */
export function Refunds() {
  const pager = createPager(
    () => inApp(),
    (cursor, s) => list<Refund>("/v1/refunds", inScope(s, { query: { cursor, limit: 20 } })),
  );
  return (
    <NeedsApp>
      <PageTitle>{t("refunds.title")}</PageTitle>
      <Load data={pager.page}>
        {(p) => (
          <Show when={p.data.length > 0} fallback={<p class="card text-sm">{t("refunds.none")}</p>}>
            <DataTable
              rows={p.data}
              columns={[
                [t("common.id"), (r) => <span class="mono">{r.id}</span>],
                [t("common.amount"), (r) => <span class="tabular-nums">{money(r.amount, r.currency)}</span>],
                [
                  t("common.status"),
                  (r) => (
                    <>
                      <Badge status={r.status} />
                      <Show when={r.failure_message}>
                        <span class="ml-1 text-xs text-red-700">{r.failure_message}</span>
                      </Show>
                    </>
                  ),
                ],
                [t("refunds.payment"), (r) => <IdLink id={r.payment_id} href={`/transactions/${r.payment_id}`} />],
                [t("refund.reason"), (r) => (r.reason ? codeLabel("refund.reason", r.reason) : "—")],
                [t("common.created"), (r) => dateTime(r.created_at)],
              ]}
            />
            <PagerButtons pager={pager} />
          </Show>
        )}
      </Load>
    </NeedsApp>
  );
}

const period = (s: Settlement) => `${dateTime(s.period_start)} → ${dateTime(s.period_end)}`;

/** Settlements of the app and mode (`GET /v1/settlements`, SPEC §10). */
export function Settlements() {
  const pager = createPager(
    () => inApp(),
    (cursor, s) => list<Settlement>("/v1/settlements", inScope(s, { query: { cursor, limit: 20 } })),
  );
  return (
    <NeedsApp>
      <PageTitle>{t("settlements.title")}</PageTitle>
      <Load data={pager.page}>
        {(p) => (
          <Show when={p.data.length > 0} fallback={<p class="card text-sm">{t("settlements.none")}</p>}>
            <DataTable
              rows={p.data}
              columns={[
                [t("common.id"), (s) => <IdLink id={s.id} href={`/settlements/${s.id}`} />],
                [t("settlements.period"), period],
                [t("settlements.count"), (s) => s.count],
                [t("settlements.gross"), (s) => money(s.gross_amount, s.currency)],
                [t("settlements.fees"), (s) => money(s.fee_amount, s.currency)],
                [t("settlements.refunded"), (s) => money(s.refunded_amount, s.currency)],
                [t("settlements.net"), (s) => <span class="font-medium">{money(s.net_amount, s.currency)}</span>],
                [t("common.status"), (s) => <Badge status={s.status} />],
              ]}
            />
            <PagerButtons pager={pager} />
          </Show>
        )}
      </Load>
    </NeedsApp>
  );
}

const CSV_COLUMNS = ["id", "reference", "amount", "fee_amount", "net_amount", "currency", "payment_method", "provider", "completed_at"] as const;

function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  // A leading = + - @ would be a formula in a spreadsheet: quoted and prefixed.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every payment of a settlement (all cursor pages) as CSV, amounts in minor units as the API gives them. */
async function exportCsv(s: Settlement, scope: Scope): Promise<void> {
  const rows: string[] = [CSV_COLUMNS.join(",")];
  let cursor: string | undefined;
  for (;;) {
    const page = await list<Payment>(`/v1/settlements/${s.id}/payments`, inScope(scope, { query: { cursor, limit: 100 } }));
    for (const p of page.data) rows.push(CSV_COLUMNS.map((c) => csvCell((p as unknown as Record<string, unknown>)[c])).join(","));
    if (!page.has_more || !page.next_cursor) break;
    cursor = page.next_cursor;
  }
  const url = URL.createObjectURL(new Blob([`${rows.join("\r\n")}\r\n`], { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${s.id}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function SettlementPage() {
  const params = useParams();
  // One settlement, of one app and mode: the header's switches send this page to the list (layout.tsx).
  const source = objectSource(() => params.id ?? "");
  const [settlement] = createResource(source, (s) => call<Settlement>("GET", `/v1/settlements/${s.id}`, inScope(s)));
  const pager = createPager(source, (cursor, s) => list<Payment>(`/v1/settlements/${s.id}/payments`, inScope(s, { query: { cursor, limit: 50 } })));
  const csv = createAction((s: Settlement) => {
    const scope = source();
    return scope ? exportCsv(s, scope) : Promise.resolve();
  });
  return (
    <>
      <p class="mb-2 text-sm">
        <A class="text-blue-700 underline" href="/settlements">
          ← {t("settlements.back")}
        </A>
      </p>
      <Load data={settlement}>
        {(s) => (
          <>
            <PageTitle
              actions={
                <button type="button" class="btn" disabled={csv.busy()} onClick={() => csv.run(s)}>
                  {t("settlements.csv")}
                </button>
              }
            >
              <span class="mono">{s.id}</span>
            </PageTitle>
            <ActionError action={csv} />
            <div class="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-5">
              <For
                each={[
                  [t("settlements.period"), period(s)],
                  [t("settlements.count"), String(s.count)],
                  [t("settlements.gross"), money(s.gross_amount, s.currency)],
                  [t("settlements.fees"), money(s.fee_amount, s.currency)],
                  [t("settlements.net"), money(s.net_amount, s.currency)],
                ]}
              >
                {([label, value]) => (
                  <div class="card">
                    <p class="text-xs text-slate-500 uppercase">{label}</p>
                    <p class="mt-1 font-semibold tabular-nums">{value}</p>
                  </div>
                )}
              </For>
            </div>
          </>
        )}
      </Load>
      <Section title={t("settlements.payments")} id="settlement-payments">
        <Load data={pager.page}>
          {(p) => (
            <>
              <DataTable
                rows={p.data}
                columns={[paymentColumns.id(), paymentColumns.amount(), paymentColumns.fee(), paymentColumns.reference(), paymentColumns.created()]}
              />
              <PagerButtons pager={pager} />
            </>
          )}
        </Load>
      </Section>
    </>
  );
}

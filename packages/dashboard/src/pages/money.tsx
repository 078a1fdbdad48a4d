import { A, useParams } from "@solidjs/router";
import { createResource, Show } from "solid-js";
import { call, list, listAll } from "../api";
import { paymentColumns, refundColumns } from "../columns";
import { csvSeparator, settlementCsv } from "../csv";
import { money, utcPeriod } from "../format";
import { lang, t, tf } from "../i18n";
import { NeedsApp } from "../layout";
import { createPager, PagerButtons } from "../pager";
import { inApp, inScope, objectSource, type Scope } from "../state";
import type { Payment, Refund, Settlement, SettlementRefund } from "../types";
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
                refundColumns.id(),
                refundColumns.amount(),
                refundColumns.status(),
                refundColumns.payment(),
                refundColumns.reason(),
                refundColumns.created(),
              ]}
            />
            <PagerButtons pager={pager} />
          </Show>
        )}
      </Load>
    </NeedsApp>
  );
}

/** Settlements are cut at 00:00 UTC: their periods read in UTC, zone written, wherever the browser is. */
const period = (s: Settlement) => utcPeriod(s.period_start, s.period_end);

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

/**
 * The settlement's payments and refunds as one CSV (csv.ts: a `kind` column, amounts in minor
 * units; UTF-8 with a byte order mark, `;` between cells in French, `,` in English).
 */
async function exportCsv(s: Settlement, scope: Scope): Promise<void> {
  const [payments, refunds] = await Promise.all([
    listAll<Payment>(`/v1/settlements/${s.id}/payments`, inScope(scope)),
    listAll<SettlementRefund>(`/v1/settlements/${s.id}/refunds`, inScope(scope)),
  ]);
  const csv = settlementCsv(payments, refunds, csvSeparator(lang()));
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${s.id}.csv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Figure(props: { label: string; value: string; wide?: boolean }) {
  return (
    <div class={`card ${props.wide ? "col-span-2" : ""}`}>
      <p class="text-xs text-slate-500 uppercase">{props.label}</p>
      <p class="mt-1 font-semibold tabular-nums">{props.value}</p>
    </div>
  );
}

export function SettlementPage() {
  const params = useParams();
  // One settlement, of one app and mode: the header's switches send this page to the list (layout.tsx).
  const source = objectSource(() => params.id ?? "");
  const [settlement] = createResource(source, (s) => call<Settlement>("GET", `/v1/settlements/${s.id}`, inScope(s)));
  const pager = createPager(source, (cursor, s) => list<Payment>(`/v1/settlements/${s.id}/payments`, inScope(s, { query: { cursor, limit: 50 } })));
  const refunds = createPager(source, (cursor, s) => list<Refund>(`/v1/settlements/${s.id}/refunds`, inScope(s, { query: { cursor, limit: 50 } })));
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
            <div class="mb-2 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-7" id="settlement-figures">
              <Figure wide label={t("settlements.period")} value={period(s)} />
              <Figure label={t("settlements.count")} value={String(s.count)} />
              <Figure label={t("settlements.gross")} value={money(s.gross_amount, s.currency)} />
              <Figure label={t("settlements.fees")} value={money(s.fee_amount, s.currency)} />
              <Figure label={t("settlements.refunded")} value={money(s.refunded_amount, s.currency)} />
              <Figure label={t("settlements.net")} value={money(s.net_amount, s.currency)} />
            </div>
            {/* How the bank line is made: the API's own figures, never added up here. */}
            <p class="mb-4 text-sm text-slate-600 tabular-nums">
              {tf("settlements.equation", {
                net: money(s.net_amount, s.currency),
                gross: money(s.gross_amount, s.currency),
                fees: money(s.fee_amount, s.currency),
                refunded: money(s.refunded_amount, s.currency),
              })}
            </p>
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
      <Section title={t("settlements.refunds")} id="settlement-refunds">
        <Load data={refunds.page}>
          {(p) => (
            <Show when={p.data.length > 0} fallback={<p class="text-sm text-slate-500">{t("settlements.noRefunds")}</p>}>
              <DataTable rows={p.data} columns={[refundColumns.id(), refundColumns.payment(), refundColumns.amount(), refundColumns.completed()]} />
              <PagerButtons pager={refunds} />
            </Show>
          )}
        </Load>
      </Section>
    </>
  );
}

import { createResource, For, Show } from "solid-js";
import { call, list } from "../api";
import { paymentColumns } from "../columns";
import { day, money, percent } from "../format";
import { t, tf } from "../i18n";
import { NeedsApp } from "../layout";
import { inApp, inScope, mode } from "../state";
import type { ApiKey, Payment, Stats } from "../types";
import { DataTable, Load, PageTitle, Section } from "../ui";

function Card(props: { label: string; value: string }) {
  return (
    <div class="card">
      <p class="text-xs tracking-wide text-slate-500 uppercase">{props.label}</p>
      <p class="mt-1 text-xl font-semibold tabular-nums">{props.value}</p>
    </div>
  );
}

/** Volume by day as plain SVG bars; the table beneath gives the same numbers to screen readers. */
function VolumeChart(props: { stats: Stats }) {
  const W = 600;
  const H = 160;
  const days = () => props.stats.by_day;
  const max = () => Math.max(1, ...days().map((d) => d.volume));
  const bar = () => W / Math.max(1, days().length);
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H + 18}`} class="h-44 w-full" role="img" aria-label={t("overview.chart")}>
        <For each={days()}>
          {(d, i) => {
            const h = () => Math.round((d.volume / max()) * H);
            return (
              <rect x={i() * bar() + 1} y={H - h()} width={Math.max(1, bar() - 2)} height={Math.max(h(), d.volume > 0 ? 1 : 0)} class="fill-blue-600">
                <title>{tf("common.labelValue", { label: day(d.date), value: money(d.volume, props.stats.currency) })}</title>
              </rect>
            );
          }}
        </For>
        <line x1="0" x2={W} y1={H} y2={H} class="stroke-slate-300" />
        <Show when={days().length > 0}>
          <text x="0" y={H + 14} class="fill-slate-500 text-[10px]">
            {day(days()[0]?.date ?? props.stats.from)}
          </text>
          <text x={W} y={H + 14} text-anchor="end" class="fill-slate-500 text-[10px]">
            {day(days()[days().length - 1]?.date ?? props.stats.to)}
          </text>
        </Show>
      </svg>
    </figure>
  );
}

/**
 * The first payment's command, to paste in a terminal. The API never gives a key back (only
 * its prefix, `sk_test_eQJ1…m029`), so the command reads it from `$ZEROFEE_SECRET_KEY`, which
 * the merchant sets to the key they copied when they created it: pasted as shown, it works.
 */
const firstPaymentCommand = (origin: string) => `curl -s ${origin}/v1/payments -H "Authorization: Bearer $ZEROFEE_SECRET_KEY" \\
  -H "Content-Type: application/json" -H "Idempotency-Key: $(date +%s%N)" \\
  -d '{"amount":1500,"payment_method":"PAYIN_ORANGE_CI","customer":{"phone":"+225 07 00 00 00 00"}}'`;

/**
 * What to do when there is nothing yet. Test mode: the curl that makes a sandbox payment. Live
 * mode: where live payments come from — no command to paste, since a live one would ask a real
 * phone to pay.
 */
export function FirstPaymentHint() {
  const [keys] = createResource(
    () => inApp(),
    (s) => call<ApiKey[]>("GET", `/v1/apps/${s.app}/keys`),
  );
  const secret = () => keys.latest?.find((k) => k.type === "secret" && k.mode === mode() && !k.revoked_at);
  return (
    <div class="text-sm">
      <Show when={secret()} fallback={<p>{t("empty.noKey")}</p>}>
        {(k) => (
          <Show when={mode() === "test"} fallback={<p>{tf("empty.livePayments", { prefix: k().display })}</p>}>
            <p class="mb-2">{t("empty.payments")}</p>
            <p class="mb-2 text-slate-600">{tf("empty.keyHint", { prefix: k().display })}</p>
            <pre class="mono overflow-x-auto rounded bg-slate-900 p-3 text-slate-100">{firstPaymentCommand(location.origin)}</pre>
          </Show>
        )}
      </Show>
    </div>
  );
}

export function Overview() {
  const [stats] = createResource(
    () => inApp(),
    (s) => call<Stats>("GET", "/v1/stats", inScope(s)),
  );
  const [recent] = createResource(
    () => inApp(),
    (s) => list<Payment>("/v1/payments", inScope(s, { query: { limit: 8 } })),
  );
  return (
    <NeedsApp>
      <PageTitle>{t("overview.title")}</PageTitle>
      <Section title={t("overview.last30")} id="stats">
        <Load data={stats}>
          {(s) => (
            <>
              <div class="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4">
                <Card label={t("overview.volume")} value={money(s.totals.volume, s.currency)} />
                <Card label={t("overview.count")} value={String(s.totals.count)} />
                <Card label={t("overview.successRate")} value={percent(s.totals.success_rate)} />
                <Card label={t("overview.fees")} value={money(s.totals.fee_amount, s.currency)} />
              </div>
              <h3 class="mb-1 text-sm font-medium">{t("overview.chart")}</h3>
              <VolumeChart stats={s} />
            </>
          )}
        </Load>
      </Section>
      <Section title={t("overview.recent")} id="recent">
        <Load data={recent}>
          {(p) => (
            <Show when={p.data.length > 0} fallback={<FirstPaymentHint />}>
              <DataTable
                rows={p.data}
                columns={[paymentColumns.id(), paymentColumns.amount(), paymentColumns.status(), paymentColumns.method(), paymentColumns.created()]}
              />
            </Show>
          )}
        </Load>
      </Section>
    </NeedsApp>
  );
}

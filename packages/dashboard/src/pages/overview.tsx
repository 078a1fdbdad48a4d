import { createResource, createSignal, For, Show } from "solid-js";
import { call, list, listAll } from "../api";
import { paymentColumns } from "../columns";
import { day, money, percent } from "../format";
import { t, tf } from "../i18n";
import { NeedsApp } from "../layout";
import { inApp, inScope, mode, type Scope } from "../state";
import type { ApiKey, Payment, Stats } from "../types";
import { DataTable, Load, lastValue, PageTitle, Section } from "../ui";

function Card(props: { label: string; value: string }) {
  return (
    <div class="card">
      <p class="text-xs tracking-wide text-slate-500 uppercase">{props.label}</p>
      <p class="mt-1 text-xl font-semibold tabular-nums">{props.value}</p>
    </div>
  );
}

/**
 * Volume by day as plain SVG bars across the card's whole width: no viewBox, bars placed in
 * percentages, so the chart stretches with the card while its labels keep their size. The
 * SVG is for the eye only; a visually hidden table gives screen readers the same numbers.
 */
function VolumeChart(props: { stats: Stats }) {
  const H = 160;
  const days = () => props.stats.by_day;
  const max = () => Math.max(1, ...days().map((d) => d.volume));
  const step = () => 100 / Math.max(1, days().length);
  return (
    <figure>
      <svg width="100%" height={H + 18} class="block" aria-hidden="true">
        <For each={days()}>
          {(d, i) => {
            const h = () => Math.round((d.volume / max()) * H);
            return (
              <rect
                x={`${(i() + 0.1) * step()}%`}
                y={H - Math.max(h(), d.volume > 0 ? 1 : 0)}
                width={`${step() * 0.8}%`}
                height={Math.max(h(), d.volume > 0 ? 1 : 0)}
                class="fill-blue-600"
              >
                <title>{tf("common.labelValue", { label: day(d.date), value: money(d.volume, props.stats.currency) })}</title>
              </rect>
            );
          }}
        </For>
        <line x1="0" x2="100%" y1={H} y2={H} class="stroke-slate-300" />
        <Show when={days().length > 0}>
          <text x="0" y={H + 14} class="fill-slate-500 text-[10px]">
            {day(days()[0]?.date ?? props.stats.from)}
          </text>
          <text x="100%" y={H + 14} text-anchor="end" class="fill-slate-500 text-[10px]">
            {day(days()[days().length - 1]?.date ?? props.stats.to)}
          </text>
        </Show>
      </svg>
      {/* A table sizes itself to its content whatever its class: the 1 px box is its wrapper. */}
      <div class="sr-only">
        <table>
          <caption>{t("overview.chart")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("overview.day")}</th>
              <th scope="col">{t("overview.volume")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={days()}>
              {(d) => (
                <tr>
                  <th scope="row">{day(d.date)}</th>
                  <td>{money(d.volume, props.stats.currency)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
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
    (s) => listAll<ApiKey>(`/v1/apps/${s.app}/keys`),
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

/**
 * The currency the merchant picked for each app and mode, for as long as the page is open: the
 * overview opens on the app's main currency, and shows the one picked when the merchant comes
 * back to it. (Not in the address: `/dashboard?currency=` is where the router puts the overview,
 * and the server answers `/dashboard` with a redirect that drops the query.)
 */
const [picked, setPicked] = createSignal<Record<string, string>>({});
const pickKey = (s: Scope) => `${s.app}:${s.mode}`;

/**
 * Which currency the figures are in, when the app has payments in several: amounts are never
 * added across currencies (SPEC §10), so the merchant picks one (`picked`).
 */
function CurrencyPicker(props: { stats: Stats; onPick: (currency: string) => void }) {
  const choices = () => [...new Set([props.stats.currency ?? "", ...props.stats.currencies])].filter(Boolean).sort();
  return (
    <div class="mb-3 flex flex-wrap items-center justify-between gap-2">
      <p class="text-sm text-slate-600">{t("overview.perCurrency")}</p>
      <label class="flex items-center gap-2 text-sm">
        {t("common.currency")}
        <select class="input w-auto" value={props.stats.currency ?? ""} onChange={(e) => props.onPick(e.currentTarget.value)}>
          <For each={choices()}>{(c) => <option value={c}>{c}</option>}</For>
        </select>
      </label>
    </div>
  );
}

export function Overview() {
  const [stats] = createResource(
    () => {
      const s = inApp();
      return s && { ...s, currency: picked()[pickKey(s)] };
    },
    (s) => call<Stats>("GET", "/v1/stats", inScope(s, { query: { currency: s.currency } })),
  );
  const [recent] = createResource(
    () => inApp(),
    (s) => list<Payment>("/v1/payments", inScope(s, { query: { limit: 8 } })),
  );
  const shown = () => lastValue(stats)?.currency;
  return (
    <NeedsApp>
      <PageTitle>{t("overview.title")}</PageTitle>
      <Section title={shown() ? tf("overview.last30In", { currency: shown() ?? "" }) : t("overview.last30")} id="stats">
        <Load data={stats}>
          {(s) => (
            <>
              <Show when={s.currencies.length > 0}>
                <CurrencyPicker
                  stats={s}
                  onPick={(currency) => {
                    const scope = inApp();
                    if (scope) setPicked({ ...picked(), [pickKey(scope)]: currency });
                  }}
                />
              </Show>
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

import { A, useParams } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import { call, list } from "../api";
import { dateTime, money, parseMinor, toMajorText } from "../format";
import { t } from "../i18n";
import { inApp, scoped } from "../state";
import type { Payment, ZfEvent } from "../types";
import { ActionError, Badge, createAction, DataTable, Load, Modal, Notice, PageTitle, refreshWhile, Section } from "../ui";
import { EventTable } from "./events";

const REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;

/** The refund dialog (SPEC §11): `Amount` (default: what is left) and a confirm button `Refund`. */
function RefundDialog(props: { payment: Payment; open: boolean; onClose: () => void; onDone: () => void }) {
  const left = () => props.payment.amount - (props.payment.amount_refunded ?? 0);
  const [amount, setAmount] = createSignal(toMajorText(left(), props.payment.currency));
  const [reason, setReason] = createSignal<string>("requested_by_customer");
  const [invalid, setInvalid] = createSignal(false);
  const refund = createAction(async () => {
    const minor = parseMinor(amount(), props.payment.currency);
    setInvalid(minor === null);
    if (minor === null) return;
    await call("POST", "/v1/refunds", scoped({ body: { payment_id: props.payment.id, amount: minor, reason: reason() } }));
    props.onDone();
  });
  return (
    <Modal title={t("refund.title")} open={props.open} onClose={props.onClose}>
      <form
        class="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          refund.run();
        }}
      >
        <p class="text-sm text-slate-600">
          {t("refund.left")}: {money(left(), props.payment.currency)}
        </p>
        <div>
          <label class="label" for="refund-amount">
            {t("refund.amount")}
          </label>
          <input
            id="refund-amount"
            class="input"
            inputmode="decimal"
            required
            aria-invalid={invalid()}
            aria-describedby="refund-amount-error"
            value={amount()}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <Show when={invalid()}>
            <p id="refund-amount-error" class="mt-1 text-xs text-red-700">
              {t("refund.badAmount")}
            </p>
          </Show>
        </div>
        <div>
          <label class="label" for="refund-reason">
            {t("refund.reason")}
          </label>
          <select id="refund-reason" class="input" value={reason()} onChange={(e) => setReason(e.currentTarget.value)}>
            <For each={REASONS}>{(r) => <option value={r}>{t(`refund.reason.${r}`)}</option>}</For>
          </select>
        </div>
        <ActionError action={refund} />
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={props.onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" class="btn btn-primary" disabled={refund.busy()}>
            {t("refund.button")}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function Row(props: { label: string; children: unknown }) {
  return (
    <div class="flex justify-between gap-3 border-b border-slate-100 py-1 text-sm">
      <dt class="text-slate-500">{props.label}</dt>
      <dd class="text-right break-all">{props.children as string}</dd>
    </div>
  );
}

export function Transaction() {
  const params = useParams();
  const [payment, { refetch }] = createResource(
    () => inApp({ id: params.id }),
    (s) => call<Payment>("GET", `/v1/payments/${s.id}`, scoped()),
  );
  const [events, ev] = createResource(
    () => inApp({ id: params.id }),
    (s) => list<ZfEvent>("/v1/events", scoped({ query: { object_id: s.id, limit: 50 } })),
  );
  refreshWhile(() => events.latest?.data.some((e) => e.delivery.status === "pending") ?? false, ev.refetch);
  const [refunding, setRefunding] = createSignal(false);
  const [refunded, setRefunded] = createSignal(false);
  return (
    <>
      <p class="mb-2 text-sm">
        <A class="text-blue-700 underline" href="/transactions">
          ← {t("tx.back")}
        </A>
      </p>
      <Load data={payment}>
        {(p) => (
          <>
            <PageTitle
              actions={
                <Show when={p.status === "completed" && (p.amount_refunded ?? 0) < p.amount}>
                  <button type="button" class="btn btn-primary" onClick={() => setRefunding(true)}>
                    {t("refund.button")}
                  </button>
                </Show>
              }
            >
              {t("tx.detail")} <span class="mono align-middle">{p.id}</span>
            </PageTitle>
            <Show when={refunded()}>
              <div class="mb-3">
                <Notice>{t("refund.done")}</Notice>
              </div>
            </Show>
            <div class="grid gap-4 lg:grid-cols-2">
              <Section title={money(p.amount, p.currency)} id="summary">
                <dl>
                  <Row label={t("common.status")}>
                    <Badge status={p.status} />
                  </Row>
                  <Row label={t("common.method")}>{p.payment_method}</Row>
                  <Row label={t("common.provider")}>{p.provider ?? "—"}</Row>
                  <Row label={t("common.reference")}>{p.reference ?? "—"}</Row>
                  <Row label={t("tx.customer")}>{[p.customer.name, p.customer.phone, p.customer.email].filter(Boolean).join(" · ") || "—"}</Row>
                  <Row label={t("tx.fee")}>{money(p.fee_amount, p.currency)}</Row>
                  <Row label={t("tx.net")}>{money(p.net_amount, p.currency)}</Row>
                  <Row label={t("tx.refunded")}>{money(p.amount_refunded ?? 0, p.currency)}</Row>
                  <Row label={t("common.created")}>{dateTime(p.created_at)}</Row>
                </dl>
                <Show when={p.failure_message}>
                  <p class="mt-2 text-sm text-red-700">{p.failure_message}</p>
                </Show>
              </Section>
              <Section title={t("tx.timeline")} id="timeline">
                <ol class="space-y-2 border-l-2 border-slate-200 pl-4 text-sm" aria-label={t("tx.timeline")}>
                  <For each={p.timeline}>
                    {(s) => (
                      <li>
                        <Badge status={s.status} /> <span class="text-slate-500">{s.source}</span>
                        <div class="text-xs text-slate-500">{dateTime(s.at)}</div>
                      </li>
                    )}
                  </For>
                </ol>
              </Section>
            </div>
            <Section title={t("tx.attempts")} id="attempts">
              <DataTable
                rows={p.attempts ?? []}
                columns={[
                  [t("common.provider"), (a) => a.provider],
                  [t("common.status"), (a) => <Badge status={a.status} />],
                  [t("common.reference"), (a) => <span class="mono">{a.provider_reference ?? a.provider_payment_id}</span>],
                  [t("webhook.lastError"), (a) => a.error_message ?? ""],
                  [t("common.created"), (a) => dateTime(a.created_at)],
                ]}
              />
            </Section>
            <Show when={(p.refunds ?? []).length > 0}>
              <Section title={t("refunds.title")} id="payment-refunds">
                <DataTable
                  rows={p.refunds ?? []}
                  columns={[
                    [t("common.id"), (r) => <span class="mono">{r.id}</span>],
                    [t("common.amount"), (r) => <span class="tabular-nums">{money(r.amount, r.currency)}</span>],
                    [t("common.status"), (r) => <Badge status={r.status} />],
                    [t("refund.reason"), (r) => r.reason ?? "—"],
                    [t("common.created"), (r) => dateTime(r.created_at)],
                  ]}
                />
              </Section>
            </Show>
            <RefundDialog
              payment={p}
              open={refunding()}
              onClose={() => setRefunding(false)}
              onDone={() => {
                setRefunding(false);
                setRefunded(true);
                refetch();
                ev.refetch();
              }}
            />
          </>
        )}
      </Load>
      <Section title={t("tx.events")} id="events">
        <Load data={events}>{(e) => <EventTable events={e.data} onResent={() => ev.refetch()} />}</Load>
      </Section>
    </>
  );
}

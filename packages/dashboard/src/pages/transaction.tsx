import { A, useParams } from "@solidjs/router";
import { createEffect, createResource, createSignal, For, on, Show } from "solid-js";
import { ApiFailure, call, list } from "../api";
import { refundColumns } from "../columns";
import { Modal } from "../dialog";
import { LocalError } from "../errors";
import { amountText, dateTime, minorDigits, money, parseAmount } from "../format";
import { codeLabel, failureText, t, tf } from "../i18n";
import { apps, inScope, objectSource, type Scope, setCurrentApp } from "../state";
import type { Payment, ZfEvent } from "../types";
import { ActionError, Badge, createAction, DataTable, Load, lastValue, Notice, PageTitle, refreshWhile, Section } from "../ui";
import { EventTable } from "./events";

const REASONS = ["requested_by_customer", "duplicate", "fraudulent"] as const;
const UNFINISHED = new Set(["pending", "requires_action", "processing"]);

/** The app and mode a payment lives in: every call about it names them. */
const scopeOf = (p: Payment): Scope => ({ app: p.app_id, mode: p.livemode ? "live" : "test" });

/**
 * The refund dialog (SPEC §11): `Amount` (default: what is left, written as the merchant's
 * language writes amounts) and a confirm button `Refund`. Each opening starts afresh.
 */
function RefundDialog(props: { payment: Payment; open: boolean; onClose: () => void; onDone: () => void; onStale: () => void }) {
  const currency = () => props.payment.currency;
  const left = () => props.payment.amount - (props.payment.amount_refunded ?? 0);
  const [amount, setAmount] = createSignal("");
  const [reason, setReason] = createSignal<string>("requested_by_customer");
  const [invalid, setInvalid] = createSignal<string | null>(null);
  // A refund asked for whose answer never came (no network, a 5xx) may have been made, and the API
  // replays no Idempotency-Key for a dashboard session: until the payment has been read again, the
  // dialog sends no other refund. It holds the ids of the refunds known before that request.
  const [unsure, setUnsure] = createSignal<Set<string> | null>(null);
  // Each refund asked for carries an Idempotency-Key, kept for the retry of one whose answer
  // was lost: still running on the server, or done, the retry is replayed, never a second refund.
  let key = "";
  let keyFor = "";
  const refund = createAction(async () => {
    const minor = parseAmount(amount(), currency());
    const cur = currency();
    if (minor === null) setInvalid(tf("amount.bad", { example: amountText(minorDigits(cur) === 0 ? 1500 : 1250, cur) }));
    else if (minor > left()) setInvalid(tf("refund.tooMuch", { left: money(left(), cur) }));
    else setInvalid(null);
    if (minor === null || invalid()) return;
    let known = new Set((props.payment.refunds ?? []).map((r) => r.id));
    const pending = unsure();
    if (pending) {
      // Fails as the request did while the server is still away: nothing is sent.
      const fresh = await call<Payment>("GET", `/v1/payments/${props.payment.id}`, inScope(scopeOf(props.payment)));
      setUnsure(null);
      props.onStale();
      if ((fresh.refunds ?? []).some((r) => !pending.has(r.id))) throw new LocalError(() => t("refund.wasMade"));
      known = new Set((fresh.refunds ?? []).map((r) => r.id));
    }
    const body = { payment_id: props.payment.id, amount: minor, reason: reason() };
    if (!pending || keyFor !== JSON.stringify(body)) {
      // getRandomValues, not randomUUID: the latter exists on https and localhost pages only.
      key = `dash_${Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("")}`;
      keyFor = JSON.stringify(body);
    }
    try {
      await call("POST", "/v1/refunds", inScope(scopeOf(props.payment), { body, key }));
    } catch (e) {
      if (e instanceof ApiFailure && (e.status === 0 || e.status >= 500)) {
        setUnsure(known);
        props.onStale();
        throw new LocalError(() => t("refund.unknown"));
      }
      // Less was left than this page knew (a refund made elsewhere meanwhile): say how much, in the payment's currency.
      if (e instanceof ApiFailure && e.code === "refund_exceeds_payment") {
        const fresh = await call<Payment>("GET", `/v1/payments/${props.payment.id}`, inScope(scopeOf(props.payment))).catch(() => null);
        props.onStale();
        if (fresh) {
          const now = fresh.amount - (fresh.amount_refunded ?? 0);
          throw new LocalError(() => `${t("error.refundExceeds")} ${tf("refund.tooMuch", { left: money(now, cur) })}`);
        }
      }
      throw e;
    }
    props.onDone();
  });
  createEffect(
    on(
      () => props.open,
      (open) => {
        if (!open) return;
        setAmount(amountText(left(), currency()));
        setReason("requested_by_customer");
        setInvalid(null);
        refund.clear();
      },
    ),
  );
  return (
    <Modal title={t("refund.title")} open={props.open} onClose={props.onClose}>
      <form
        class="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          refund.run();
        }}
      >
        <p class="text-sm text-slate-600">{tf("refund.left", { amount: money(left(), currency()) })}</p>
        <div>
          <label class="label" for="refund-amount">
            {t("refund.amount")}
          </label>
          <input
            id="refund-amount"
            class="input"
            inputmode="decimal"
            autocomplete="off"
            required
            aria-invalid={invalid() !== null}
            aria-describedby={invalid() ? "refund-amount-error" : undefined}
            value={amount()}
            onInput={(e) => setAmount(e.currentTarget.value)}
          />
          <Show when={invalid()}>
            <p id="refund-amount-error" class="mt-1 text-xs text-red-700">
              {invalid()}
            </p>
          </Show>
        </div>
        <div>
          <label class="label" for="refund-reason">
            {t("refund.reason")}
          </label>
          <select id="refund-reason" class="input" value={reason()} onChange={(e) => setReason(e.currentTarget.value)}>
            <For each={REASONS}>{(r) => <option value={r}>{codeLabel("refund.reason", r)}</option>}</For>
          </select>
        </div>
        <ActionError action={refund} />
        <div class="flex justify-end gap-2">
          <button type="button" class="btn" onClick={() => props.onClose()}>
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

/**
 * A payment of the header's app and mode or, for a link from another of the account's apps,
 * that app's (the header then shows it); a 404 only when no app has it.
 */
async function findPayment(s: { id: string } & Scope): Promise<Payment> {
  const others = apps()
    .map((a) => a.id)
    .filter((a) => a !== s.app);
  let missing: unknown;
  for (const app of [s.app, ...others]) {
    try {
      const p = await call<Payment>("GET", `/v1/payments/${s.id}`, inScope({ app, mode: s.mode }));
      if (app !== s.app) setCurrentApp(app);
      return p;
    } catch (e) {
      if (!(e instanceof ApiFailure && e.status === 404)) throw e;
      missing ??= e;
    }
  }
  throw missing;
}

export function Transaction() {
  const params = useParams();
  const source = objectSource(() => params.id ?? "");
  // A refresh asks the payment's own app first.
  const [payment, { refetch }] = createResource(source, (s, { value }: { value?: Payment }) =>
    findPayment(value?.id === s.id ? { ...s, ...scopeOf(value) } : s),
  );
  // The payment's events and its refunds' (refund.created, refund.completed…: their object is the
  // refund), newest first, so each one's deliveries can be seen and resent from here.
  const [events, ev] = createResource(
    () => {
      const p = lastValue(payment);
      return p && p.id === params.id ? { id: p.id, refunds: (p.refunds ?? []).map((r) => r.id), ...scopeOf(p) } : undefined;
    },
    async (s) => {
      const pages = await Promise.all([s.id, ...s.refunds].map((id) => list<ZfEvent>("/v1/events", inScope(s, { query: { object_id: id, limit: 50 } }))));
      const data = pages.flatMap((page) => page.data).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      return { data, scope: { app: s.app, mode: s.mode } };
    },
  );
  // Calm polls while something is on its way: a payment not final yet, a refund at its provider, a webhook queued.
  const paymentPoll = refreshWhile(() => {
    const p = lastValue(payment);
    return !!p && (UNFINISHED.has(p.status) || (p.refunds ?? []).some((r) => r.status === "pending"));
  }, refetch);
  const eventPoll = refreshWhile(() => lastValue(events)?.data.some((e) => e.delivery.status === "pending") ?? false, ev.refetch);
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
                  <p class="mt-2 text-sm text-red-700">{failureText(p.failure_code, p.failure_message)}</p>
                </Show>
              </Section>
              <Section title={t("tx.timeline")} id="timeline">
                <ol class="space-y-2 border-l-2 border-slate-200 pl-4 text-sm" aria-label={t("tx.timeline")}>
                  <For each={p.timeline}>
                    {(s) => (
                      <li>
                        <Badge status={s.status} /> <span class="text-slate-500">{codeLabel("source", s.source)}</span>
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
                  [t("common.status"), (a) => <Badge status={a.status} kind="attempt" />],
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
                  columns={[refundColumns.id(), refundColumns.amount(), refundColumns.status(), refundColumns.reason(), refundColumns.created()]}
                />
              </Section>
            </Show>
            <RefundDialog
              payment={p}
              open={refunding()}
              onClose={() => setRefunding(false)}
              onStale={() => refetch()}
              onDone={() => {
                setRefunding(false);
                setRefunded(true);
                paymentPoll.restart();
                eventPoll.restart();
                refetch();
                ev.refetch();
              }}
            />
          </>
        )}
      </Load>
      {/* A payment that could not be read has no events to wait for (never a "Loading…" that stays). */}
      <Show when={payment.state !== "errored" || events.state === "ready" || events.state === "refreshing"}>
        <Section title={t("tx.events")} id="events">
          <Load data={events}>
            {(e) => (
              <EventTable
                events={e.data}
                scope={e.scope}
                onResent={() => {
                  eventPoll.restart();
                  ev.refetch();
                }}
              />
            )}
          </Load>
        </Section>
      </Show>
    </>
  );
}

import { Show } from "solid-js";
import { dateTime, money, utcDateTime } from "./format";
import { codeLabel, failureText, t } from "./i18n";
import type { Payment, Refund } from "./types";
import { Badge, type Column, IdLink } from "./ui";

/** Payment columns shared by the overview, the transactions list and a settlement's payments. */
export const paymentColumns = {
  id: (): Column<Payment> => [t("common.id"), (x) => <IdLink id={x.id} href={`/transactions/${x.id}`} />],
  amount: (): Column<Payment> => [t("common.amount"), (x) => <span class="tabular-nums">{money(x.amount, x.currency)}</span>],
  fee: (): Column<Payment> => [t("tx.fee"), (x) => <span class="tabular-nums">{money(x.fee_amount, x.currency)}</span>],
  status: (): Column<Payment> => [t("common.status"), (x) => <Badge status={x.status} />],
  method: (): Column<Payment> => [t("common.method"), (x) => x.payment_method],
  provider: (): Column<Payment> => [t("common.provider"), (x) => x.provider ?? "—"],
  reference: (): Column<Payment> => [t("common.reference"), (x) => x.reference ?? "—"],
  created: (): Column<Payment> => [t("common.created"), (x) => dateTime(x.created_at)],
};

/** Refund columns shared by the refunds list, a payment's refunds and a settlement's refunds. */
export const refundColumns = {
  id: (): Column<Refund> => [t("common.id"), (r) => <span class="mono">{r.id}</span>],
  amount: (): Column<Refund> => [t("common.amount"), (r) => <span class="tabular-nums">{money(r.amount, r.currency)}</span>],
  status: (): Column<Refund> => [
    t("common.status"),
    (r) => (
      <>
        <Badge status={r.status} />
        <Show when={r.failure_message}>
          <span class="ml-1 text-xs text-red-700">{failureText(r.failure_code, r.failure_message)}</span>
        </Show>
      </>
    ),
  ],
  payment: (): Column<Refund> => [t("refunds.payment"), (r) => <IdLink id={r.payment_id} href={`/transactions/${r.payment_id}`} />],
  reason: (): Column<Refund> => [t("refund.reason"), (r) => (r.reason ? codeLabel("refund.reason", r.reason) : "—")],
  created: (): Column<Refund> => [t("common.created"), (r) => dateTime(r.created_at)],
  /** When a refund a settlement deducted completed: in UTC, as the settlement's period is cut. */
  completed: (): Column<Refund> => [t("settlements.completedAt"), (r) => utcDateTime(r.completed_at)],
};

import { dateTime, money } from "./format";
import { t } from "./i18n";
import type { Payment } from "./types";
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

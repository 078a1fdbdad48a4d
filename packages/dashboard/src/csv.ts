/**
 * A settlement as one CSV an accountant can reconcile a bank line with: a row per payment it
 * holds and a row per refund it deducted, told apart by `kind`. Amounts are integers in minor
 * units, as the API gives them; `net_amount` is what the row adds to the settlement's net
 * (a payment's `amount − fee_amount`, a refund's `−amount`), so the column sums to the
 * settlement's `net_amount`. Header names are stable: scripts read columns by name. A refund
 * row carries its payment's `reference` and `payment_method` (the API gives them with the
 * settlement's refunds), so it matches its order even when the payment sat in an earlier
 * settlement.
 *
 * The file is what Excel opens right: UTF-8 with a byte order mark (without one Excel reads it
 * as Windows-1252: `café` becomes `cafÃ©`), and `;` between cells in French (French Excel
 * takes `,` as the decimal mark and splits on `;`), `,` in English. Pure: no DOM, so it is
 * unit-tested in Node (csv.test.ts).
 */

/** The columns, in order; never translated. */
export const SETTLEMENT_CSV_COLUMNS = [
  "kind",
  "id",
  "payment_id",
  "reference",
  "amount",
  "fee_amount",
  "net_amount",
  "currency",
  "payment_method",
  "provider",
  "completed_at",
] as const;

/** What goes between cells: `;` for French spreadsheets, `,` otherwise. */
export type CsvSeparator = "," | ";";

/** U+FEFF, the UTF-8 byte order mark the file starts with. */
export const BOM = "\uFEFF";

type Column = (typeof SETTLEMENT_CSV_COLUMNS)[number];
type Cell = string | number | null | undefined;

/** What the CSV reads of a payment (`GET /v1/settlements/{id}/payments`). */
export interface CsvPayment {
  id: string;
  reference?: string | null;
  amount: number;
  fee_amount?: number | null;
  net_amount?: number | null;
  currency: string;
  payment_method: string;
  provider?: string | null;
  completed_at?: string | null;
}

/** What the CSV reads of a refund (`GET /v1/settlements/{id}/refunds`: with its payment's reference and method). */
export interface CsvRefund {
  id: string;
  payment_id: string;
  payment_reference?: string | null;
  payment_method?: string | null;
  amount: number;
  currency: string;
  provider: string;
  completed_at?: string | null;
}

/**
 * One CSV cell. A text starting with = + - @ would be a formula in a spreadsheet: quoted and
 * prefixed with '. A number (a refund's negative net) is left as it is, so it still adds up.
 * A text holding the separator in use, a quote or a line break is quoted (RFC 4180).
 * @example csvCell("=HYPERLINK(…)") // "\"'=HYPERLINK(…)\""
 * @example csvCell("a;b", ";") // "\"a;b\""
 * @example csvCell(-2000) // "-2000"
 */
export function csvCell(value: Cell, separator: CsvSeparator = ","): string {
  if (typeof value === "number") return String(value);
  const s = value ?? "";
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return safe.includes(separator) || /["\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function paymentRow(p: CsvPayment): Record<Column, Cell> {
  return {
    kind: "payment",
    id: p.id,
    payment_id: p.id,
    reference: p.reference,
    amount: p.amount,
    fee_amount: p.fee_amount,
    net_amount: p.net_amount,
    currency: p.currency,
    payment_method: p.payment_method,
    provider: p.provider,
    completed_at: p.completed_at,
  };
}

function refundRow(r: CsvRefund): Record<Column, Cell> {
  return {
    kind: "refund",
    id: r.id,
    payment_id: r.payment_id,
    reference: r.payment_reference,
    amount: r.amount,
    // A refund gives the customer's money back, not the fee: the settlement keeps the fee.
    fee_amount: 0,
    net_amount: -r.amount,
    currency: r.currency,
    payment_method: r.payment_method,
    provider: r.provider,
    completed_at: r.completed_at,
  };
}

/** The separator for the dashboard's language: `;` in French, `,` in English. */
export const csvSeparator = (lang: "en" | "fr"): CsvSeparator => (lang === "fr" ? ";" : ",");

/**
 * The byte order mark, the header, then the payments, then the refunds, `separator` between
 * cells, CRLF line ends (RFC 4180).
 * @example settlementCsv([{ id: "txn_1", amount: 5000, fee_amount: 50, net_amount: 4950, … }], [{ id: "re_1", amount: 2000, … }])
 * // \uFEFFkind,id,payment_id,…\r\npayment,txn_1,txn_1,order-1,5000,50,4950,…\r\nrefund,re_1,txn_1,order-1,2000,0,-2000,…\r\n
 */
export function settlementCsv(payments: CsvPayment[], refunds: CsvRefund[], separator: CsvSeparator = ","): string {
  const rows = [...payments.map(paymentRow), ...refunds.map(refundRow)];
  const lines = [SETTLEMENT_CSV_COLUMNS.join(separator), ...rows.map((row) => SETTLEMENT_CSV_COLUMNS.map((c) => csvCell(row[c], separator)).join(separator))];
  return `${BOM}${lines.join("\r\n")}\r\n`;
}

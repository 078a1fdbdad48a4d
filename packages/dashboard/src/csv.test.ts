import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CsvPayment, type CsvRefund, csvCell, SETTLEMENT_CSV_COLUMNS, settlementCsv } from "./csv";

const payment = (id: string, amount: number, fee: number, extra: Partial<CsvPayment> = {}): CsvPayment => ({
  id,
  reference: `order-${id}`,
  amount,
  fee_amount: fee,
  net_amount: amount - fee,
  currency: "XOF",
  payment_method: "PAYIN_ORANGE_CI",
  provider: "hub2",
  completed_at: "2026-05-18T10:00:00.000Z",
  ...extra,
});
const refund = (id: string, paymentId: string, amount: number): CsvRefund => ({
  id,
  payment_id: paymentId,
  amount,
  currency: "XOF",
  provider: "hub2",
  completed_at: "2026-05-18T11:00:00.000Z",
});

/** The CSV's rows as records by header name (cells here hold no comma). */
function records(csv: string): Array<Record<string, string>> {
  const [header = "", ...lines] = csv.split("\r\n").filter((l) => l !== "");
  const names = header.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [names[i], v])));
}

describe("settlementCsv", () => {
  it("has a stable header, a row per payment then a row per refund, told apart by kind", () => {
    const csv = settlementCsv([payment("txn_1", 5000, 50)], [refund("re_1", "txn_1", 2000)]);
    expect(csv.split("\r\n")).toEqual([
      "kind,id,payment_id,reference,amount,fee_amount,net_amount,currency,payment_method,provider,completed_at",
      "payment,txn_1,txn_1,order-txn_1,5000,50,4950,XOF,PAYIN_ORANGE_CI,hub2,2026-05-18T10:00:00.000Z",
      "refund,re_1,txn_1,,2000,0,-2000,XOF,,hub2,2026-05-18T11:00:00.000Z",
      "",
    ]);
  });

  it("adds up: Σ payments − Σ their fees − Σ refunds = Σ net_amount, for any settlement", () => {
    const amounts = fc.integer({ min: 1, max: 1_000_000_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(amounts, fc.nat(100)), { maxLength: 20 }), fc.array(amounts, { maxLength: 20 }), (ps, rs) => {
        const rows = records(
          settlementCsv(
            ps.map(([a, bps], i) => payment(`txn_${i}`, a, Math.floor((a * bps) / 100))),
            rs.map((a, i) => refund(`re_${i}`, "txn_0", a)),
          ),
        );
        const sum = (kind: string, column: string) => rows.filter((r) => r.kind === kind).reduce((s, r) => s + Number(r[column]), 0);
        const net = sum("payment", "amount") - sum("payment", "fee_amount") - sum("refund", "amount");
        expect(rows.reduce((s, r) => s + Number(r.net_amount), 0)).toBe(net);
        expect(rows).toHaveLength(ps.length + rs.length);
      }),
    );
  });

  it("keeps spreadsheet formulas out of text cells, never out of numbers", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe('"\'=HYPERLINK(1)"');
    expect(csvCell("-1+1")).toBe('"\'-1+1"');
    expect(csvCell("@sum")).toBe('"\'@sum"');
    expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
    expect(csvCell(-2000)).toBe("-2000");
    expect(csvCell(null)).toBe("");
    expect(SETTLEMENT_CSV_COLUMNS[0]).toBe("kind");
  });
});

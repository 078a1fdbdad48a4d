import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BOM, type CsvPayment, type CsvRefund, csvCell, csvSeparator, SETTLEMENT_CSV_COLUMNS, settlementCsv } from "./csv";

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
const refund = (id: string, paymentId: string, amount: number, extra: Partial<CsvRefund> = {}): CsvRefund => ({
  id,
  payment_id: paymentId,
  // As GET /v1/settlements/{id}/refunds gives them: the refunded payment's reference and method.
  payment_reference: `order-${paymentId}`,
  payment_method: "PAYIN_ORANGE_CI",
  amount,
  currency: "XOF",
  provider: "hub2",
  completed_at: "2026-05-18T11:00:00.000Z",
  ...extra,
});

/** The CSV's rows as records by header name (cells here hold no separator). */
function records(csv: string, separator = ","): Array<Record<string, string>> {
  expect(csv.startsWith(BOM)).toBe(true);
  const [header = "", ...lines] = csv
    .slice(BOM.length)
    .split("\r\n")
    .filter((l) => l !== "");
  const names = header.split(separator);
  return lines.map((l) => Object.fromEntries(l.split(separator).map((v, i) => [names[i], v])));
}

describe("settlementCsv", () => {
  it("has a stable header, a row per payment then a row per refund, told apart by kind; a refund names its payment's reference and method", () => {
    const csv = settlementCsv([payment("txn_1", 5000, 50)], [refund("re_1", "txn_1", 2000)]);
    expect(csv.split("\r\n")).toEqual([
      `${BOM}kind,id,payment_id,reference,amount,fee_amount,net_amount,currency,payment_method,provider,completed_at`,
      "payment,txn_1,txn_1,order-txn_1,5000,50,4950,XOF,PAYIN_ORANGE_CI,hub2,2026-05-18T10:00:00.000Z",
      "refund,re_1,txn_1,order-txn_1,2000,0,-2000,XOF,PAYIN_ORANGE_CI,hub2,2026-05-18T11:00:00.000Z",
      "",
    ]);
  });

  it("a refund whose payment sat in an earlier settlement still carries that payment's reference and method", () => {
    const csv = settlementCsv([], [refund("re_2", "txn_old", 700, { payment_reference: "order-41", payment_method: "PAYIN_MTN_CI" })]);
    expect(records(csv)).toEqual([
      expect.objectContaining({ kind: "refund", id: "re_2", payment_id: "txn_old", reference: "order-41", payment_method: "PAYIN_MTN_CI", net_amount: "-700" }),
    ]);
    // A payment with no reference: an empty cell.
    expect(records(settlementCsv([], [refund("re_3", "txn_x", 1, { payment_reference: null })]))[0]?.reference).toBe("");
  });

  it("starts with a UTF-8 byte order mark, so Excel reads accents right", () => {
    const csv = settlementCsv([payment("txn_1", 5000, 50, { reference: "café" })], []);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const bytes = new TextEncoder().encode(csv);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toContain(",café,");
  });

  it("separates cells with ; in French and , in English, quoting a cell that holds the separator in use", () => {
    expect(csvSeparator("fr")).toBe(";");
    expect(csvSeparator("en")).toBe(",");
    const ps = [payment("txn_1", 5000, 50, { reference: "a;b" }), payment("txn_2", 1250, 0, { reference: "c,d" })];
    const fr = settlementCsv(ps, [refund("re_1", "txn_1", 2000)], ";");
    const [header, first, second, third] = fr.slice(BOM.length).split("\r\n");
    expect(header).toBe("kind;id;payment_id;reference;amount;fee_amount;net_amount;currency;payment_method;provider;completed_at");
    expect(first).toBe('payment;txn_1;txn_1;"a;b";5000;50;4950;XOF;PAYIN_ORANGE_CI;hub2;2026-05-18T10:00:00.000Z');
    // A comma is plain text when ; separates.
    expect(second).toBe("payment;txn_2;txn_2;c,d;1250;0;1250;XOF;PAYIN_ORANGE_CI;hub2;2026-05-18T10:00:00.000Z");
    expect(third).toBe("refund;re_1;txn_1;order-txn_1;2000;0;-2000;XOF;PAYIN_ORANGE_CI;hub2;2026-05-18T11:00:00.000Z");
    const en = settlementCsv(ps, [], ",").slice(BOM.length).split("\r\n");
    expect(en[1]).toBe("payment,txn_1,txn_1,a;b,5000,50,4950,XOF,PAYIN_ORANGE_CI,hub2,2026-05-18T10:00:00.000Z");
    expect(en[2]).toBe('payment,txn_2,txn_2,"c,d",1250,0,1250,XOF,PAYIN_ORANGE_CI,hub2,2026-05-18T10:00:00.000Z');
    expect(csvCell("two\nlines", ";")).toBe('"two\nlines"');
    expect(csvCell('say "hi"', ";")).toBe('"say ""hi"""');
    expect(csvCell("=1;2", ";")).toBe('"\'=1;2"');
  });

  it("adds up: Σ payments − Σ their fees − Σ refunds = Σ net_amount, for any settlement", () => {
    const amounts = fc.integer({ min: 1, max: 1_000_000_000 });
    fc.assert(
      fc.property(fc.array(fc.tuple(amounts, fc.nat(100)), { maxLength: 20 }), fc.array(amounts, { maxLength: 20 }), (ps, rs) => {
        const rows = records(
          settlementCsv(
            ps.map(([a, bps], i) => payment(`txn_${i}`, a, Math.floor((a * bps) / 100))),
            rs.map((a, i) => refund(`re_${i}`, "txn_0", a)),
            ";",
          ),
          ";",
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

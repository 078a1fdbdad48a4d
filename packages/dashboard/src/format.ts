import { parseMinor, toMajorText } from "./amount";
import { locale } from "./i18n";

/** Minor-unit digits of a currency (XOF, XAF, GNF: 0; EUR, USD: 2), from Intl. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** An integer amount in minor units, shown in major units (display only: nothing is added here). */
export function money(amount: number | null | undefined, currency: string | null): string {
  if (amount === null || amount === undefined) return "—";
  // An app with no payments yet has no currency in its stats: a bare number, not "0 null".
  if (!currency) return new Intl.NumberFormat(locale()).format(amount);
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(locale(), { style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
      amount / 10 ** digits,
    );
  } catch {
    return `${amount} ${currency}`;
  }
}

/** The decimal mark of the merchant's language: what amount fields show and read first. */
export function decimalMark(): "," | "." {
  return new Intl.NumberFormat(locale()).formatToParts(1.5).find((p) => p.type === "decimal")?.value === "," ? "," : ".";
}

/**
 * A typed major-unit amount ("12,50", "1 500") in the currency to integer minor units
 * (amount.ts: string arithmetic, never floating point); null when it is not a valid amount.
 * A null currency (an app with no payment yet) takes whole numbers.
 */
export function parseAmount(text: string, currency: string | null, opts: { min?: number } = {}): number | null {
  return parseMinor(text, currency ? minorDigits(currency) : 0, decimalMark(), opts);
}

/** Minor units to the plain major-unit text an input holds, in the merchant's language ("1500", "12,50"). */
export function amountText(amount: number, currency: string | null): string {
  return toMajorText(amount, currency ? minorDigits(currency) : 0, decimalMark());
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function day(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(iso));
}

export function percent(rate: number | null, fractionDigits: { min?: number; max?: number } = { max: 1 }): string {
  // null: nothing in the range has ended yet, so there is no rate to show.
  if (rate === null) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", minimumFractionDigits: fractionDigits.min, maximumFractionDigits: fractionDigits.max }).format(
    rate,
  );
}

/** Basis points as a percentage in the merchant's language: 150 → "1.50%" / "1,50 %". */
export function basisPoints(bps: number): string {
  return percent(bps / 10_000, { min: 2, max: 2 });
}

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

/** How finely a UTC time is written: minutes, or seconds (and milliseconds) when a time has them. */
type Precision = 0 | 1 | 2;
const precision = (d: Date): Precision => (d.getUTCMilliseconds() !== 0 ? 2 : d.getUTCSeconds() !== 0 ? 1 : 0);

function utcText(d: Date, p: Precision): string {
  const opts: Intl.DateTimeFormatOptions = {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  };
  if (p >= 1) opts.second = "2-digit";
  if (p === 2) opts.fractionalSecondDigits = 3;
  return `${new Intl.DateTimeFormat(locale(), opts).format(d)} UTC`;
}

/**
 * A time in UTC with its zone written, for what is cut in UTC (settlements close at 00:00 UTC):
 * "7 Dec 2026, 00:00 UTC" / "7 déc. 2026, 00:00 UTC", with seconds (and milliseconds) when the
 * time is not on a whole minute, so two different times never read the same.
 */
export function utcDateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return utcText(d, precision(d));
}

/** A period `[start, end)` in UTC, both bounds as finely as the finer one needs. */
export function utcPeriod(start: string, end: string): string {
  const [a, b] = [new Date(start), new Date(end)];
  const p = Math.max(precision(a), precision(b)) as Precision;
  return `${utcText(a, p)} → ${utcText(b, p)}`;
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

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

/**
 * A typed major-unit amount ("12.50", "12,5", "1 500") to integer minor units by string
 * arithmetic, never floating point; null when it is not a valid amount for the currency.
 */
export function parseMinor(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  const s = text.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = m[2] ?? "";
  if (frac.length > digits) return null;
  const minor = Number.parseInt(`${m[1]}${frac.padEnd(digits, "0")}`, 10);
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** Minor units to the plain major-unit text an input holds ("1500", "12.50"). */
export function toMajorText(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const s = String(amount).padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function day(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(iso));
}

export function percent(rate: number | null): string {
  // null: nothing in the range has ended yet, so there is no rate to show.
  if (rate === null) return "—";
  return new Intl.NumberFormat(locale(), { style: "percent", maximumFractionDigits: 1 }).format(rate);
}

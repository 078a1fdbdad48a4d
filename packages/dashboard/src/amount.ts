/**
 * Typed amounts ⇄ integer minor units, by string arithmetic only (never a float), for a given
 * number of minor-unit digits and the decimal separator of the merchant's language. Pure: no
 * DOM, no i18n, so it is unit-tested in Node (amount.test.ts).
 */

/**
 * What a merchant types, in major units, to integer minor units; null when it is not an amount
 * of this precision. Spaces (also no-break) and the grouping separator are ignored. `,` and `.`
 * both work as the decimal mark, with one ambiguity settled by the language: a single mark
 * followed by exactly three digits is the decimal mark only where it is the language's own
 * (`fr`: "1,500" is 1.5 — too precise for EUR, so refused), else grouping (`en` "1,500",
 * `fr` "1.500" is 1500).
 * @example parseMinor("12,50", 2, ",") // 1250
 * @example parseMinor("1 500", 0, ",") // 1500
 * @example parseMinor("12.5", 0, ".") // null: XOF has no minor unit
 */
export function parseMinor(text: string, digits: number, decimalMark: "," | ".", opts: { min?: number } = {}): number | null {
  const s = text.replace(/[\s\u00a0\u202f']/g, "");
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  const marks = s.replace(/\d/g, "");
  let whole = s;
  let frac = "";
  const last = Math.max(s.lastIndexOf(","), s.lastIndexOf("."));
  const uniform = marks.length > 0 && [...marks].every((m) => m === marks[0]);
  const isDecimal = (() => {
    if (last < 0) return false;
    if (!uniform) return true; // "1.234,56" / "1,234.56": the last mark is the decimal one
    if (marks.length > 1) return false; // "1 000 000" spelled with one mark repeated
    const after = s.length - last - 1;
    return after !== 3 || s[last] === decimalMark;
  })();
  if (isDecimal) {
    whole = s.slice(0, last);
    frac = s.slice(last + 1);
  }
  const groups = whole.split(/[.,]/);
  // Grouping: digits in threes after the first group ("12,345,678"), never "1,2,3".
  if (groups.length > 1 && (groups.some((g, i) => (i === 0 ? g.length < 1 || g.length > 3 : g.length !== 3)) || /[.,]/.test(frac))) return null;
  const intPart = groups.join("");
  if (intPart === "" && frac === "") return null;
  if (frac.length > digits) return null;
  const minor = Number.parseInt(`${intPart || "0"}${frac.padEnd(digits, "0")}`, 10);
  if (!Number.isSafeInteger(minor)) return null;
  return minor >= (opts.min ?? 1) ? minor : null;
}

/**
 * Minor units to the plain major-unit text an input holds, with the language's decimal mark
 * and no grouping ("1500", "12,50").
 * @example toMajorText(12345, 2, ",") // "123,45"
 */
export function toMajorText(amount: number, digits: number, decimalMark: "," | "."): string {
  if (digits === 0) return String(amount);
  const s = String(amount).padStart(digits + 1, "0");
  return `${s.slice(0, -digits)}${decimalMark}${s.slice(-digits)}`;
}

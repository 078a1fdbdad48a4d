import type { Method, PhoneFormat } from "./types.js";

const re = (p: string, flags = "") => new RegExp(`^(?:${p})${flags}`);

/**
 * The national significant number from what the customer typed: national format
 * (`07 00 00 00 00`) or E.164 (`+225…`, `00225…`); the national prefix is dropped only where
 * the number is not valid with it (Côte d'Ivoire keeps its leading 0).
 */
export function nationalNumber(input: string, f: PhoneFormat): string {
  let digits = input.replace(/\D/g, "");
  const intl = /^\s*(\+|00)/.test(input);
  if (intl) {
    if (input.trim().startsWith("00")) digits = digits.slice(2);
    if (digits.startsWith(f.dial_code)) digits = digits.slice(f.dial_code.length);
  }
  const np = f.national_prefix;
  if (!isValid(digits, f) && np && digits.startsWith(np) && isValid(digits.slice(np.length), f)) digits = digits.slice(np.length);
  return digits;
}

export function isValid(nsn: string, f: PhoneFormat): boolean {
  return re(f.mobile_pattern, "$").test(nsn);
}

/** Grouped as the country writes it (libphonenumber's format rules, sent by the server). */
export function formatNational(nsn: string, f: PhoneFormat): string {
  for (const rule of f.formats) {
    if (rule.leading && !re(rule.leading).test(nsn)) continue;
    const full = re(rule.pattern, "$");
    if (full.test(nsn)) return nsn.replace(full, rule.format);
  }
  return nsn;
}

/** The method whose operator owns the number's prefix, if one does. */
export function operatorFor(nsn: string, methods: Method[]): Method | undefined {
  let best: Method | undefined;
  let len = 0;
  for (const m of methods) {
    for (const p of m.prefixes) {
      if (nsn.startsWith(p) && p.length > len) {
        best = m;
        len = p.length;
      }
    }
  }
  return best;
}

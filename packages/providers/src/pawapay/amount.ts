/**
 * PawaPay takes amounts as decimal strings in major units ("1500", "10.5"); ZeroFee keeps
 * integers in minor units. Conversion is string arithmetic on the currency's exponent, never
 * a float, so every integer converts exactly and back.
 */
export const PAWAPAY_EXPONENT: Readonly<Record<string, number>> = {
  XOF: 0,
  XAF: 0,
  UGX: 0,
  RWF: 0,
  GHS: 2,
  KES: 2,
  ZMW: 2,
  CDF: 2,
  TZS: 2,
  MWK: 2,
  NGN: 2,
  SLE: 2,
  MZN: 2,
  ETB: 2,
  LSL: 2,
  USD: 2,
};

/**
 * Minor units → PawaPay's string; trailing zero decimals are dropped so currencies whose
 * providers take no decimals (`decimalsInAmount: NONE`) get a whole number when they can.
 * @example toPawapayAmount(1050, "KES") // "10.5"
 */
export function toPawapayAmount(minor: number, currency: string): string {
  const exp = PAWAPAY_EXPONENT[currency];
  if (exp === undefined) throw new Error(`PawaPay exponent unknown for ${currency}`);
  if (!Number.isSafeInteger(minor) || minor < 0) throw new Error("amount must be a non-negative integer in minor units");
  if (exp === 0) return String(minor);
  const digits = String(minor).padStart(exp + 1, "0");
  const whole = digits.slice(0, -exp);
  const fraction = digits.slice(-exp).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * PawaPay's string → minor units, or null when it is not a plain decimal with at most the
 * currency's number of decimals.
 * @example fromPawapayAmount("10.50", "KES") // 1050
 */
export function fromPawapayAmount(value: string, currency: string): number | null {
  const exp = PAWAPAY_EXPONENT[currency];
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (exp === undefined || !m) return null;
  const fraction = m[2] ?? "";
  if (fraction.length > exp) return null;
  const minor = BigInt(`${m[1]}${fraction.padEnd(exp, "0")}`);
  return minor <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(minor) : null;
}

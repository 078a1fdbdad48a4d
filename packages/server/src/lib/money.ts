/**
 * ISO-4217 minor-unit exponents for the currencies ZeroFee takes. Amounts are integers in
 * the minor unit everywhere: 1500 XOF is 1500 francs, 1500 EUR is 15.00 euros.
 */
export const CURRENCY_EXPONENT = {
  XOF: 0,
  XAF: 0,
  GNF: 0,
  RWF: 0,
  UGX: 0,
  KES: 2,
  GHS: 2,
  ZMW: 2,
  TZS: 2,
  NGN: 2,
  CDF: 2,
  EUR: 2,
  USD: 2,
  GBP: 2,
} as const;

export type Currency = keyof typeof CURRENCY_EXPONENT;

/**
 * An amount in minor units written in major units with its currency, for messages a person reads.
 * @example majorUnits(1500, "EUR") // "15.00 EUR"; majorUnits(1500, "XOF") // "1500 XOF"
 */
export function majorUnits(amount: number, currency: string): string {
  const exp = isCurrency(currency) ? CURRENCY_EXPONENT[currency] : 0;
  if (exp === 0) return `${amount} ${currency}`;
  const sign = amount < 0 ? "-" : "";
  const digits = String(Math.abs(amount)).padStart(exp + 1, "0");
  return `${sign}${digits.slice(0, -exp)}.${digits.slice(-exp)} ${currency}`;
}

export const MIN_AMOUNT = 1;
export const MAX_AMOUNT = 1_000_000_000_000;

export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCY_EXPONENT, code);
}

/** A per-app fee plan: basis points plus a fixed amount per currency (minor units). */
export interface FeePlan {
  bps: number;
  fixed: Partial<Record<string, number>>;
}

/**
 * fee = min(amount, fixed + ceil(amount × bps / 10 000)), in integers only (BigInt, since
 * amount × bps can pass 2^53).
 * @example computeFee(10_000, "XOF", { bps: 150, fixed: { XOF: 25 } }) // 175
 */
export function computeFee(amount: number, currency: string, plan: FeePlan): number {
  const a = BigInt(amount);
  const bps = BigInt(plan.bps);
  const fixed = BigInt(plan.fixed[currency] ?? 0);
  const proportional = (a * bps + 9_999n) / 10_000n;
  const fee = fixed + proportional;
  return Number(fee < a ? fee : a);
}

/**
 * What a completed payment stores (SPEC §10): its fee, and the net the merchant is owed.
 * @example feeAndNet(10_000, "XOF", { bps: 150, fixed: { XOF: 25 } }) // { fee: 175, net: 9_825 }
 */
export function feeAndNet(amount: number, currency: string, plan: FeePlan): { fee: number; net: number } {
  const fee = computeFee(amount, currency, plan);
  return { fee, net: amount - fee };
}

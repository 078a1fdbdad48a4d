/**
 * Our amounts are integers in the currency's minor unit. Providers that take whole major
 * units (most West African APIs: "amount, only integer") get `minor / 10^exponent` only when
 * it divides exactly; otherwise the payment cannot be sent, never rounded.
 * @example toWholeMajorUnits(1500, 0) // 1500 (XOF has no minor unit)
 * @example toWholeMajorUnits(1550, 2) // null (15.50 EUR is not a whole number of euros)
 */
export function toWholeMajorUnits(amount: number, exponent: number): number | null {
  if (!Number.isSafeInteger(amount) || !Number.isInteger(exponent) || exponent < 0) return null;
  const factor = 10 ** exponent;
  return amount % factor === 0 ? amount / factor : null;
}

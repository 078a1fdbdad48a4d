/**
 * Operator badges as small inline SVG data URIs: no third-party host, no extra request, and
 * nothing for a merchant's CSP beyond `img-src data:`. Brand colour + short name.
 */
const BRAND: Record<string, [string, string, string]> = {
  ORANGE: ["#ff7900", "#000", "OM"],
  MTN: ["#ffcb05", "#000", "MTN"],
  MOOV: ["#0066b3", "#fff", "Moov"],
  WAVE: ["#1dc8ff", "#fff", "Wave"],
  FREE: ["#cd1e25", "#fff", "Free"],
  AIRTEL: ["#e40000", "#fff", "Airtel"],
  AIRTELTIGO: ["#e40000", "#fff", "AT"],
  TELECEL: ["#e30613", "#fff", "Tel"],
  MPESA: ["#4caf50", "#fff", "M-P"],
  TMONEY: ["#ffd100", "#000", "T"],
  ZAMTEL: ["#009a44", "#fff", "Zam"],
  CARD: ["#334155", "#fff", "Card"],
  PAYPAL: ["#003087", "#fff", "PP"],
};

export function logoFor(key: string): string {
  const [bg, fg, label] = BRAND[key] ?? ["#64748b", "#fff", key.slice(0, 3)];
  const size = label.length > 3 ? 11 : 14;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40"><rect width="40" height="40" rx="8" fill="${bg}"/><text x="20" y="25" font-family="Arial,sans-serif" font-size="${size}" font-weight="700" fill="${fg}" text-anchor="middle">${label}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

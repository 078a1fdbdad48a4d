/**
 * A first-run demo app with something to look at: a few sandbox payments made through the
 * public API with the demo's test secret key, exactly as a merchant's server would make them
 * (the sandbox completes, fails or leaves them open by the test numbers of SPEC §14). Run once,
 * when `serve` creates the demo login, after the server listens.
 */
const DEMO_PAYMENTS: Array<{ amount: number; method: string; phone?: string; reference: string }> = [
  { amount: 2_500, method: "PAYIN_ORANGE_CI", phone: "+225 07 00 00 00 00", reference: "demo-1001" },
  { amount: 15_000, method: "PAYIN_MTN_CI", phone: "+225 05 00 00 00 00", reference: "demo-1002" },
  { amount: 4_200, method: "PAYIN_ORANGE_CI", phone: "+225 07 00 00 00 01", reference: "demo-1003" },
  { amount: 9_900, method: "PAYIN_MOOV_CI", phone: "+225 01 00 00 00 00", reference: "demo-1004" },
  { amount: 1_500, method: "PAYIN_ORANGE_CI", phone: "+225 07 00 00 00 02", reference: "demo-1005" },
];

export async function makeDemoPayments(baseUrl: string, secretKey: string): Promise<number> {
  let made = 0;
  for (const p of DEMO_PAYMENTS) {
    const res = await fetch(`${baseUrl}/v1/payments`, {
      method: "POST",
      headers: { authorization: `Bearer ${secretKey}`, "content-type": "application/json", "idempotency-key": p.reference },
      body: JSON.stringify({ amount: p.amount, payment_method: p.method, customer: { phone: p.phone }, reference: p.reference }),
    });
    if (res.ok) made++;
  }
  return made;
}

import type { SandboxScenario } from "../contract.js";

const paypal = { amount: 2500, currency: "EUR", payment_method: "PAYIN_PAYPAL" } as const;

/** SPEC §14 for PayPal: approve → capture → completed, decline → capture DECLINED, cancel. */
export const paypalScenarios: readonly SandboxScenario[] = [
  {
    name: "approve → ZeroFee captures → completed",
    create: paypal,
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "decline → capture DECLINED → failed",
    create: paypal,
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "cancel → cancel_url, nothing captured → cancelled",
    create: paypal,
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "cancelled", returnTo: "cancel" },
  },
  {
    name: "phone …05: order create answers 500 and keeps nothing",
    create: { ...paypal, customer: { phone: "+225 07 00 00 00 05" } },
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
];

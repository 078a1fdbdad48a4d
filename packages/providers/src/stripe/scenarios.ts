import type { SandboxScenario } from "../contract.js";

const card = { amount: 2500, currency: "EUR", payment_method: "PAYIN_CARD" } as const;

/** SPEC §14 for Stripe Checkout: the card page's three buttons and the test cards. */
export const stripeScenarios: readonly SandboxScenario[] = [
  {
    name: "card page: approve with 4242 → paid",
    create: card,
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "card page: decline → session expires, payment intent declined → failed",
    create: card,
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "card page: cancel → cancel_url, session expired by ZeroFee → cancelled",
    create: card,
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "cancelled", returnTo: "cancel" },
  },
  {
    name: "card 4000 0000 0000 3220: 3-D Secure challenge approved → paid",
    create: card,
    customer: { kind: "redirect", action: "approve", card: "4000 0000 0000 3220" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "card 4000 0000 0000 0002 is declined → failed",
    create: card,
    customer: { kind: "redirect", action: "approve", card: "4000 0000 0000 0002" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "phone …05: session create answers 500 and keeps nothing",
    create: { ...card, customer: { phone: "+225 07 00 00 00 05" } },
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
];

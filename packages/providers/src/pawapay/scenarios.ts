import type { SandboxScenario } from "../contract.js";

const mtnCi = (last2: string) => ({ amount: 1500, currency: "XOF", payment_method: "PAYIN_MTN_CI", customer: { phone: `+225 05 00 00 00 ${last2}` } });

const wave = { amount: 2000, currency: "XOF", payment_method: "PAYIN_WAVE_CI", customer: { phone: "+225 01 00 00 00 00" } };

/** SPEC §14 for PawaPay: deposits confirmed by the operator's PIN prompt, outcome by the last two digits. */
export const pawapayScenarios: readonly SandboxScenario[] = [
  { name: "…00 confirms by PIN prompt", create: mtnCi("00"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "completed" } },
  { name: "…01 fails (insufficient balance)", create: mtnCi("01"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "failed" } },
  {
    name: "…02 never answers (stays PROCESSING)",
    create: mtnCi("02"),
    customer: { kind: "wait" },
    expect: { nextAction: "ussd_push", status: "requires_action" },
  },
  // PawaPay deposits have no OTP step: 03 gets the PIN prompt and completes like 00.
  {
    name: "…03 has no OTP step at PawaPay: completes by PIN prompt",
    create: mtnCi("03"),
    customer: { kind: "wait" },
    expect: { nextAction: "ussd_push", status: "completed" },
  },
  {
    name: "…05 answers 500 and keeps nothing",
    create: mtnCi("05"),
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
  {
    name: "Kenya M-Pesa in KES (decimal amount) completes",
    create: { amount: 1050, currency: "KES", payment_method: "PAYIN_MPESA_KE", customer: { phone: "+254 712 345 600" } },
    customer: { kind: "wait" },
    expect: { nextAction: "ussd_push", status: "completed" },
  },
  {
    name: "Cameroon Orange in XAF fails with 01",
    create: { amount: 2000, currency: "XAF", payment_method: "PAYIN_ORANGE_CM", customer: { phone: "+237 690 00 00 01" } },
    customer: { kind: "wait" },
    expect: { nextAction: "ussd_push", status: "failed" },
  },
  {
    name: "Wave CI by the Payment Page: approve",
    create: wave,
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "Wave CI by the Payment Page: decline",
    create: wave,
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  // Leaving the page makes no deposit: nothing proves the payment cannot still happen within
  // the page's 15 minutes, so the return is unverified and reconciliation/expiry decide.
  {
    name: "Wave CI by the Payment Page: cancel leaves it open (unverified return)",
    create: wave,
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "requires_action", returnTo: "error" },
  },
];

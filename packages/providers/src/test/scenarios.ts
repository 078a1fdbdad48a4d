import type { SandboxScenario } from "../contract.js";

const orange = (last2: string) => ({ amount: 1500, currency: "XOF", payment_method: "PAYIN_ORANGE_CI", customer: { phone: `+225 07 00 00 00 ${last2}` } });

/** SPEC §14 for the `test` provider: every phone outcome, and its redirect page. */
export const testScenarios: readonly SandboxScenario[] = [
  { name: "…00 confirms by USSD push", create: orange("00"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "completed" } },
  { name: "…01 fails (insufficient funds)", create: orange("01"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "failed" } },
  { name: "…02 never answers", create: orange("02"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "requires_action" } },
  {
    name: "…03 OTP: a wrong code, then 123456",
    create: orange("03"),
    customer: { kind: "otp", codes: ["000000", "123456"] },
    expect: { nextAction: "otp", status: "completed" },
  },
  {
    name: "…03 OTP: three wrong codes fail it",
    create: orange("03"),
    customer: { kind: "otp", codes: ["000000", "111111", "222222"] },
    expect: { nextAction: "otp", status: "failed" },
  },
  {
    name: "…05 answers 5xx and keeps nothing",
    create: orange("05"),
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
  {
    name: "card page: approve",
    create: { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" },
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "card page: decline",
    create: { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" },
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "card page: cancel",
    create: { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" },
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "cancelled", returnTo: "cancel" },
  },
];

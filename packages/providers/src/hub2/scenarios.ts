import type { SandboxScenario } from "../contract.js";

const mm = (method: string, phone: string) => ({ amount: 1500, currency: "XOF", payment_method: method, customer: { phone } });
const mtn = (last2: string) => mm("PAYIN_MTN_CI", `+225 05 00 00 00 ${last2}`);
const orange = (last2: string) => mm("PAYIN_ORANGE_CI", `+225 07 00 00 00 ${last2}`);

/** SPEC §14 for Hub2: USSD push (MTN, Moov), OTP authentication (Orange CI), redirection (Wave, card). */
export const hub2Scenarios: readonly SandboxScenario[] = [
  { name: "…00 confirms by USSD push", create: mtn("00"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "completed" } },
  { name: "…01 fails (insufficient funds)", create: mtn("01"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "failed" } },
  { name: "…02 never answers", create: mtn("02"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "requires_action" } },
  {
    name: "…03 Orange CI OTP authentication: a wrong code, then 123456",
    create: orange("03"),
    customer: { kind: "otp", codes: ["000000", "123456"] },
    expect: { nextAction: "otp", status: "completed" },
  },
  {
    name: "…03 Orange CI OTP: three wrong codes fail it",
    create: orange("03"),
    customer: { kind: "otp", codes: ["000000", "111111", "222222"] },
    expect: { nextAction: "otp", status: "failed" },
  },
  {
    name: "…03 on MTN (no OTP step at Hub2) completes by USSD push",
    create: mtn("03"),
    customer: { kind: "wait" },
    expect: { nextAction: "ussd_push", status: "completed" },
  },
  {
    name: "…05 answers 500 and keeps nothing",
    create: mtn("05"),
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
  {
    name: "Wave CI redirection: approve",
    create: mm("PAYIN_WAVE_CI", "+225 01 00 00 00 00"),
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "card redirection: decline",
    create: { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" },
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "card redirection: cancel",
    create: { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" },
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "cancelled", returnTo: "cancel" },
  },
  {
    name: "card redirection: approve",
    create: { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD" },
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
];

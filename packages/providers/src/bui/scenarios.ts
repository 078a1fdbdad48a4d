import type { SandboxScenario } from "../contract.js";

const mtn = (last2: string) => ({ amount: 1500, currency: "XOF", payment_method: "PAYIN_MTN_CI", customer: { phone: `+225 05 00 00 00 ${last2}` } });
const orange = (last2: string) => ({ amount: 2000, currency: "XOF", payment_method: "PAYIN_ORANGE_CI", customer: { phone: `+225 07 00 00 00 ${last2}` } });
const wave = { amount: 3000, currency: "XOF", payment_method: "PAYIN_WAVE_CI", customer: { phone: "+225 07 00 00 00 00" } };

/** SPEC §14 for BUI: USSD push by phone ending, the Orange CI OTP, the Wave page. */
export const buiScenarios: readonly SandboxScenario[] = [
  { name: "MTN CI …00 confirms by USSD push", create: mtn("00"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "completed" } },
  { name: "MTN CI …01 fails (insufficient funds)", create: mtn("01"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "failed" } },
  { name: "MTN CI …02 never answers", create: mtn("02"), customer: { kind: "wait" }, expect: { nextAction: "ussd_push", status: "requires_action" } },
  {
    name: "MTN CI …03 asks for an OTP: 123456 completes it",
    create: mtn("03"),
    customer: { kind: "otp", codes: ["123456"] },
    expect: { nextAction: "otp", status: "completed" },
  },
  {
    name: "MTN CI …05 answers 503 and keeps nothing",
    create: mtn("05"),
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
  {
    name: "Orange CI OTP: a wrong code, then 123456",
    create: orange("00"),
    customer: { kind: "otp", codes: ["000000", "123456"] },
    expect: { nextAction: "otp", status: "completed" },
  },
  {
    name: "Orange CI OTP: three wrong codes fail it",
    create: orange("00"),
    customer: { kind: "otp", codes: ["000000", "111111", "222222"] },
    expect: { nextAction: "otp", status: "failed" },
  },
  {
    name: "Orange CI …01: right OTP, insufficient funds",
    create: orange("01"),
    customer: { kind: "otp", codes: ["123456"] },
    expect: { nextAction: "otp", status: "failed" },
  },
  { name: "Orange CI waits for its OTP", create: orange("00"), customer: { kind: "wait" }, expect: { nextAction: "otp", status: "requires_action" } },
  {
    name: "Wave page: approve",
    create: wave,
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "Wave page: decline",
    create: wave,
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "Wave page: cancel",
    create: wave,
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "cancelled", returnTo: "cancel" },
  },
  {
    name: "Wave …05 answers 503 and keeps nothing",
    create: { ...wave, customer: { phone: "+225 07 00 00 00 05" } },
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
];

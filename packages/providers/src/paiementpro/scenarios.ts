import type { SandboxScenario } from "../contract.js";

const orange = (last2: string) => ({ amount: 5000, currency: "XOF", payment_method: "PAYIN_ORANGE_CI", customer: { phone: `+225 07 00 00 00 ${last2}` } });
const card = { amount: 2500, currency: "XOF", payment_method: "PAYIN_CARD", customer: { email: "buyer@example.com" } };
const wave = { amount: 1000, currency: "XOF", payment_method: "PAYIN_WAVE_SN", customer: { phone: "+221 77 000 00 00" } };

/**
 * SPEC §14 for PaiementPro: every method goes through its hosted page, where the button
 * decides; the phone's last two digits matter only for `05`.
 */
export const paiementproScenarios: readonly SandboxScenario[] = [
  {
    name: "Orange CI page: approve",
    create: orange("00"),
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "Orange CI page: decline",
    create: orange("00"),
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "Orange CI page: cancel",
    create: orange("00"),
    customer: { kind: "redirect", action: "cancel" },
    expect: { nextAction: "redirect", status: "cancelled", returnTo: "cancel" },
  },
  {
    name: "card page: approve with the pre-filled 4242 card",
    create: card,
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "card page: decline",
    create: card,
    customer: { kind: "redirect", action: "decline" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "card 4000 0000 0000 0002 is declined",
    create: card,
    customer: { kind: "redirect", action: "approve", card: "4000 0000 0000 0002" },
    expect: { nextAction: "redirect", status: "failed", returnTo: "error" },
  },
  {
    name: "card 4000 0000 0000 3220: 3-D Secure, then approved",
    create: card,
    customer: { kind: "redirect", action: "approve", card: "4000 0000 0000 3220" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  {
    name: "Wave SN page: approve",
    create: wave,
    customer: { kind: "redirect", action: "approve" },
    expect: { nextAction: "redirect", status: "completed", returnTo: "success" },
  },
  { name: "page left open stays waiting", create: orange("00"), customer: { kind: "wait" }, expect: { nextAction: "redirect", status: "requires_action" } },
  {
    name: "…05 answers 503 and keeps nothing",
    create: orange("05"),
    customer: { kind: "wait" },
    expect: { createStatus: 503, errorCode: "provider_unavailable" },
  },
];

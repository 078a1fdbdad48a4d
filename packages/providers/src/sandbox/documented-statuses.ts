/**
 * The oracle of the status-map tests: what each provider status *means* in the provider's
 * own public documentation, written in each test beside its citation — never our own table
 * restated. A map passes when every documented status is mapped (no more, no
 * fewer) and each lands in a ZeroFee status that meaning allows: paid is `completed` and only
 * that, a final refusal never reads as open or paid, and a status the provider still works
 * on never closes the payment.
 */
import type { ProviderPaymentStatus } from "../contract.js";

/** What the provider's documentation says one of its statuses means. */
export type DocumentedMeaning =
  /** Final: the money was taken (a later refund does not undo the payment). */
  | "paid"
  /** Final: refused or errored at the provider or the operator; nothing was taken. */
  | "declined"
  /** Final: the customer (or the merchant) cancelled; nothing was taken. */
  | "cancelled"
  /** Final: nobody paid before the provider's deadline. */
  | "gave_up"
  /** Not final: waiting for the customer (PIN prompt, OTP, approval, hosted page). */
  | "awaiting_customer"
  /** Not final: the provider has not started, or works on it (outcome unknown yet). */
  | "in_flight";

const ALLOWED: Readonly<Record<DocumentedMeaning, readonly ProviderPaymentStatus[]>> = {
  paid: ["completed"],
  declined: ["failed"],
  cancelled: ["cancelled"],
  gave_up: ["failed", "cancelled"],
  awaiting_customer: ["pending", "requires_action"],
  in_flight: ["pending", "requires_action", "processing"],
};

/** Whether `mapped` is a ZeroFee status the documented meaning allows. */
export const allowedFor = (meaning: DocumentedMeaning, mapped: ProviderPaymentStatus): boolean => ALLOWED[meaning].includes(mapped);

/**
 * The disagreements between a provider's status list + map and its documentation: statuses
 * the code knows that the documentation does not (or the reverse), and statuses mapped
 * against their meaning. Empty when the map is right.
 */
export function statusMapContradictions<S extends string>(
  codeStatuses: readonly S[],
  map: (status: S) => ProviderPaymentStatus,
  documented: Readonly<Record<S, DocumentedMeaning>>,
): string[] {
  const problems: string[] = [];
  const docs = Object.keys(documented) as S[];
  for (const s of codeStatuses) if (!docs.includes(s)) problems.push(`${s}: in the code, not in the documentation`);
  for (const s of docs) {
    if (!codeStatuses.includes(s)) problems.push(`${s}: documented, not in the code`);
    const mapped = map(s);
    if (!allowedFor(documented[s], mapped)) problems.push(`${s} (${documented[s]}) → ${mapped}`);
  }
  return problems;
}

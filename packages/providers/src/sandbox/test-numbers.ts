/**
 * SPEC §14: in every sandbox the last two digits of a valid phone number choose the outcome.
 * One rule, so a merchant learns it once.
 */
export type TestOutcome = "confirm" | "fail" | "never_answer" | "otp" | "provider_error";

export function outcomeForPhone(phone: string | undefined): TestOutcome {
  const digits = (phone ?? "").replace(/\D/g, "");
  switch (digits.slice(-2)) {
    case "01":
      return "fail";
    case "02":
      return "never_answer";
    case "03":
      return "otp";
    case "05":
      return "provider_error";
    default:
      return "confirm";
  }
}

/**
 * How long a sandbox provider waits for a customer who never acts before it ends the payment,
 * as real providers and operators do (Orange CI's OTP lapses after 10 minutes; PawaPay's page
 * after 15; a USSD prompt much sooner). `SimulatorOptions.unansweredMs` overrides it.
 */
export const UNANSWERED_MS = 10 * 60_000;

/** When a payment waiting on its customer from now on is ended by the provider (epoch ms). */
export const unansweredDeadline = (opts: { unansweredMs?: number }) => Date.now() + (opts.unansweredMs ?? UNANSWERED_MS);

/** Whether such a deadline (a record's `deadline`, null once ended) has passed. */
export const deadlinePassed = (deadline: number | null | undefined) => typeof deadline === "number" && deadline <= Date.now();

/** The OTP every sandbox accepts. */
export const SANDBOX_OTP = "123456";
/** Wrong OTPs allowed before the payment fails. */
export const MAX_OTP_ATTEMPTS = 3;

/**
 * SPEC §10: in every sandbox a refund whose amount ends in `01` (minor units) fails at the
 * provider, so merchants can test `refund.failed`; any other refund completes.
 */
export function refundFails(amount: number): boolean {
  return amount % 100 === 1;
}

import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * PawaPay Merchant API v2 wire format (docs.pawapay.io/v2/api-reference): deposits, their
 * status, callbacks, refunds. Field names as documented; see this folder's README for what is
 * confirmed and what is inferred.
 */

/** Our method code → PawaPay's provider code (v2 "provider", v1 "correspondent"), country (alpha-3), currency. */
export const PAWAPAY_PROVIDERS = {
  PAYIN_ORANGE_CI: { provider: "ORANGE_CIV", country: "CIV", currency: "XOF" },
  PAYIN_MTN_CI: { provider: "MTN_MOMO_CIV", country: "CIV", currency: "XOF" },
  // Wave authorises by redirect: taken through PawaPay's hosted Payment Page.
  PAYIN_WAVE_CI: { provider: "WAVE_CIV", country: "CIV", currency: "XOF" },
  PAYIN_ORANGE_SN: { provider: "ORANGE_SEN", country: "SEN", currency: "XOF" },
  PAYIN_WAVE_SN: { provider: "WAVE_SEN", country: "SEN", currency: "XOF" },
  PAYIN_FREE_SN: { provider: "FREE_SEN", country: "SEN", currency: "XOF" },
  PAYIN_MTN_CM: { provider: "MTN_MOMO_CMR", country: "CMR", currency: "XAF" },
  PAYIN_ORANGE_CM: { provider: "ORANGE_CMR", country: "CMR", currency: "XAF" },
  PAYIN_MTN_BJ: { provider: "MTN_MOMO_BEN", country: "BEN", currency: "XOF" },
  PAYIN_MOOV_BJ: { provider: "MOOV_BEN", country: "BEN", currency: "XOF" },
  PAYIN_ORANGE_BF: { provider: "ORANGE_BFA", country: "BFA", currency: "XOF" },
  PAYIN_MOOV_BF: { provider: "MOOV_BFA", country: "BFA", currency: "XOF" },
  PAYIN_MTN_GH: { provider: "MTN_MOMO_GHA", country: "GHA", currency: "GHS" },
  PAYIN_AIRTELTIGO_GH: { provider: "AIRTELTIGO_GHA", country: "GHA", currency: "GHS" },
  // Telecel Ghana is the former Vodafone Ghana; PawaPay's code kept the old name.
  PAYIN_TELECEL_GH: { provider: "VODAFONE_GHA", country: "GHA", currency: "GHS" },
  PAYIN_MPESA_KE: { provider: "MPESA_KEN", country: "KEN", currency: "KES" },
  PAYIN_MTN_UG: { provider: "MTN_MOMO_UGA", country: "UGA", currency: "UGX" },
  PAYIN_AIRTEL_UG: { provider: "AIRTEL_OAPI_UGA", country: "UGA", currency: "UGX" },
  PAYIN_MTN_ZM: { provider: "MTN_MOMO_ZMB", country: "ZMB", currency: "ZMW" },
  PAYIN_AIRTEL_ZM: { provider: "AIRTEL_OAPI_ZMB", country: "ZMB", currency: "ZMW" },
  PAYIN_ZAMTEL_ZM: { provider: "ZAMTEL_ZMB", country: "ZMB", currency: "ZMW" },
  PAYIN_MTN_RW: { provider: "MTN_MOMO_RWA", country: "RWA", currency: "RWF" },
  PAYIN_AIRTEL_RW: { provider: "AIRTEL_RWA", country: "RWA", currency: "RWF" },
} as const satisfies Record<string, { provider: string; country: string; currency: string }>;

export type PawapayMethod = keyof typeof PAWAPAY_PROVIDERS;

export function pawapayProviderFor(method: string): (typeof PAWAPAY_PROVIDERS)[PawapayMethod] | undefined {
  return Object.hasOwn(PAWAPAY_PROVIDERS, method) ? PAWAPAY_PROVIDERS[method as PawapayMethod] : undefined;
}

export const DEPOSIT_STATUSES = ["ACCEPTED", "PROCESSING", "IN_RECONCILIATION", "COMPLETED", "FAILED"] as const;
export type DepositStatus = (typeof DEPOSIT_STATUSES)[number];

/**
 * Exhaustive: a new PawaPay status fails the build until it is mapped.
 * `PROCESSING` waits on the customer (PIN prompt or redirect authorisation);
 * `IN_RECONCILIATION` is PawaPay resolving an unknown outcome at the operator.
 */
export function mapDepositStatus(status: DepositStatus): ProviderPaymentStatus {
  switch (status) {
    case "ACCEPTED":
      return "pending";
    case "PROCESSING":
      return "requires_action";
    case "IN_RECONCILIATION":
      return "processing";
    case "COMPLETED":
      return "completed";
    case "FAILED":
      return "failed";
  }
}

export const FailureReason = z.object({ failureCode: z.string(), failureMessage: z.string().optional() });

export const Payer = z.object({
  type: z.literal("MMO"),
  accountDetails: z.object({ phoneNumber: z.string(), provider: z.string() }),
});

export const DepositRequest = z.object({
  depositId: z.uuid(),
  amount: z.string(),
  currency: z.string().length(3),
  payer: Payer,
  preAuthorisationCode: z.string().optional(),
  clientReferenceId: z.string().optional(),
  customerMessage: z.string().min(4).max(22).optional(),
  metadata: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type DepositRequest = z.infer<typeof DepositRequest>;

export const InitiateResponse = z.object({
  depositId: z.string(),
  status: z.enum(["ACCEPTED", "REJECTED", "DUPLICATE_IGNORED"]),
  created: z.string().optional(),
  failureReason: FailureReason.optional(),
});

export const Deposit = z.object({
  depositId: z.string(),
  status: z.enum(DEPOSIT_STATUSES),
  amount: z.string(),
  currency: z.string(),
  country: z.string(),
  payer: Payer,
  customerMessage: z.string().optional(),
  clientReferenceId: z.string().optional(),
  created: z.string(),
  providerTransactionId: z.string().optional(),
  failureReason: FailureReason.optional(),
  metadata: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type Deposit = z.infer<typeof Deposit>;

export const StatusResponse = z.discriminatedUnion("status", [
  z.object({ status: z.literal("FOUND"), data: Deposit }),
  z.object({ status: z.literal("NOT_FOUND") }),
]);

export const RefundRequest = z.object({
  refundId: z.uuid(),
  depositId: z.uuid(),
  amount: z.string(),
  currency: z.string().length(3),
});

export const RefundResponse = z.object({
  refundId: z.string(),
  status: z.enum(["ACCEPTED", "REJECTED", "DUPLICATE_IGNORED"]),
  failureReason: FailureReason.optional(),
});

/** A refund as PawaPay reports it (status call and callback): the statuses are the deposits'. */
export const RefundObject = z.object({
  refundId: z.string(),
  status: z.enum(DEPOSIT_STATUSES),
  amount: z.string(),
  currency: z.string(),
  depositId: z.string().optional(),
  created: z.string().optional(),
  failureReason: FailureReason.optional(),
});
export type RefundObject = z.infer<typeof RefundObject>;

export const RefundStatusResponse = z.discriminatedUnion("status", [
  z.object({ status: z.literal("FOUND"), data: RefundObject }),
  z.object({ status: z.literal("NOT_FOUND") }),
]);

/** Exhaustive, like deposits: a refund in reconciliation is still on its way. */
export function mapRefundStatus(status: DepositStatus): "pending" | "completed" | "failed" {
  switch (status) {
    case "ACCEPTED":
    case "PROCESSING":
    case "IN_RECONCILIATION":
      return "pending";
    case "COMPLETED":
      return "completed";
    case "FAILED":
      return "failed";
  }
}

/** Providers whose customers authorise by redirect: ZeroFee sends them to the Payment Page. */
export const usesPaymentPage = (provider: string) => provider.startsWith("WAVE_");

export const PaymentPageRequest = z.object({
  depositId: z.uuid(),
  returnUrl: z.url(),
  amountDetails: z.object({ amount: z.string(), currency: z.string().length(3) }),
  phoneNumber: z.string().optional(),
  language: z.enum(["EN", "FR"]).optional(),
  country: z.string().length(3).optional(),
  reason: z.string().optional(),
  customerMessage: z.string().min(4).max(22).optional(),
  metadata: z.array(z.record(z.string(), z.unknown())).optional(),
});

export const PaymentPageResponse = z.union([
  z.object({ redirectUrl: z.url() }),
  z.object({ depositId: z.string().optional(), status: z.literal("REJECTED"), failureReason: FailureReason }),
]);

export const PublicKeys = z.array(z.object({ id: z.string(), key: z.string() }));

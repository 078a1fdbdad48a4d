import { z } from "zod";
import { PAYMENT_STATUSES } from "../../db/schema/index.js";
import { PageQuery } from "../../lib/cursor.js";
import { MAX_AMOUNT, MIN_AMOUNT } from "../../lib/money.js";
import { CreatedBound } from "../created-range.js";
import { PaymentDetailExtras } from "./detail.js";

const metadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 50, { message: "at most 50 metadata keys" })
  .describe("Up to 50 string pairs, returned as given");

export const CreatePaymentBody = z.strictObject({
  amount: z.number().int().min(MIN_AMOUNT).max(MAX_AMOUNT).describe("Minor units of the currency (XOF has none: 1500 = 1500 F CFA)"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .describe("ISO-4217; defaults to the method's country currency"),
  payment_method: z.string().min(1).max(64).describe("PAYIN_<OPERATOR>_<COUNTRY>, PAYIN_CARD or PAYIN_PAYPAL"),
  customer: z
    .strictObject({
      phone: z.string().min(3).max(32).optional(),
      name: z.string().max(200).optional(),
      email: z.email().max(254).optional(),
    })
    .optional(),
  reference: z.string().min(1).max(200).optional().describe("Your own order reference"),
  description: z.string().max(500).optional(),
  metadata: metadata.optional(),
  success_url: z.string().max(2048).optional(),
  cancel_url: z.string().max(2048).optional(),
  error_url: z.string().max(2048).optional(),
  pending_url: z.string().max(2048).optional(),
  provider: z.string().min(1).max(40).optional().describe("Force one provider (straight-through routing)"),
});
export type CreatePaymentInput = z.infer<typeof CreatePaymentBody>;

export const NextActionSchema = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("ussd_push"), instructions: z.string() }),
    z.object({ type: z.literal("redirect"), redirect_url: z.string() }),
    z.object({ type: z.literal("otp"), instructions: z.string() }),
  ])
  .nullable();

export const PaymentSchema = z
  .object({
    id: z.string(),
    object: z.literal("payment"),
    app_id: z.string(),
    livemode: z.boolean(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(PAYMENT_STATUSES),
    payment_method: z.string(),
    country: z.string().nullable(),
    operator: z.string().nullable(),
    provider: z.string().nullable(),
    provider_reference: z.string().nullable(),
    customer: z.object({ phone: z.string().optional(), name: z.string().optional(), email: z.string().optional() }),
    reference: z.string().nullable(),
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    amount_source: z
      .enum(["server", "client"])
      .describe("Who set `amount`: `server` (your server, through the API or a checkout session) or `client` (the page, in checkout's simple mode)"),
    fee_amount: z.number().int().nullable(),
    net_amount: z.number().int().nullable(),
    amount_refunded: z.number().int().describe("The sum of its refunds that are not failed (pending included): never above `amount`"),
    next_action: NextActionSchema,
    success_url: z.string().nullable(),
    cancel_url: z.string().nullable(),
    error_url: z.string().nullable(),
    pending_url: z.string().nullable(),
    failure_code: z.string().nullable(),
    failure_message: z.string().nullable(),
    expires_at: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    completed_at: z.string().nullable(),
    timeline: z.array(z.object({ status: z.enum(PAYMENT_STATUSES), source: z.string(), at: z.string() })),
    ...PaymentDetailExtras,
  })
  .meta({ id: "Payment" });

export const ListPaymentsQuery = PageQuery.extend({
  status: z.enum(PAYMENT_STATUSES).optional(),
  provider: z.string().max(40).optional(),
  payment_method: z.string().max(64).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  reference: z.string().max(200).optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as XOF")
    .optional()
    .describe("Only payments in this currency (what amount_from/amount_to compare within)"),
  customer_phone: z
    .string()
    .max(32)
    .regex(/^\s*(\+|00)?[\d\s().-]*\d[\d\s().-]*$/, "a phone number: E.164 (+225…), 00225…, or national digits")
    .optional()
    .describe("E.164 (+225…) or 00… matches exactly; national digits (07 00 00 00 00) match numbers ending with them"),
  created_from: CreatedBound.optional(),
  created_to: CreatedBound.optional(),
  amount_from: z.coerce.number().int().min(0).max(MAX_AMOUNT).optional(),
  amount_to: z.coerce.number().int().min(0).max(MAX_AMOUNT).optional(),
});
export type ListPaymentsInput = z.infer<typeof ListPaymentsQuery>;

export const OtpBody = z.strictObject({ otp: z.string().regex(/^\d{4,8}$/, "an OTP is 4 to 8 digits") });

export const PaymentIdParams = z.strictObject({ id: z.string().min(1).max(64) });

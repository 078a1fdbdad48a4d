import { z } from "zod";
import { CHECKOUT_STATUSES } from "../../db/schema/index.js";
import { MAX_AMOUNT, MIN_AMOUNT } from "../../lib/money.js";
import { CreatePaymentBody, PaymentSchema } from "../payments/schemas.js";

const country = z.string().regex(/^[A-Z]{2}$/, "an ISO 3166-1 alpha-2 code");
const methodCode = z.string().min(1).max(64);
const customer = CreatePaymentBody.shape.customer;

export const CreateSessionBody = z.strictObject({
  amount: z.number().int().min(MIN_AMOUNT).max(MAX_AMOUNT).describe("Minor units of the currency"),
  currency: z.string().regex(/^[A-Z]{3}$/),
  reference: z.string().min(1).max(200).describe("Your own order reference"),
  description: z.string().max(500).optional(),
  success_url: z.string().max(2048),
  cancel_url: z.string().max(2048).optional(),
  customer,
  allowed_countries: z.array(country).min(1).max(60).optional(),
  allowed_methods: z.array(methodCode).min(1).max(60).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional().describe("Between 5 minutes and 24 hours from now; default 1 hour"),
  locale: z.enum(["fr", "en"]).optional(),
  metadata: CreatePaymentBody.shape.metadata,
});
export type CreateSessionInput = z.infer<typeof CreateSessionBody>;

export const SessionSchema = z
  .object({
    id: z.string(),
    object: z.literal("checkout.session"),
    livemode: z.boolean(),
    status: z.enum(CHECKOUT_STATUSES),
    amount: z.number().int(),
    currency: z.string(),
    reference: z.string(),
    description: z.string().nullable(),
    customer: z.object({ phone: z.string().optional(), name: z.string().optional(), email: z.string().optional() }),
    allowed_countries: z.array(z.string()).nullable(),
    allowed_methods: z.array(z.string()).nullable(),
    metadata: z.record(z.string(), z.string()),
    locale: z.enum(["fr", "en"]).nullable().describe("The hosted page's language; null: the customer's browser chooses"),
    success_url: z.string(),
    cancel_url: z.string().nullable(),
    url: z.string().describe("The hosted checkout page"),
    payment_id: z.string().nullable().describe("The payment that completed the session"),
    payments: z.array(z.string()).describe("Every payment started in the session, oldest first"),
    expires_at: z.string(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
  })
  .meta({ id: "CheckoutSession" });

/** The create's answer: the session and, this once, the secret the browser opens it with. */
export const CreatedSessionSchema = SessionSchema.extend({ client_secret: z.string().describe("For the browser only; shown once") }).meta({
  id: "CheckoutSessionCreated",
});

export const SessionIdParams = z.strictObject({ id: z.string().min(1).max(64) });

export const MethodsQuery = z.strictObject({
  country: country.optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
});

const MethodEntry = z.object({
  code: z.string(),
  name: z.string(),
  name_fr: z.string(),
  kind: z.enum(["mobile_money", "card", "paypal"]),
  /** How the customer pays: a push on the phone, or a provider page opened in a popup. */
  flow: z.enum(["ussd_push", "redirect"]),
  logo: z.string().describe("A data: URI (SVG); no third-party host"),
  prefixes: z.array(z.string()),
});

export const PhoneFormatSchema = z.object({
  dial_code: z.string(),
  national_prefix: z.string().nullable(),
  example: z.string(),
  /** Mobile numbers (national significant number), from libphonenumber's metadata. */
  mobile_pattern: z.string(),
  lengths: z.array(z.number().int()),
  formats: z.array(z.object({ pattern: z.string(), format: z.string(), leading: z.string().nullable() })),
});

export const CatalogueSchema = z
  .object({
    livemode: z.boolean(),
    currency: z.string().nullable(),
    amount: z.number().int().nullable().describe("Set for a session (the server's amount)"),
    session: z
      .object({
        id: z.string(),
        status: z.enum(CHECKOUT_STATUSES),
        locale: z.string().nullable(),
        expires_at: z.string(),
        payment_in_progress: z.string().nullable().describe("The session's payment still under way (its id), which a new payment must wait for"),
      })
      .nullable(),
    countries: z.array(
      z.object({ code: z.string(), name: z.string(), name_fr: z.string(), currency: z.string(), phone: PhoneFormatSchema, methods: z.array(MethodEntry) }),
    ),
    global_methods: z.array(MethodEntry),
  })
  .meta({ id: "CheckoutCatalogue" });
export type Catalogue = z.infer<typeof CatalogueSchema>;

export const PayBody = z.strictObject({
  payment_method: methodCode,
  customer,
  amount: z.number().int().min(MIN_AMOUNT).max(MAX_AMOUNT).optional().describe("Simple mode (publishable key) only"),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional()
    .describe("Simple mode only"),
  reference: z.string().min(1).max(200).optional().describe("Simple mode only"),
  description: z.string().max(500).optional().describe("Simple mode only (a checkout session fixes its own)"),
});
export type PayInput = z.infer<typeof PayBody>;

export const PayResultSchema = PaymentSchema.pick({ id: true, status: true, amount: true, currency: true, payment_method: true, next_action: true }).extend({
  session_id: z.string().nullable(),
});

export const SettingsBody = z.strictObject({
  mode: z.enum(["test", "live"]).optional().describe("omitted: the X-ZeroFee-Mode header (default test)"),
  allowed_origins: z.array(z.string().max(300)).max(20).describe("Origins allowed to frame the hosted page (https in live)"),
  client_amount: z.boolean().optional().describe("Live mode: accept widget payments whose amount the browser sets"),
});
export const SettingsSchema = z.object({ mode: z.enum(["test", "live"]), allowed_origins: z.array(z.string()), client_amount: z.boolean() });
export const SettingsQuery = z.strictObject({ mode: z.enum(["test", "live"]).optional().describe("omitted: the X-ZeroFee-Mode header (default test)") });
export const AppIdParams = z.strictObject({ app_id: z.string().min(1).max(64) });

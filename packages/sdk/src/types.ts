/**
 * The SDK's names for the server's objects and parameters, all taken from the generated
 * OpenAPI types (src/generated/openapi.ts). Refunds created by merchants and settlements are
 * typed from SPEC §10 until the server publishes their routes; once `npm run sdk:generate`
 * picks those up, the conditional types below switch to the generated ones by themselves.
 */
import type { components, paths } from "./generated/openapi.js";

type Schemas = components["schemas"];
type JsonBody<Op> = Op extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type QueryOf<Op> = Op extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type PathOp<P extends string, M extends string> = P extends keyof paths ? (M extends keyof paths[P] ? paths[P][M] : never) : never;
type Or<T, Fallback> = [T] extends [never] ? Fallback : T;

export type Payment = Schemas["Payment"];
export type PaymentStatus = Payment["status"];
export type CheckoutSession = Schemas["CheckoutSession"];
/** A session as its create answers it: with the `client_secret` to hand to the browser (shown once). */
export type CheckoutSessionCreated = Schemas["CheckoutSessionCreated"];
export type Event = Schemas["Event"];
export type ApiError = Schemas["Error"]["error"];

export type PaymentCreateParams = JsonBody<PathOp<"/v1/payments", "post">>;
export type PaymentListParams = QueryOf<PathOp<"/v1/payments", "get">>;
export type CheckoutSessionCreateParams = JsonBody<PathOp<"/v1/checkout/sessions", "post">>;
export type EventListParams = QueryOf<PathOp<"/v1/events", "get">>;

/** Cursor pages: every list takes these. */
export interface ListParams {
  limit?: number;
  cursor?: string;
}

/** SPEC §10 refund, until the generated document carries it. */
export interface RefundFromSpec {
  id: string;
  object: "refund";
  payment_id: string;
  livemode: boolean;
  amount: number;
  currency: string;
  status: "pending" | "completed" | "failed";
  reason: string | null;
  provider: string;
  provider_refund_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: string;
  updated_at: string;
}
export type Refund = Or<Schemas extends { Refund: infer R } ? R : never, RefundFromSpec>;
export type RefundCreateParams = Or<
  JsonBody<PathOp<"/v1/refunds", "post">>,
  { payment_id: string; amount?: number; reason?: "requested_by_customer" | "duplicate" | "fraudulent" }
>;
export type RefundListParams = Or<QueryOf<PathOp<"/v1/refunds", "get">>, ListParams & { payment_id?: string; status?: Refund["status"] }>;

/** SPEC §10 settlement, until the generated document carries it. */
export interface SettlementFromSpec {
  id: string;
  object: "settlement";
  livemode: boolean;
  currency: string;
  period_start: string;
  period_end: string;
  count: number;
  gross_amount: number;
  fee_amount: number;
  refunded_amount: number;
  net_amount: number;
  status: "paid";
  created_at: string;
}
export type Settlement = Or<Schemas extends { Settlement: infer S } ? S : never, SettlementFromSpec>;
export type SettlementListParams = Or<
  QueryOf<PathOp<"/v1/settlements", "get">>,
  ListParams & { currency?: string; created_from?: string; created_to?: string }
>;

interface EventOf<Type extends string, Data> {
  id: string;
  type: Type;
  created_at: string;
  data: Data;
}

/** The data of `webhook.test`, sent by "Send test event" (`POST /v1/apps/{app_id}/webhook/test`) whatever the endpoint's `events`. */
export interface WebhookTest {
  object: "webhook_test";
  message: string;
  sent_at: string;
}

/** What `webhooks.verify` returns: the delivered event, its `data` typed by `type` (SPEC §7). */
export type WebhookEvent =
  | EventOf<"payment.created" | "payment.completed" | "payment.failed" | "payment.expired" | "payment.cancelled" | "payment.late_success", Payment>
  | EventOf<"refund.created" | "refund.completed" | "refund.failed", Refund>
  | EventOf<"checkout.completed" | "checkout.expired", CheckoutSession>
  | EventOf<"settlement.created", Settlement>
  | EventOf<"webhook.test", WebhookTest>;
export type WebhookEventType = WebhookEvent["type"];

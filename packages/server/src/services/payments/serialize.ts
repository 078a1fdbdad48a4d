import type { payments } from "../../db/schema/index.js";

export type PaymentRow = typeof payments.$inferSelect;

/** The public payment object (SPEC §4). One place, so API, events and webhooks agree. */
export function serializePayment(p: PaymentRow) {
  return {
    id: p.id,
    object: "payment" as const,
    app_id: p.appId,
    livemode: p.livemode,
    amount: p.amount,
    currency: p.currency,
    status: p.status,
    payment_method: p.paymentMethod,
    country: p.country,
    operator: p.operator,
    provider: p.provider,
    provider_reference: p.providerReference,
    customer: p.customer,
    reference: p.reference,
    description: p.description,
    metadata: p.metadata,
    fee_amount: p.feeAmount,
    net_amount: p.netAmount,
    amount_refunded: p.amountRefunded,
    next_action: p.nextAction ?? null,
    success_url: p.successUrl,
    cancel_url: p.cancelUrl,
    error_url: p.errorUrl,
    pending_url: p.pendingUrl,
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    expires_at: p.expiresAt.toISOString(),
    created_at: p.createdAt.toISOString(),
    updated_at: p.updatedAt.toISOString(),
    completed_at: p.completedAt?.toISOString() ?? null,
    timeline: p.timeline,
  };
}

export type PaymentObject = ReturnType<typeof serializePayment>;

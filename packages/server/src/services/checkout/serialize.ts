import type { checkoutSessions } from "../../db/schema/index.js";

export type SessionRow = typeof checkoutSessions.$inferSelect;

/** The public checkout session object (events carry the same). */
export function serializeSession(s: SessionRow, payments: string[]) {
  return {
    id: s.id,
    object: "checkout.session" as const,
    livemode: s.livemode,
    status: s.status,
    amount: s.amount,
    currency: s.currency,
    reference: s.reference,
    description: s.description,
    customer: s.customer,
    allowed_countries: s.allowedCountries ?? null,
    allowed_methods: s.allowedMethods ?? null,
    metadata: s.metadata,
    locale: s.locale as "fr" | "en" | null,
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    url: s.url,
    payment_id: s.paymentId,
    payments,
    expires_at: s.expiresAt.toISOString(),
    created_at: s.createdAt.toISOString(),
    completed_at: s.completedAt?.toISOString() ?? null,
  };
}

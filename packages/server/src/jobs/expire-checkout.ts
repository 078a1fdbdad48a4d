import { expireDueSessions } from "../services/checkout/expire.js";
import type { ServiceContext } from "../services/context.js";

/**
 * Checkout sessions past their deadline become `expired` (with `checkout.expired`); one
 * whose payment is still in flight waits for that payment to end.
 */
export function expireCheckoutSessions(ctx: ServiceContext) {
  return expireDueSessions(ctx);
}

import { and, eq, isNull, lt, or } from "drizzle-orm";
import { resolveMethod, sessionTakes } from "../../catalogue/index.js";
import { checkoutPayments, checkoutSessions, payments } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import type { Scope, ServiceContext } from "../context.js";
import type { IdempotencyHandle } from "../idempotency/claim.js";
import { createPayment } from "../payments/create.js";
import type { PaymentRow } from "../payments/serialize.js";
import { completeSessionForPayment } from "./complete.js";
import { loadSession, openPaymentOf } from "./get.js";
import type { PayInput } from "./schemas.js";
import type { SessionRow } from "./serialize.js";
import { readSettings } from "./settings.js";

/** A start in flight longer than this is taken to have died; the session may start another. */
const START_LEASE_MS = 60_000;

export interface PayArgs {
  ctx: ServiceContext;
  scope: Scope;
  /** Set when the caller holds a session's client secret; null for a publishable key. */
  sessionId: string | null;
  /** The page that asked (the `Origin` header): the only origin the return page posts to. */
  origin: string | null;
  input: PayInput;
  idem: IdempotencyHandle | null;
}

function checkAllowed(session: SessionRow, code: string): void {
  const method = resolveMethod(code);
  if (!method) throw new ApiError("validation_error", `Unknown payment method ${code}.`, { param: "payment_method" });
  if (!sessionTakes(session, code)) {
    throw new ApiError("method_not_supported", `This checkout does not take ${code}.`, { param: "payment_method" });
  }
}

/**
 * Reserves the session for one new payment: open, not past its deadline, the previous payment
 * terminal and no other start in flight (SPEC §8). A row lock plus a lease column, so two
 * clicks cannot start two payments.
 */
async function reserve(ctx: ServiceContext, scope: Scope, sessionId: string, code: string): Promise<SessionRow> {
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const session = await loadSession(tx, scope, sessionId, true);
    if (session.status !== "open" || session.expiresAt <= now) {
      throw new ApiError("checkout_session_closed", `This checkout is ${session.status === "open" ? "expired" : session.status}.`);
    }
    checkAllowed(session, code);
    if (await openPaymentOf(tx, session)) {
      throw new ApiError("checkout_payment_in_progress", "A payment of this checkout is still in progress; wait for its outcome.", { retryAfter: 2 });
    }
    const [held] = await tx
      .update(checkoutSessions)
      .set({ payingSince: now, updatedAt: now })
      .where(
        and(
          eq(checkoutSessions.id, session.id),
          or(isNull(checkoutSessions.payingSince), lt(checkoutSessions.payingSince, new Date(now.getTime() - START_LEASE_MS))),
        ),
      )
      .returning();
    if (!held) throw new ApiError("checkout_payment_in_progress", "A payment of this checkout is being started.", { retryAfter: 2 });
    return held;
  });
}

/** Links the payment to its page (and session) with the payment row locked, so a completion racing the link is not missed. */
async function link(ctx: ServiceContext, payment: PaymentRow, args: PayArgs, amountSource: "session" | "client"): Promise<PaymentRow> {
  const now = ctx.clock.now();
  return withTransaction(ctx.db, async (tx) => {
    const [locked] = await tx.select().from(payments).where(eq(payments.id, payment.id)).for("update");
    await tx
      .insert(checkoutPayments)
      .values({
        paymentId: payment.id,
        appId: payment.appId,
        livemode: payment.livemode,
        sessionId: args.sessionId,
        openerOrigin: args.origin,
        amountSource,
        createdAt: now,
      })
      .onConflictDoNothing();
    if (args.sessionId) {
      await tx.update(checkoutSessions).set({ currentPaymentId: payment.id, payingSince: null, updatedAt: now }).where(eq(checkoutSessions.id, args.sessionId));
      if (locked) await completeSessionForPayment(ctx, tx, locked);
    }
    return locked ?? payment;
  });
}

/**
 * Who pays: what the merchant's server put in the session stands (the browser holding the
 * client secret cannot rename the buyer on the merchant's records); the browser fills what the
 * session left empty, and its phone is the number that pays.
 */
function sessionCustomer(fromSession: PayInput["customer"] | null, fromBrowser: PayInput["customer"]): PayInput["customer"] {
  const merged = { ...fromBrowser, ...fromSession };
  const phone = fromBrowser?.phone ?? fromSession?.phone;
  return phone === undefined ? merged : { ...merged, phone };
}

async function paySession(args: PayArgs & { sessionId: string }): Promise<PaymentRow> {
  const { ctx, scope, input, idem } = args;
  const fixed = (["amount", "currency", "reference", "description"] as const).find((f) => input[f] !== undefined);
  if (fixed) throw new ApiError("validation_error", "A checkout session fixes amount, currency, reference and description.", { param: fixed });
  // A retry with the same Idempotency-Key resumes its own payment: no new reservation.
  const session = idem?.resourceId ? await loadSession(ctx.db, scope, args.sessionId) : await reserve(ctx, scope, args.sessionId, input.payment_method);
  let payment: PaymentRow;
  try {
    payment = await createPayment({
      ctx,
      scope,
      idem,
      input: {
        amount: session.amount,
        currency: session.currency,
        payment_method: input.payment_method,
        customer: sessionCustomer(session.customer, input.customer),
        reference: session.reference,
        description: session.description ?? undefined,
        // The session's metadata travels with its payments (`checkout_session` names the session).
        metadata: { ...session.metadata, checkout_session: session.id },
      },
    });
  } catch (err) {
    await ctx.db.update(checkoutSessions).set({ payingSince: null }).where(eq(checkoutSessions.id, session.id));
    throw err;
  }
  return link(ctx, payment, args, "session");
}

async function paySimple(args: PayArgs): Promise<PaymentRow> {
  const { ctx, scope, input, idem } = args;
  if (input.amount === undefined) throw new ApiError("validation_error", "amount is required with a publishable key.", { param: "amount" });
  if (scope.livemode && !(await readSettings(ctx, scope)).clientAmount) {
    throw new ApiError(
      "client_amount_not_allowed",
      "This app does not accept live payments whose amount the browser sets; create a checkout session on your server.",
    );
  }
  const payment = await createPayment({
    ctx,
    scope,
    idem,
    input: {
      amount: input.amount,
      currency: input.currency,
      payment_method: input.payment_method,
      customer: input.customer,
      reference: input.reference,
      description: input.description,
      // Kept beside the payment's own `amount_source` for integrations that read it here
      // (checkout tests browser-api and widget-ussd, written before the field existed).
      metadata: { amount_source: "client" },
    },
    amountSource: "client",
  });
  return link(ctx, payment, args, "client");
}

/**
 * The widget's payment creation (`POST /v1/checkout/pay`): with a client secret, a payment
 * of that session on the session's terms; with a publishable key, the simple mode where the
 * page sets the amount (`amount_source: client`). Payment creation itself is
 * `createPayment`'s, recovery points and routing included.
 */
export async function payFromBrowser(args: PayArgs): Promise<{ payment: PaymentRow; sessionId: string | null }> {
  const payment = args.sessionId ? await paySession({ ...args, sessionId: args.sessionId }) : await paySimple(args);
  return { payment, sessionId: args.sessionId };
}

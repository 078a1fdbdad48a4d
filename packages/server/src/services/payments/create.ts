import { randomUUID } from "node:crypto";
import { CREDENTIALS_REFUSED, type InitiateOutput } from "@zerofee/providers";
import { and, asc, eq, getTableColumns } from "drizzle-orm";
import { normalisePhone, resolveMethod } from "../../catalogue/index.js";
import { batcherFor, queryJson, recordOf } from "../../db/batch.js";
import type { Db, Tx } from "../../db/client.js";
import { type PaymentStatus, paymentAttempts, payments } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import { ApiError } from "../../lib/errors.js";
import { newId } from "../../lib/ids.js";
import { isCurrency } from "../../lib/money.js";
import { validateMerchantUrl } from "../../lib/urls.js";
import type { Scope, ServiceContext } from "../context.js";
import { EVENT_JOB_CTE } from "../events/record.js";
import { eventsCommitted } from "../events/wake.js";
import { type ClaimInput, claimIdempotencyKey, type IdempotencyHandle, type NewKey, newKeyRow } from "../idempotency/claim.js";
import { type ConfigRow, providerContextFor } from "../providers/credentials.js";
import { loadRoutingSetup, routeCandidates } from "../routing/candidates.js";
import { STATS_INSERT, STATS_ON_CONFLICT } from "../stats/rollup.js";
import type { CreatePaymentInput } from "./schemas.js";
import { type PaymentRow, serializePayment } from "./serialize.js";
import { ALLOWED_FROM, EVENT_FOR, transitionPayment } from "./transition.js";

type AttemptRow = typeof paymentAttempts.$inferSelect;

/** Validates the body against the catalogue; everything here is a 400 naming its param. */
function prepare(input: CreatePaymentInput, livemode: boolean) {
  const method = resolveMethod(input.payment_method);
  if (!method) throw new ApiError("validation_error", `Unknown payment method ${input.payment_method}.`, { param: "payment_method" });
  const currency = input.currency ?? method.currencies[0];
  if (!currency || !isCurrency(currency) || !method.currencies.includes(currency)) {
    throw new ApiError("validation_error", `${method.code} takes ${method.currencies.join(", ")}.`, { param: "currency" });
  }
  const customer = { ...input.customer };
  if (method.kind === "mobile_money") {
    if (!customer.phone) throw new ApiError("validation_error", "A mobile-money payment needs customer.phone.", { param: "customer.phone" });
    customer.phone = normalisePhone(customer.phone, method.country ?? "");
  } else if (customer.phone) {
    customer.phone = customer.phone.trim();
  }
  const urls = {
    successUrl: input.success_url ? validateMerchantUrl(input.success_url, "success_url", livemode) : null,
    cancelUrl: input.cancel_url ? validateMerchantUrl(input.cancel_url, "cancel_url", livemode) : null,
    errorUrl: input.error_url ? validateMerchantUrl(input.error_url, "error_url", livemode) : null,
    pendingUrl: input.pending_url ? validateMerchantUrl(input.pending_url, "pending_url", livemode) : null,
  };
  return { method, currency, customer, urls };
}

/**
 * Phase 1 (one statement, so one commit): the payment, its first attempt with a provider-side
 * id made now, the `payment.created` event and its delivery job, and the recovery point —
 * data-modifying CTEs of a single INSERT, atomic like the transaction they replace. Nothing
 * is sent to a provider before this commits. The rows answered are the ones written (every
 * column is set here), so nothing is read back.
 *
 * With `claim` (an Idempotency-Key not claimed yet), the same statement claims it: the key's
 * row is inserted at its recovery point `payment_created`, and the payment only if the key was
 * new. A key already known writes nothing and answers `claimed: null`; the caller then claims
 * it the usual way (replay, 409, or a crashed request's lock taken over).
 */
/** Who set a payment's amount (SPEC §8): the merchant's server, or the browser in checkout's simple mode. */
export type AmountSource = PaymentRow["amountSource"];

async function insertPayment(
  ctx: ServiceContext,
  scope: Scope,
  input: CreatePaymentInput,
  idem: IdempotencyHandle | null,
  claim?: ClaimInput,
  amountSource: AmountSource = "server",
) {
  const { method, currency, customer, urls } = prepare(input, scope.livemode);
  const setup = await loadRoutingSetup(ctx, scope);
  const candidates = await routeCandidates(ctx, { scope, method, currency, forced: input.provider, setup });
  const now = ctx.clock.now();
  const id = newId("payment", now);
  const payment: PaymentRow = {
    id,
    appId: scope.appId,
    livemode: scope.livemode,
    amount: input.amount,
    currency,
    status: "pending",
    paymentMethod: method.code,
    country: method.country,
    operator: method.operator,
    provider: null,
    providerReference: null,
    customer,
    reference: input.reference ?? null,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    amountSource,
    feeAmount: null,
    netAmount: null,
    amountRefunded: 0,
    settlementId: null,
    nextAction: null,
    ...urls,
    failureCode: null,
    failureMessage: null,
    otpAttempts: 0,
    timeline: [{ status: "pending", source: "api", at: now.toISOString() }],
    expiresAt: new Date(now.getTime() + ctx.config.paymentExpiryS * 1000),
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
  // The first attempt (and its provider-side id) commits with the payment: a crash before
  // the provider call resumes it exactly as a later one would.
  const first = candidates[0];
  const attempts = first ? [attemptRow(ctx, payment, first)] : [];
  const event = { paymentId: id, idemId: idem?.id ?? null, eventId: newId("event", now), data: serializePayment(payment) };
  const key = claim ? { ...newKeyRow(claim, newId("request", now), now), payment_id: id } : null;
  const written = await phaseOne(ctx.db)({ payment, attempt: attempts[0] ?? null, event, key });
  if (!written.written) {
    if (key) return { claimed: null };
    throw new Error("payment insert wrote nothing");
  }
  // A job parked for want of an endpoint needs no worker.
  if (written.queued) eventsCommitted(ctx.db);
  const claimed: IdempotencyHandle | null = key ? { id: key.id, recoveryPoint: "payment_created", resourceId: id } : null;
  return { claimed, payment, candidates, attempts, rows: setup.rows, writtenBy: written.xid };
}

interface PhaseOneRow {
  payment: PaymentRow;
  attempt: AttemptRow | null;
  event: { paymentId: string; idemId: string | null; eventId: string; data: Record<string, unknown> };
  /** The Idempotency-Key this statement claims (the payment is written only if it is new). */
  key: (NewKey & { payment_id: string }) | null;
}

/**
 * Phase 1 for every create of the moment, as one statement (group commit, `db/batch.ts`):
 * the payments and their first attempts as written in JS (an attempt only with the payment
 * this statement wrote: the schema has no foreign key to check it), each key's recovery point, the
 * stats rollup (one upsert per app, mode, currency, day and method, in key order so
 * concurrent batches lock rows alike), and each `payment.created` event with its delivery
 * job (`EVENT_JOB_CTE`: parked `failed`/`no_endpoint` when the app has no endpoint in the mode).
 * Keys claimed here (`kin`) go in first; a payment whose key was taken already — by an earlier
 * request or by another row of the batch — is left out of every table.
 */
const PHASE_ONE_SQL = `with kin as (
    select * from jsonb_to_recordset($4::jsonb) as k(id text, app_id text, livemode boolean, key text, method text, path text, fingerprint text, at timestamptz, payment_id text)
  ),
  k as (
    insert into idempotency_keys (id, app_id, livemode, key, method, path, fingerprint, locked_at, created_at, recovery_point, resource_id)
    select id, app_id, livemode, key, method, path, fingerprint, at, at, 'payment_created', payment_id from kin
    on conflict do nothing
    returning resource_id
  ),
  pin as (
    select * from jsonb_populate_recordset(null::payments, $1::jsonb) n
      where n.id in (select resource_id from k) or n.id not in (select payment_id from kin)
  ),
  ain as (select * from jsonb_populate_recordset(null::payment_attempts, $2::jsonb)),
  x as (select * from jsonb_to_recordset($3::jsonb) as x(payment_id text, idem_id text, event_id text, data jsonb)),
  p as (insert into payments select * from pin returning id),
  a as (insert into payment_attempts select ain.* from ain join p on p.id = ain.payment_id returning id),
  r as (
    update idempotency_keys k set recovery_point = 'payment_created', resource_id = x.payment_id
      from x where k.id = x.idem_id and k.id = any(array(select idem_id from x where idem_id is not null)) returning k.id
  ),
  s as (
    ${STATS_INSERT}
    select app_id, livemode, currency, (created_at at time zone 'UTC')::date, '', payment_method, count(*)::int, 0, 0, 0, 0, 0, 0
      from pin group by 1, 2, 3, 4, 6 order by 1, 2, 3, 4, 6
    ${STATS_ON_CONFLICT}
  ),
  e as (
    insert into events (id, app_id, livemode, type, object_id, data, created_at)
    select x.event_id, pin.app_id, pin.livemode, 'payment.created', pin.id, x.data, pin.created_at from x join pin on pin.id = x.payment_id
    on conflict do nothing
    returning id, app_id, livemode, created_at
  ),
  ${EVENT_JOB_CTE}
select (select coalesce(json_agg(id), '[]') from p) as written,
  (select coalesce(json_agg(event_id), '[]') from job where status = 'pending') as queued,
  pg_current_xact_id()::xid::text as xid`;

const phaseOne = (db: Db) =>
  batcherFor(db, "payment_phase_one", async (rows: PhaseOneRow[]) => {
    const [res] = await queryJson<{ written: string[]; queued: string[]; xid: string }>(db, "payment_phase_one", PHASE_ONE_SQL, [
      rows.map((r) => recordOf(payments, r.payment)),
      rows.flatMap((r) => (r.attempt ? [recordOf(paymentAttempts, r.attempt)] : [])),
      rows.map((r) => ({ payment_id: r.event.paymentId, idem_id: r.event.idemId, event_id: r.event.eventId, data: r.event.data })),
      rows.flatMap((r) => (r.key ? [r.key] : [])),
    ]);
    const written = new Set(res?.written);
    const queued = new Set(res?.queued);
    // `xid`: the statement's transaction, so the `xmin` of every row it wrote (`AnswerPlan`).
    return rows.map((r) => ({ written: written.has(r.payment.id), queued: queued.has(r.event.eventId), xid: res?.xid ?? "" }));
  });

/** A new attempt at `provider`, with the provider-side id generated now (not yet stored). */
function attemptRow(ctx: ServiceContext, payment: PaymentRow, provider: string): AttemptRow {
  const now = ctx.clock.now();
  return {
    id: newId("attempt", now),
    paymentId: payment.id,
    appId: payment.appId,
    provider,
    // PawaPay's depositId must be a UUID we generate; one format for every provider.
    providerPaymentId: randomUUID(),
    providerReference: null,
    status: "created",
    errorCode: null,
    errorMessage: null,
    data: {},
    createdAt: now,
    updatedAt: now,
  };
}

async function newAttempt(ctx: ServiceContext, db: Db | Tx, payment: PaymentRow, provider: string): Promise<AttemptRow> {
  const [attempt] = await db
    .insert(paymentAttempts)
    .values(attemptRow(ctx, payment, provider))
    .returning();
  if (!attempt) throw new Error("attempt insert returned nothing");
  return attempt;
}

/** Phase 2: the provider call, with the stored provider-side id. */
async function initiate(ctx: ServiceContext, payment: PaymentRow, attempt: AttemptRow, rows?: ConfigRow[]): Promise<InitiateOutput> {
  const provider = attempt.provider;
  const scope = { appId: payment.appId, livemode: payment.livemode };
  const target = { provider, livemode: payment.livemode };
  const adapter = ctx.providers.adapter(provider);
  const providerCtx = await providerContextFor(ctx, scope, provider, rows);
  ctx.fault("before_provider_initiate");
  const result = await ctx.providers.call(
    target,
    "initiate",
    () =>
      adapter.initiate(providerCtx, {
        providerPaymentId: attempt.providerPaymentId,
        amount: payment.amount,
        currency: payment.currency,
        paymentMethod: payment.paymentMethod,
        country: payment.country,
        operator: payment.operator,
        customer: payment.customer,
        description: payment.description,
        returnUrl: `${ctx.publicUrl()}/v1/payments/${payment.id}/return`,
        callbackUrl: ctx.providers.callbackUrl(provider, scope),
      }),
    (r) => (r.outcome === "rejected" && r.providerDown ? "down" : r.outcome),
  );
  ctx.fault("after_provider_initiate");
  if (result.outcome !== "ambiguous") return result;
  // Sent, but no clear answer: only "not found" on our own id proves it was not accepted.
  const status = await ctx.providers.call(
    target,
    "status",
    () => adapter.getStatus(providerCtx, { providerPaymentId: attempt.providerPaymentId, providerReference: null, data: {} }),
    (r) => r.kind,
  );
  if (status.kind === "not_found") return { outcome: "rejected", code: result.code, message: `${result.message}; provider kept nothing` };
  if (status.kind === "found") {
    return { outcome: "accepted", providerReference: status.providerReference ?? attempt.providerPaymentId, status: status.status, nextAction: null };
  }
  return result;
}

/**
 * The caller's answer when the create comes out as written here, stored with phase 3 instead
 * of by a statement of its own after it (`http/idempotency.ts`): `build` writes the answer
 * of the rows as phase 3 will leave them; `attempts` are the payment's attempts so far.
 * `writtenBy` is phase 1's transaction (`xid`), which wrote the payment and this attempt: the
 * `xmin` both rows keep until anything else writes them.
 */
export interface AnswerPlan {
  idemId: string;
  build: (payment: PaymentRow, attempts: AttemptRow[]) => { status: number; body: string };
  attempts: AttemptRow[];
  writtenBy: string;
}

/**
 * Phase 3 when the provider accepted and the payment stays open (pending, requires_action,
 * processing: no event, no checkout to complete) — the common create — as one statement: the
 * attempt and the payment updated by two CTEs, atomic like the transaction they replace, the
 * status moved only from where SPEC §3 allows it (as `transitionPayment` does), and both rows
 * answered from RETURNING.
 *
 * With a `plan`, the statement instead updates the two rows only while they are still the
 * versions phase 1 wrote (`xmin` = `plan.writtenBy`, rechecked by PostgreSQL on the row it
 * locks if another transaction updated it meanwhile), and stores the request's answer with
 * its idempotency key in the same commit. Rows nobody else wrote come out exactly as predicted
 * here, so the stored answer is the committed rows' own and they need not come back. When
 * anything wrote them since phase 1 (a provider's callback, a cancel), nothing is stored; the
 * statement without a plan then records the provider's answer on the rows as they are, and
 * their answer is stored after, as without a plan.
 */
async function recordAcceptedOpen(
  ctx: ServiceContext,
  payment: PaymentRow,
  attempt: AttemptRow,
  result: Extract<InitiateOutput, { outcome: "accepted" }>,
  to: PaymentStatus,
  now: Date,
  plan?: AnswerPlan,
): Promise<{ payment: PaymentRow; attempt: AttemptRow; answered?: string }> {
  const entry = { status: to, source: "api" as const, at: now.toISOString() };
  const outcome: AcceptedOpenInput = {
    attempt_id: attempt.id,
    payment_id: payment.id,
    app_id: payment.appId,
    provider: attempt.provider,
    provider_reference: result.providerReference,
    data: result.data ?? {},
    next_action: result.nextAction,
    status: to,
    allowed: ALLOWED_FROM[to],
    entry: [entry],
    at: now.toISOString(),
  };
  if (plan) {
    const moves = ALLOWED_FROM[to].includes(payment.status);
    const predicted: PhaseThreeRows = {
      payment: {
        ...payment,
        provider: attempt.provider,
        providerReference: result.providerReference,
        nextAction: result.nextAction,
        ...(moves ? { status: to, timeline: [...payment.timeline, entry] } : {}),
        updatedAt: now,
      },
      attempt: { ...attempt, status: "accepted", providerReference: result.providerReference, data: result.data ?? {}, updatedAt: now },
    };
    const answer = plan.build(
      predicted.payment,
      plan.attempts.map((x) => (x.id === attempt.id ? predicted.attempt : x)),
    );
    const stored = await acceptedOpenAnswered(ctx.db)({
      ...outcome,
      xmin: plan.writtenBy,
      idem_id: plan.idemId,
      answer_status: answer.status,
      // In clear, unlike other stored answers (`sealResponse`): every field of a payment's answer
      // is in its own rows (`payments`, `payment_attempts`) and its `payment.created` event, in
      // clear and kept longer; sealing this copy hid nothing and cost Node CPU on every create
      // (docs/performance.md, ninth session).
      answer_body: answer.body,
    });
    if (stored) return { ...predicted, answered: answer.body };
  }
  const row = await acceptedOpen(ctx.db)(outcome);
  if (!row?.p || !row.a) throw new Error("attempt or payment missing when recording the provider's answer");
  return { payment: fromJson(payments, row.p), attempt: fromJson(paymentAttempts, row.a) };
}

type PhaseThreeRows = { payment: PaymentRow; attempt: AttemptRow };

/** The provider's answer as phase 3 records it: a row of `$1` (`X_COLUMNS`). */
interface AcceptedOpenInput {
  attempt_id: string;
  payment_id: string;
  app_id: string;
  provider: string;
  provider_reference: string;
  data: Record<string, unknown>;
  next_action: unknown;
  status: PaymentStatus;
  allowed: readonly string[];
  entry: unknown[];
  at: string;
}

const X_COLUMNS = `attempt_id text, payment_id text, app_id text, provider text, provider_reference text,
  data jsonb, next_action jsonb, status text, allowed jsonb, entry jsonb, at timestamptz`;
const SET_ATTEMPT = `status = 'accepted', provider_reference = x.provider_reference, data = x.data, updated_at = x.at`;
const SET_PAYMENT = `provider = x.provider, provider_reference = x.provider_reference, next_action = x.next_action, updated_at = x.at,
      status = case when x.allowed ? t.status then x.status else t.status end,
      timeline = case when x.allowed ? t.status then t.timeline || x.entry else t.timeline end`;
const AT_ATTEMPT = `t.id = x.attempt_id and t.id = any(array(select attempt_id from x))`;
const AT_PAYMENT = `t.id = x.payment_id and t.app_id = x.app_id and t.id = any(array(select payment_id from x))`;

const ACCEPTED_OPEN_SQL = `with x as (select * from jsonb_to_recordset($1::jsonb) as x(${X_COLUMNS})),
  a as (update payment_attempts t set ${SET_ATTEMPT} from x where ${AT_ATTEMPT} returning t.*),
  p as (update payments t set ${SET_PAYMENT} from x where ${AT_PAYMENT} returning t.*)
select a.id, row_to_json(a.*) as a, row_to_json(p.*) as p from a join p on p.id = a.payment_id`;

/**
 * With an answer to store: the payment only while it is the version phase 1 wrote, the attempt
 * only with its payment and while it is phase 1's too, the key only with both. A row another
 * transaction updated after this statement's snapshot is rechecked on its new version (whose
 * `xmin` differs), so it is left alone, never updated from a stale view. The rows answered
 * are the creates whose answer was stored; the others run `ACCEPTED_OPEN_SQL` after.
 */
const ACCEPTED_OPEN_ANSWERED_SQL = `with x as (
    select * from jsonb_to_recordset($1::jsonb) as x(${X_COLUMNS}, xmin text, idem_id text, answer_status int, answer_body text)
  ),
  p as (update payments t set ${SET_PAYMENT} from x where ${AT_PAYMENT} and t.xmin = x.xmin::xid returning t.id),
  a as (
    update payment_attempts t set ${SET_ATTEMPT} from x join p on p.id = x.payment_id
      where ${AT_ATTEMPT} and t.xmin = x.xmin::xid returning t.id
  ),
  k as (
    update idempotency_keys k set response_status = x.answer_status, response_body = x.answer_body, finished_at = x.at, locked_at = null
      from x join a on a.id = x.attempt_id where k.id = x.idem_id and k.id = any(array(select idem_id from x))
    returning k.id
  )
select x.attempt_id as id from x join k on k.id = x.idem_id`;

/** The rows as written. */
type Written = { a: Record<string, unknown> | null; p: Record<string, unknown> | null };

/** `recordAcceptedOpen`'s statement, shared by the creates of the moment (`db/batch.ts`). */
const acceptedOpen = (db: Db) =>
  batcherFor(db, "payment_accepted_open", async (rows: AcceptedOpenInput[]) => {
    const written = await queryJson<Written & { id: string }>(db, "payment_accepted_open", ACCEPTED_OPEN_SQL, [rows]);
    const byAttempt = new Map(written.map((w) => [w.id, w]));
    return rows.map((r): Written | undefined => byAttempt.get(r.attempt_id));
  });

type AnsweredInput = AcceptedOpenInput & { xmin: string; idem_id: string; answer_status: number; answer_body: string };

/** The same with the answers to store (`ACCEPTED_OPEN_ANSWERED_SQL`): true where it was stored. */
const acceptedOpenAnswered = (db: Db) =>
  batcherFor(db, "payment_accepted_open_answered", async (rows: AnsweredInput[]) => {
    const stored = await queryJson<{ id: string }>(db, "payment_accepted_open_answered", ACCEPTED_OPEN_ANSWERED_SQL, [rows]);
    const ids = new Set(stored.map((r) => r.id));
    return rows.map((r) => ids.has(r.attempt_id));
  });

/** A `row_to_json` of one of `table`'s rows, mapped as drizzle maps a RETURNING row. */
function fromJson<T extends typeof payments | typeof paymentAttempts>(table: T, json: Record<string, unknown>): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T["$inferSelect"];
}

/** Phase 3 (one transaction): the provider's answer, on the attempt and the payment. Returns both as written. */
async function recordOutcome(
  ctx: ServiceContext,
  payment: PaymentRow,
  attempt: AttemptRow,
  result: InitiateOutput,
  plan?: AnswerPlan,
): Promise<{ payment: PaymentRow; attempt: AttemptRow; answered?: string }> {
  const now = ctx.clock.now();
  if (result.outcome === "accepted") {
    // A next action means the customer must act (SPEC §3): requires_action.
    const to = result.status === "pending" && result.nextAction ? "requires_action" : result.status;
    if (!EVENT_FOR[to] && to !== "completed") return recordAcceptedOpen(ctx, payment, attempt, result, to, now, plan);
  }
  return withTransaction(ctx.db, async (tx) => {
    if (result.outcome !== "accepted") {
      const [a] = await tx
        .update(paymentAttempts)
        .set({ status: result.outcome, errorCode: result.code, errorMessage: result.message, updatedAt: now })
        .where(eq(paymentAttempts.id, attempt.id))
        .returning();
      const updatedAttempt = a ?? attempt;
      if (result.outcome === "ambiguous") {
        const [p] = await tx.update(payments).set({ provider: attempt.provider, updatedAt: now }).where(eq(payments.id, payment.id)).returning();
        return { payment: p ?? payment, attempt: updatedAttempt };
      }
      return { payment, attempt: updatedAttempt };
    }
    const [a] = await tx
      .update(paymentAttempts)
      .set({ status: "accepted", providerReference: result.providerReference, data: result.data ?? {}, updatedAt: now })
      .where(eq(paymentAttempts.id, attempt.id))
      .returning();
    const updatedAttempt = a ?? attempt;
    const set = { provider: attempt.provider, providerReference: result.providerReference, nextAction: result.nextAction };
    // A next action means the customer must act (SPEC §3): requires_action.
    const to = result.status === "pending" && result.nextAction ? "requires_action" : result.status;
    const moved = to === "pending" ? null : await transitionPayment(ctx, tx, { paymentId: payment.id, appId: payment.appId, to, source: "api", at: now, set });
    if (moved) return { payment: moved, attempt: updatedAttempt };
    const [p] = await tx
      .update(payments)
      .set({ ...set, updatedAt: now })
      .where(eq(payments.id, payment.id))
      .returning();
    return { payment: p ?? payment, attempt: updatedAttempt };
  });
}

async function loadForResume(ctx: ServiceContext, scope: Scope, paymentId: string) {
  const [payment] = await ctx.db
    .select()
    .from(payments)
    .where(and(eq(payments.id, paymentId), eq(payments.appId, scope.appId), eq(payments.livemode, scope.livemode)));
  if (!payment) throw new Error(`recovery point names a missing payment ${paymentId}`);
  const attempts = await ctx.db.select().from(paymentAttempts).where(eq(paymentAttempts.paymentId, paymentId)).orderBy(asc(paymentAttempts.createdAt));
  return { payment, attempts };
}

/**
 * Creates a payment and starts it at a provider (SPEC §3, §5, §16).
 *
 * Atomic phases with recovery points: a crash or a retry with the same Idempotency-Key
 * resumes with the same provider-side id, so the provider sees one payment. Cascades to the
 * next candidate only when the provider provably did not accept; an ambiguous answer leaves
 * the payment pending for reconciliation, never a second initiation elsewhere.
 */
export async function createPayment(args: {
  ctx: ServiceContext;
  scope: Scope;
  input: CreatePaymentInput;
  idem: IdempotencyHandle | null;
  /** Default `server`; checkout's simple mode says `client`. */
  amountSource?: AmountSource;
}): Promise<PaymentRow> {
  const created = await createPaymentWithAttempts(args);
  if (created.kind !== "created") throw new Error("a create without a key to claim answered a replay");
  return created.payment;
}

/** An Idempotency-Key the create claims with its first write, and who is told when it is claimed. */
export interface FirstWriteClaim {
  input: ClaimInput;
  /** Called once the key is claimed, by phase 1 or the usual way, with its handle. */
  claimed: (handle: IdempotencyHandle) => void;
}

export type CreateOutcome =
  | { kind: "created"; payment: PaymentRow; attempts: AttemptRow[]; fresh: boolean; answered?: string }
  /** The key was finished already: its stored answer, to send again. */
  | { kind: "replay"; status: number; body: string };

/**
 * `createPayment`, also answering the attempts as written, so the API's answer needs no read
 * back; `fresh` is false when the call resumed an earlier one (its rows may have moved since:
 * read them again). With `answer` and an idempotency key, a fresh create whose provider
 * accepted stores the answer `answer` writes with its last phase (`recordAcceptedOpen`) and
 * returns it as `answered`: the key is then finished, and that text is the answer to send.
 *
 * With `claim` (and no `idem`), the key is claimed by phase 1 itself: a new key costs no
 * statement of its own. A key already known is then claimed as any other (`claimIdempotencyKey`:
 * a replay, a 409, or a crashed request's lock taken over and its work resumed).
 */
export async function createPaymentWithAttempts({
  ctx,
  scope,
  input,
  idem: held,
  claim,
  answer,
  amountSource,
}: {
  ctx: ServiceContext;
  scope: Scope;
  input: CreatePaymentInput;
  idem: IdempotencyHandle | null;
  claim?: FirstWriteClaim;
  answer?: AnswerPlan["build"];
  amountSource?: AmountSource;
}): Promise<CreateOutcome> {
  let idem = held;
  let first: Extract<Awaited<ReturnType<typeof insertPayment>>, { payment: PaymentRow }> | undefined;
  if (claim && !idem) {
    // Refused before its first write (a 400 or 422 of validation or routing): the key may hold
    // an answer already, so it is claimed the usual way below and the create runs again with it.
    const inserted = await insertPayment(ctx, scope, input, null, claim.input, amountSource).catch((err: unknown) => {
      if (err instanceof ApiError) return { claimed: null };
      throw err;
    });
    if (inserted.claimed) {
      first = inserted;
      idem = inserted.claimed;
    } else {
      // Claimed the usual way from here: its 409s and replays are about the key, never stored.
      const known = await claimIdempotencyKey(ctx, claim.input);
      if (known.kind === "replay") return known;
      idem = known.handle;
    }
    claim.claimed(idem);
  }
  let payment: PaymentRow;
  let candidates: string[];
  let attempts: AttemptRow[] = [];
  let rows: ConfigRow[] | undefined;
  // Phase 1's transaction, when this call wrote the payment and its first attempt.
  let writtenBy: string | undefined;
  // Fresh: this call wrote the payment; otherwise it resumes one (its rows may have moved).
  const fresh = first !== undefined || !idem?.resourceId;
  if (first) {
    ({ payment, candidates, attempts, rows, writtenBy } = first);
  } else if (idem?.resourceId) {
    ({ payment, attempts } = await loadForResume(ctx, scope, idem.resourceId));
    const method = resolveMethod(payment.paymentMethod);
    const setup = await loadRoutingSetup(ctx, scope);
    rows = setup.rows;
    candidates = method ? await routeCandidates(ctx, { scope, method, currency: payment.currency, forced: input.provider, setup }) : [];
  } else {
    const inserted = await insertPayment(ctx, scope, input, idem, undefined, amountSource);
    if (!inserted.payment) throw new Error("payment insert wrote nothing");
    ({ payment, candidates, attempts, rows, writtenBy } = inserted);
  }

  let answered: string | undefined;
  const done = (): CreateOutcome => ({ kind: "created", payment, attempts, fresh, ...(answered === undefined ? {} : { answered }) });
  const last = attempts.at(-1);
  if (last?.status === "accepted" || last?.status === "ambiguous") return done();
  // A crash after the attempt was committed: call again with the same provider-side id.
  let attempt: AttemptRow | undefined = last?.status === "created" ? last : undefined;
  const queue = [...candidates];
  const resumedAt = attempt ? queue.indexOf(attempt.provider) : -1;
  if (resumedAt >= 0) queue.splice(resumedAt, 1);
  const refusals: Array<{ provider: string; code: string }> = [];
  for (;;) {
    if (!attempt) {
      const next = queue.shift();
      if (!next) break;
      attempt = await newAttempt(ctx, ctx.db, payment, next);
      attempts.push(attempt);
    }
    const result = await initiate(ctx, payment, attempt, rows);
    // Only the attempt phase 1 wrote: a later candidate's attempt was written by its own statement.
    const plan = fresh && idem && answer && writtenBy && attempt.id === attempts[0]?.id ? { idemId: idem.id, build: answer, attempts, writtenBy } : undefined;
    const recorded = await recordOutcome(ctx, payment, attempt, result, plan);
    payment = recorded.payment;
    answered = recorded.answered;
    const at = attempts.findIndex((a) => a.id === recorded.attempt.id);
    if (at >= 0) attempts[at] = recorded.attempt;
    if (result.outcome !== "rejected") return done();
    refusals.push({ provider: attempt.provider, code: result.code });
    attempt = undefined;
  }
  // Every candidate provably refused. With a key, the payment stays pending so a retry
  // resumes it; without one nobody can, so it fails now.
  const refused = noProviderMessage(refusals, payment.livemode);
  if (!idem) {
    await withTransaction(ctx.db, (tx) =>
      transitionPayment(ctx, tx, {
        paymentId: payment.id,
        appId: payment.appId,
        to: "failed",
        source: "api",
        at: ctx.clock.now(),
        failure: { code: "provider_unavailable", message: refused.failure },
      }),
    );
  }
  ctx.log.warn(
    { payment_id: payment.id, app_id: payment.appId, livemode: payment.livemode, attempts: refusals.map((r) => `${r.provider}: ${r.code}`) },
    refused.credentials.length > 0 ? "no provider accepted the payment: credentials refused" : "no provider accepted the payment",
  );
  throw new ApiError("provider_unavailable", refused.answer, { retryAfter: 5 });
}

/**
 * What the 503 and a failed payment say when no candidate took the payment. A provider that
 * refused the app's own credentials (`CREDENTIALS_REFUSED`) is named: "retry" alone would send
 * the merchant round the same refusal, while the fix is in the provider's set-up.
 */
function noProviderMessage(refusals: Array<{ provider: string; code: string }>, livemode: boolean): { answer: string; failure: string; credentials: string[] } {
  const credentials = [...new Set(refusals.filter((r) => r.code === CREDENTIALS_REFUSED).map((r) => r.provider))];
  if (credentials.length === 0) {
    return {
      answer: "No provider could take this payment right now; retry with the same Idempotency-Key.",
      failure: "No provider could take the payment.",
      credentials,
    };
  }
  const who = `${credentials.join(", ")} refused this app's ${livemode ? "live" : "test"} credentials`;
  return {
    answer: `No provider could take this payment: ${who}. Check them in the dashboard (Providers); a retry with the same Idempotency-Key is refused the same way until they are fixed.`,
    failure: `No provider could take the payment: ${who}.`,
    credentials,
  };
}

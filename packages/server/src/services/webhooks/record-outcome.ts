import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db, Tx } from "../../db/client.js";
import { webhookEndpoints } from "../../db/schema/index.js";
import { withTransaction } from "../../db/tx.js";
import type { ServiceContext } from "../context.js";
import type { ClaimedJob } from "./claim.js";
import type { PostResult } from "./post.js";
import { retryDelayMs } from "./schedule.js";

/** One finished attempt, waiting to be recorded. */
export interface AttemptDraft {
  job: ClaimedJob;
  deliveryId: string;
  url: string;
  startedAt: Date;
  result: PostResult;
}

export interface Outcome {
  /** The event's delivery status after this attempt. */
  status: "delivered" | "pending" | "failed";
}

const isSuccess = (r: PostResult) => r.statusCode !== null && r.statusCode >= 200 && r.statusCode < 300;

function describeError(r: PostResult): string | null {
  if (r.error) return r.error;
  if (r.statusCode !== null && r.statusCode >= 300 && r.statusCode < 400) return `redirect not followed (HTTP ${r.statusCode})`;
  if (!isSuccess(r)) return `HTTP ${r.statusCode}`;
  return null;
}

interface Planned {
  draft: AttemptDraft;
  attempt: number;
  status: Outcome["status"];
  error: string | null;
  nextAt: Date | null;
}

function plan(ctx: ServiceContext, draft: AttemptDraft, now: Date): Planned {
  const attempt = draft.job.attempts + 1;
  const success = isSuccess(draft.result);
  const delay = success ? null : retryDelayMs(ctx.config.webhook.retryDelaysS, attempt - draft.job.scheduleStart, draft.result.retryAfterS, Math.random);
  return {
    draft,
    attempt,
    status: success ? "delivered" : delay === null ? "failed" : "pending",
    error: describeError(draft.result),
    nextAt: delay === null ? null : new Date(now.getTime() + delay),
  };
}

/** The batch as columns (one array parameter each), unnested into rows `v` in SQL. */
const COLUMNS: Array<[name: string, type: string, value: (p: Planned) => unknown]> = [
  ["event_id", "text", (p) => p.draft.job.eventId],
  ["status", "text", (p) => p.status],
  ["attempt", "int", (p) => p.attempt],
  ["prev_attempts", "int", (p) => p.draft.job.attempts],
  ["claim", "text", (p) => p.draft.job.claim],
  ["next_at", "timestamptz", (p) => p.nextAt?.toISOString() ?? null],
  ["error", "text", (p) => p.error],
  ["delivery_id", "text", (p) => p.draft.deliveryId],
  ["app_id", "text", (p) => p.draft.job.appId],
  ["livemode", "bool", (p) => p.draft.job.livemode],
  ["url", "text", (p) => p.draft.url],
  ["status_code", "int", (p) => p.draft.result.statusCode],
  ["response_body", "text", (p) => p.draft.result.responseBody],
  ["duration_ms", "int", (p) => p.draft.result.durationMs],
  ["started_at", "timestamptz", (p) => p.draft.startedAt.toISOString()],
];

/**
 * One statement logs every attempt and moves each job still held under the claim its attempt
 * was made under (`locked_by`, `attempts` unchanged) on; returns the jobs moved. With
 * `resetFailures`, an endpoint that had a delivered event in the batch gets its failure count
 * reset in the same statement (exact only when no event of the batch ended `failed`: the
 * caller decides).
 */
async function logAndMove(db: Db | Tx, now: Date, planned: Planned[], resetFailures: boolean): Promise<Set<string>> {
  const arrays = COLUMNS.map(([, type, value]) => sql`${sql.param(planned.map(value))}::${sql.raw(type)}[]`);
  const names = sql.raw(COLUMNS.map(([name]) => name).join(", "));
  const at = now.toISOString();
  const res = (await db.execute(sql`
    with v as (
      select * from unnest(${sql.join(arrays, sql`, `)}) as v(${names})
    ), logged as (
      insert into webhook_attempts (id, event_id, app_id, livemode, attempt, url, status_code, response_body, duration_ms, error, created_at)
      select delivery_id, event_id, app_id, livemode, attempt, url, status_code, response_body, duration_ms, error, started_at from v
    ), moved as (
      update webhook_jobs j
         set status = v.status, attempts = v.attempt, next_attempt_at = v.next_at, locked_until = null, locked_by = null,
             last_error = v.error, delivered_at = case when v.status = 'delivered' then ${at}::timestamptz else null end,
             updated_at = ${at}::timestamptz
        from v
       where j.event_id = v.event_id and j.locked_by = v.claim and j.attempts = v.prev_attempts
      returning j.event_id, j.app_id, j.livemode, v.status
    ), reset as (
      update webhook_endpoints w set consecutive_failures = 0
        from (select distinct app_id, livemode from moved where status = 'delivered') d
       where ${resetFailures} and w.app_id = d.app_id and w.livemode = d.livemode and w.consecutive_failures <> 0
    )
    select event_id from moved`)) as unknown as { rows: Array<{ event_id: string }> };
  return new Set(res.rows.map((r) => r.event_id));
}

/**
 * Counts toward disabling, per endpoint and in the order attempts finished: a delivered event
 * resets the count, a `failed` one adds to it; at `ZEROFEE_WEBHOOK_DISABLE_AFTER` the endpoint
 * is disabled with reason and time. Returns the endpoints this batch disabled.
 */
async function countFailures(ctx: ServiceContext, tx: Tx, now: Date, moved: Planned[]): Promise<Array<{ appId: string; livemode: boolean }>> {
  const byEndpoint = new Map<string, Planned[]>();
  for (const p of moved) {
    if (p.status === "pending") continue;
    const key = `${p.draft.job.appId}|${p.draft.job.livemode}`;
    byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), p]);
  }
  const disabled: Array<{ appId: string; livemode: boolean }> = [];
  const limit = ctx.config.webhook.disableAfter;
  for (const list of byEndpoint.values()) {
    const { appId, livemode } = list[0]?.draft.job ?? { appId: "", livemode: false };
    const endpoint: SQL | undefined = and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.livemode, livemode));
    const lastSuccess = list.map((p) => p.status).lastIndexOf("delivered");
    const failuresAfter = list.length - lastSuccess - 1;
    if (failuresAfter === 0) {
      // Only touches the row when there is something to reset: no lock on the hot path.
      await tx
        .update(webhookEndpoints)
        .set({ consecutiveFailures: 0 })
        .where(and(endpoint, sql`${webhookEndpoints.consecutiveFailures} <> 0`));
      continue;
    }
    const base = lastSuccess >= 0 ? sql`0` : sql`${webhookEndpoints.consecutiveFailures}`;
    const [counted] = await tx
      .update(webhookEndpoints)
      .set({ consecutiveFailures: sql`${base} + ${failuresAfter}` })
      .where(endpoint)
      .returning({ failures: webhookEndpoints.consecutiveFailures, active: webhookEndpoints.active });
    if (!counted?.active || limit === 0 || counted.failures < limit) continue;
    const lastError = list.at(-1)?.error ?? "unknown";
    const reason = `${counted.failures} consecutive events failed; last error: ${lastError}`.slice(0, 500);
    const off = await tx
      .update(webhookEndpoints)
      .set({ active: false, disabledAt: now, disabledReason: reason, updatedAt: now })
      .where(and(endpoint, eq(webhookEndpoints.active, true)))
      .returning({ appId: webhookEndpoints.appId });
    if (off.length > 0) disabled.push({ appId, livemode });
  }
  return disabled;
}

/**
 * Records finished attempts in one transaction (one round of statements per batch, not per
 * attempt): every attempt is logged — it happened — and each job moves on: delivered; or
 * retried on the schedule (±10 % jitter, `Retry-After` within bounds); or, schedule spent,
 * `failed`. A job claimed again meanwhile — its lease taken by another worker, or its event
 * resent and claimed anew — is left to that claim: only the attempt's own claim moves it.
 */
export async function recordOutcomes(
  ctx: ServiceContext,
  drafts: AttemptDraft[],
): Promise<{ outcomes: Outcome[]; disabled: Array<{ appId: string; livemode: boolean }> }> {
  if (drafts.length === 0) return { outcomes: [], disabled: [] };
  const now = ctx.clock.now();
  const planned = drafts.map((d) => plan(ctx, d, now));
  const outcomes = planned.map((p) => ({ status: p.status }));
  // The common case — no event of the batch ran out of attempts — is one statement, no
  // transaction: delivered events reset their endpoint's count there and then.
  if (!planned.some((p) => p.status === "failed")) {
    await logAndMove(ctx.db, now, planned, true);
    return { outcomes, disabled: [] };
  }
  return withTransaction(ctx.db, async (tx) => {
    const moved = await logAndMove(tx, now, planned, false);
    const disabled = await countFailures(
      ctx,
      tx,
      now,
      planned.filter((p) => moved.has(p.draft.job.eventId)),
    );
    return { outcomes, disabled };
  });
}

import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import type { SigningEndpoint } from "./endpoint.js";

/** The endpoint as the claim read it, in the same snapshot as the job. */
export interface DeliveryEndpoint extends SigningEndpoint {
  url: string;
  active: boolean;
  events: string[] | null;
}

export interface ClaimedJob {
  eventId: string;
  appId: string;
  livemode: boolean;
  /** Attempts already recorded: this one is number `attempts + 1`. */
  attempts: number;
  scheduleStart: number;
  /** Resent by hand: delivered whatever the endpoint's `events` filter says. */
  byHand: boolean;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
  /** Null when the app has no endpoint in this mode. */
  endpoint: DeliveryEndpoint | null;
  /** Until when this worker holds the job (ms since epoch). */
  leaseUntil: number;
  /**
   * The claim the job is held under (`locked_by`): new for every claim, so an attempt that
   * ends after the job was resent and claimed again — by this worker too — cannot move it.
   */
  claim: string;
}

interface ClaimRow {
  event_id: string;
  app_id: string;
  livemode: boolean;
  attempts: number;
  schedule_start: number;
  by_hand: boolean;
  type: string;
  data: unknown;
  created_at: Date | string;
  url: string | null;
  active: boolean | null;
  events: unknown;
  secret_sealed: string | null;
  old_secret_sealed: string | null;
  old_secret_expires_at: Date | string | null;
}

const json = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);

/**
 * Claims up to `limit` due jobs under `claim` (a token no other claim uses) until
 * `leaseUntil`, each with its event and its endpoint, in one statement. `FOR UPDATE SKIP
 * LOCKED` keeps two workers off one job; the lease hands a job whose worker died back to the
 * queue once it runs out. Same SQL on PGlite and PostgreSQL.
 */
export async function claimDueJobs(db: Db, input: { claim: string; now: Date; leaseUntil: Date; limit: number }): Promise<ClaimedJob[]> {
  const now = input.now.toISOString();
  const res = (await db.execute(sql`
    with claimed as (
      update webhook_jobs j
         set locked_until = ${input.leaseUntil.toISOString()}::timestamptz, locked_by = ${input.claim}
       where j.event_id in (
         select event_id from webhook_jobs
          where status = 'pending' and next_attempt_at <= ${now}::timestamptz
            and (locked_until is null or locked_until <= ${now}::timestamptz)
          order by next_attempt_at
          limit ${input.limit}
          for update skip locked)
      returning j.event_id, j.app_id, j.livemode, j.attempts, j.schedule_start, j.by_hand, j.next_attempt_at)
    select c.event_id, c.app_id, c.livemode, c.attempts, c.schedule_start, c.by_hand, e.type, e.data, e.created_at,
           w.url, w.active, w.events, w.secret_sealed, w.old_secret_sealed, w.old_secret_expires_at
      from claimed c
      join events e on e.id = c.event_id
      left join webhook_endpoints w on w.app_id = c.app_id and w.livemode = c.livemode
     order by c.next_attempt_at`)) as unknown as { rows: ClaimRow[] };
  const leaseUntil = input.leaseUntil.getTime();
  return res.rows.map((r) => ({
    eventId: r.event_id,
    appId: r.app_id,
    livemode: r.livemode,
    attempts: Number(r.attempts),
    scheduleStart: Number(r.schedule_start),
    byHand: r.by_hand === true,
    type: r.type,
    data: json(r.data) as Record<string, unknown>,
    createdAt: new Date(r.created_at),
    endpoint:
      r.url === null || r.secret_sealed === null
        ? null
        : {
            appId: r.app_id,
            livemode: r.livemode,
            url: r.url,
            active: r.active === true,
            events: (json(r.events) as string[] | null) ?? null,
            secretSealed: r.secret_sealed,
            oldSecretSealed: r.old_secret_sealed,
            oldSecretExpiresAt: r.old_secret_expires_at === null ? null : new Date(r.old_secret_expires_at),
          },
    leaseUntil,
    claim: input.claim,
  }));
}

/**
 * Hands claimed jobs this worker never started back to the queue at once (instead of when
 * their lease runs out): on stop, and for a job that waited so long for a slot that its
 * lease would not cover a whole attempt.
 */
export async function releaseJobs(db: Db, jobs: Array<Pick<ClaimedJob, "eventId" | "claim">>): Promise<void> {
  if (jobs.length === 0) return;
  await db.execute(sql`
    update webhook_jobs set locked_until = null, locked_by = null
     where (event_id, locked_by) in (${sql.join(
       jobs.map((j) => sql`(${j.eventId}, ${j.claim})`),
       sql`, `,
     )})`);
}

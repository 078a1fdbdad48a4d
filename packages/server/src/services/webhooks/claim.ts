import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";

export interface ClaimedJob {
  eventId: string;
  appId: string;
  livemode: boolean;
  /** Attempts already recorded: this one is number `attempts + 1`. */
  attempts: number;
  scheduleStart: number;
  type: string;
  data: Record<string, unknown>;
  createdAt: Date;
}

/**
 * Claims up to `limit` due jobs for `worker` until `leaseUntil`. `FOR UPDATE SKIP LOCKED`
 * keeps two workers off one job; the lease hands a job whose worker died back to the queue
 * once it runs out. Same SQL on PGlite and PostgreSQL.
 */
export async function claimDueJobs(db: Db, input: { worker: string; now: Date; leaseUntil: Date; limit: number }): Promise<ClaimedJob[]> {
  const now = input.now.toISOString();
  const res = (await db.execute(sql`
    update webhook_jobs j
       set locked_until = ${input.leaseUntil.toISOString()}::timestamptz, locked_by = ${input.worker}
      from events e
     where e.id = j.event_id
       and j.event_id in (
         select event_id from webhook_jobs
          where status = 'pending' and next_attempt_at <= ${now}::timestamptz
            and (locked_until is null or locked_until <= ${now}::timestamptz)
          order by next_attempt_at
          limit ${input.limit}
          for update skip locked)
    returning j.event_id, j.app_id, j.livemode, j.attempts, j.schedule_start, e.type, e.data, e.created_at`)) as unknown as {
    rows: Array<{
      event_id: string;
      app_id: string;
      livemode: boolean;
      attempts: number;
      schedule_start: number;
      type: string;
      data: unknown;
      created_at: Date | string;
    }>;
  };
  return res.rows.map((r) => ({
    eventId: r.event_id,
    appId: r.app_id,
    livemode: r.livemode,
    attempts: Number(r.attempts),
    scheduleStart: Number(r.schedule_start),
    type: r.type,
    data: (typeof r.data === "string" ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
    createdAt: new Date(r.created_at),
  }));
}

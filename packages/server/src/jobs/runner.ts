import { hostname } from "node:os";
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import { jobRuns } from "../db/schema/index.js";
import { repeatingWarning } from "../lib/logger.js";
import { reapSessions } from "../services/auth/sessions.js";
import type { ServiceContext } from "../services/context.js";
import { reapIdempotencyKeys } from "../services/idempotency/reap.js";
import { expirePayments } from "./expire.js";
import { expireCheckoutSessions } from "./expire-checkout.js";
import { reconcilePayments } from "./reconcile.js";
import { settleDaily } from "./settle.js";
import { vacuumAndAnalyze } from "./vacuum-analyze.js";

export interface PeriodicJob {
  name: string;
  everyS: number;
  /** Slots start this many seconds after each multiple of `everyS` (UTC): 86400 + 1800 is daily at 00:30. */
  offsetS?: number;
  run(ctx: ServiceContext): Promise<Record<string, unknown>>;
}

/** The periodic jobs; on PGlite also `vacuum_analyze`, what autovacuum does on PostgreSQL. */
export function periodicJobs(ctx: ServiceContext, database: "pglite" | "postgres" = "postgres"): PeriodicJob[] {
  return [
    { name: "reconcile", everyS: ctx.config.reconcileEveryS, run: (c) => reconcilePayments(c) },
    { name: "expire", everyS: Math.max(1, Math.min(30, ctx.config.paymentExpiryS)), run: (c) => expirePayments(c) },
    { name: "expire_checkout", everyS: 30, run: (c) => expireCheckoutSessions(c) },
    { name: "reap_idempotency", everyS: 3600, run: async (c) => ({ deleted: await reapIdempotencyKeys(c) }) },
    { name: "reap_job_runs", everyS: 3600, run: async (c) => ({ deleted: await reapJobRuns(c) }) },
    { name: "reap_sessions", everyS: 86_400, offsetS: 3600, run: async (c) => ({ deleted: await reapSessions(c.db, c.clock.now()) }) },
    { name: "settle", everyS: 86_400, offsetS: 1800, run: (c) => settleDaily(c) },
    ...(database === "pglite" ? [{ name: "vacuum_analyze", everyS: 15, run: (c: ServiceContext) => vacuumAndAnalyze(c) }] : []),
  ];
}

/** How long `job_runs` keeps a run: its result stays readable for a week of incidents. */
export const JOB_RUNS_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes the runs started more than `JOB_RUNS_RETENTION_MS` ago. A slot is only ever claimed
 * while it is the current one, so an old slot's row guards nothing; without this the ledger
 * grew by some 6,000 rows a day (12,000 on PGlite) for as long as ZeroFee ran.
 */
export async function reapJobRuns(ctx: ServiceContext): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - JOB_RUNS_RETENTION_MS);
  const rows = await ctx.db.delete(jobRuns).where(lt(jobRuns.startedAt, cutoff)).returning({ name: jobRuns.name });
  return rows.length;
}

/**
 * Durable periodic jobs on the database itself (no extra service, same code on PGlite and
 * PostgreSQL). Each slot (`floor(now / every)`) is claimed by inserting `(job, slot)` into
 * `job_runs`: whichever worker inserts first runs it, so several workers never run one
 * slot twice, and a restart skips nothing that was not already claimed. A claim is held by
 * heartbeats while the job runs; a run that stopped beating for `ZEROFEE_JOB_LEASE_S` — its
 * worker was killed, or the job failed — is taken over by the next worker that ticks while
 * the slot is current (CF-5: a settlement killed midway is finished after a restart, not a
 * day later). Jobs are written to be run again: each one picks up what is left to do.
 */
export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly worker = `${hostname()}:${process.pid}`;
  /** Slots this runner need not try again: run here, or finished by another worker. */
  private readonly lastSlot = new Map<string, number>();
  /** The run in progress, whose claim `beat` renews. */
  private current: { name: string; slot: number } | undefined;

  /** Ticks come every few seconds: while the database is away, one line a minute. */
  private readonly tickFailed: (err: unknown) => void;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly jobs: PeriodicJob[],
  ) {
    this.tickFailed = repeatingWarning(ctx.log, "job tick failed");
  }

  start(pollMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), pollMs);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    while (this.running) await new Promise((r) => setTimeout(r, 20));
  }

  /** Runs every job whose current slot nobody has claimed yet, or whose run was abandoned. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const job of this.jobs) {
        const slot = Math.floor((this.ctx.clock.now().getTime() / 1000 - (job.offsetS ?? 0)) / job.everyS);
        if (this.lastSlot.get(job.name) === slot) continue;
        if (await this.runSlot(job, slot)) this.lastSlot.set(job.name, slot);
      }
    } catch (err) {
      this.tickFailed(err);
    } finally {
      this.running = false;
    }
  }

  /** Renews the claim of the run in progress (every quarter of the lease while a job runs). */
  async beat(): Promise<void> {
    const run = this.current;
    if (!run) return;
    await this.ctx.db
      .update(jobRuns)
      .set({ heartbeatAt: this.ctx.clock.now() })
      .where(and(eq(jobRuns.name, run.name), eq(jobRuns.slot, run.slot), eq(jobRuns.worker, this.worker), isNull(jobRuns.finishedAt)));
  }

  /** Claims and runs one slot; true once the slot needs nothing more from this runner. */
  private async runSlot(job: PeriodicJob, slot: number): Promise<boolean> {
    const claim = await this.claim(job.name, slot);
    if (!claim) return this.finished(job.name, slot);
    if (claim.previous) {
      this.ctx.log.warn(
        { job: job.name, slot, previous: claim.previous },
        "job run taken over: no heartbeat within the lease (its worker died, or the run failed); running the slot again",
      );
    }
    this.current = { name: job.name, slot };
    const heart = setInterval(() => void this.beat().catch(() => {}), (this.ctx.config.jobLeaseS * 1000) / 4);
    heart.unref();
    try {
      const result = await job.run(this.ctx);
      const done = await this.ctx.db
        .update(jobRuns)
        .set({ finishedAt: this.ctx.clock.now(), heartbeatAt: null, result })
        .where(and(eq(jobRuns.name, job.name), eq(jobRuns.slot, slot), eq(jobRuns.worker, this.worker)))
        .returning({ slot: jobRuns.slot });
      if (done.length === 0) this.ctx.log.warn({ job: job.name, slot }, "job run finished after another worker took it over");
      this.ctx.metrics.jobRuns.inc({ job: job.name, outcome: "ok" });
      return true;
    } catch (err) {
      // Left unfinished, with the error: the slot is run again once the lease has passed.
      this.ctx.metrics.jobRuns.inc({ job: job.name, outcome: "error" });
      this.ctx.log.error({ err, job: job.name, slot }, "job failed; its slot is run again after the lease");
      await this.ctx.db
        .update(jobRuns)
        .set({ heartbeatAt: this.ctx.clock.now(), result: { error: err instanceof Error ? err.message : String(err) } })
        .where(and(eq(jobRuns.name, job.name), eq(jobRuns.slot, slot), eq(jobRuns.worker, this.worker), isNull(jobRuns.finishedAt)))
        .catch(() => {});
      return false;
    } finally {
      clearInterval(heart);
      this.current = undefined;
    }
  }

  /**
   * Inserts the slot's run, or takes over one left unfinished and unheard of for the lease.
   * `previous`: the worker whose run was taken over.
   */
  private async claim(name: string, slot: number): Promise<{ previous: string | null } | null> {
    const now = this.ctx.clock.now();
    const staleBefore = new Date(now.getTime() - this.ctx.config.jobLeaseS * 1000);
    const res = (await this.ctx.db.execute(sql`
      with prev as (select worker from job_runs where name = ${name} and slot = ${slot})
      insert into job_runs (name, slot, worker, started_at, heartbeat_at)
      values (${name}, ${slot}, ${this.worker}, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
      on conflict (name, slot) do update
        set worker = excluded.worker, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
        where job_runs.finished_at is null
          and coalesce(job_runs.heartbeat_at, job_runs.started_at) < ${staleBefore.toISOString()}::timestamptz
      returning (select worker from prev) as previous`)) as unknown as { rows: Array<{ previous: string | null }> };
    return res.rows[0] ?? null;
  }

  /** Whether another worker finished the slot (else it is still running, or may be taken over later). */
  private async finished(name: string, slot: number): Promise<boolean> {
    const [row] = await this.ctx.db
      .select({ finishedAt: jobRuns.finishedAt })
      .from(jobRuns)
      .where(and(eq(jobRuns.name, name), eq(jobRuns.slot, slot)));
    return row?.finishedAt != null;
  }
}

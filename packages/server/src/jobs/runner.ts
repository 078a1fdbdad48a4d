import { hostname } from "node:os";
import { and, eq, lt } from "drizzle-orm";
import { jobRuns } from "../db/schema/index.js";
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
 * slot twice, and a restart skips nothing that was not already claimed.
 */
export class JobRunner {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private readonly worker = `${hostname()}:${process.pid}`;
  private readonly lastSlot = new Map<string, number>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly jobs: PeriodicJob[],
  ) {}

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

  /** Runs every job whose current slot nobody has claimed yet. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const job of this.jobs) {
        const slot = Math.floor((this.ctx.clock.now().getTime() / 1000 - (job.offsetS ?? 0)) / job.everyS);
        if (this.lastSlot.get(job.name) === slot) continue;
        this.lastSlot.set(job.name, slot);
        await this.runSlot(job, slot);
      }
    } catch (err) {
      this.ctx.log.warn({ err }, "job tick failed");
    } finally {
      this.running = false;
    }
  }

  private async runSlot(job: PeriodicJob, slot: number): Promise<void> {
    const claimed = await this.ctx.db
      .insert(jobRuns)
      .values({ name: job.name, slot, worker: this.worker, startedAt: this.ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ slot: jobRuns.slot });
    if (claimed.length === 0) return;
    try {
      const result = await job.run(this.ctx);
      await this.ctx.db
        .update(jobRuns)
        .set({ finishedAt: this.ctx.clock.now(), result })
        .where(and(eq(jobRuns.name, job.name), eq(jobRuns.slot, slot)));
      this.ctx.metrics.jobRuns.inc({ job: job.name, outcome: "ok" });
    } catch (err) {
      this.ctx.metrics.jobRuns.inc({ job: job.name, outcome: "error" });
      this.ctx.log.error({ err, job: job.name }, "job failed");
    }
  }
}

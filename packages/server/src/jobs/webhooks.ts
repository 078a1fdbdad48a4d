import http from "node:http";
import https from "node:https";
import { hostname } from "node:os";
import { repeatingWarning } from "../lib/logger.js";
import type { ServiceContext } from "../services/context.js";
import { onEventsWritten } from "../services/events/wake.js";
import { type ClaimedJob, claimDueJobs, releaseJobs } from "../services/webhooks/claim.js";
import { deliverJob } from "../services/webhooks/deliver.js";
import { notifyEndpointDisabled } from "../services/webhooks/notify-disabled.js";
import { type AttemptDraft, recordOutcomes } from "../services/webhooks/record-outcome.js";

export interface WebhookWorkerOptions {
  /** Deliveries in flight at once in this process. */
  concurrency?: number;
  /** Poll for due retries (and for events written by other processes) this often. */
  pollMs?: number;
}

/** Margin past the request timeout before a claimed job is handed to another worker. */
const LEASE_MARGIN_MS = 10_000;

/**
 * The webhook delivery loop. It claims due jobs from `webhook_jobs` (SKIP LOCKED + lease) in
 * batches, each with its event and endpoint, and keeps a short queue of claimed jobs so a
 * freed slot starts the next POST at once; the next claim runs while POSTs are in flight.
 * A slot frees as soon as its answer is in: finished attempts are recorded in batches behind
 * it, and a job stays leased until its attempt is recorded. It wakes at once when any
 * process commits an event (`recordEvent` notifies, the app LISTENs), and polls too — for
 * retries coming due, and for a notification lost while the listening connection was down.
 */
export class WebhookWorker {
  readonly worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private claims = 0;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly agents: { http: http.Agent; https: https.Agent };
  /** Claimed jobs waiting for a slot. */
  private queue: ClaimedJob[] = [];
  /** POSTs in flight. */
  private posting = 0;
  /** Claimed and not yet recorded: queued, posting, or waiting for their batch. */
  private held = 0;
  private claiming = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopped = true;
  /** Finished attempts waiting to be recorded: one statement records all that piled up. */
  private toRecord: AttemptDraft[] = [];
  private recording: Promise<void> | undefined;
  /** The claim runs every `pollMs` (250 ms): while the database is away, one line a minute. */
  private readonly claimFailed: (err: unknown) => void;

  constructor(
    private readonly ctx: ServiceContext,
    opts: WebhookWorkerOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 64;
    this.pollMs = opts.pollMs ?? 250;
    this.claimFailed = repeatingWarning(ctx.log, "webhook claim failed");
    this.agents = {
      http: new http.Agent({ keepAlive: true, maxSockets: this.concurrency }),
      https: new https.Agent({ keepAlive: true, maxSockets: this.concurrency }),
    };
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = onEventsWritten(() => this.pump());
    this.timer = setInterval(() => this.pump(), this.pollMs);
    this.timer.unref();
    this.pump();
  }

  /** Stops claiming, hands unstarted jobs back, and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    while (this.claiming) await sleep(10);
    const unstarted = this.queue.splice(0);
    await this.release(unstarted);
    while (this.posting > 0 || this.toRecord.length > 0 || this.recording) await (this.recording ?? sleep(10));
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** No claim running and nothing claimed left unrecorded or unreleased (what tests wait on). */
  get idle(): boolean {
    return !this.claiming && this.held === 0;
  }

  /** Starts queued jobs in free slots, and claims more when the queue runs low. */
  pump(): void {
    this.startQueued();
    if (this.stopped) return;
    if (this.claiming) {
      this.again = true;
      return;
    }
    if (!this.wantsMore()) return;
    this.claiming = true;
    void this.claimLoop().finally(() => {
      this.claiming = false;
    });
  }

  /** The queue is at most half full, and what is held unrecorded stays bounded. */
  private wantsMore(): boolean {
    return this.queue.length <= this.concurrency / 2 && this.held < 4 * this.concurrency;
  }

  private async claimLoop(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopped && this.wantsMore()) {
          const want = this.concurrency - this.queue.length;
          const got = await this.claim(want);
          if (got < want) break; // nothing more is due now
        }
      } while (this.again && !this.stopped && this.wantsMore());
    } catch (err) {
      this.claimFailed(err);
    }
  }

  private async claim(limit: number): Promise<number> {
    const now = this.ctx.clock.now();
    const jobs = await claimDueJobs(this.ctx.db, {
      // A token of its own per claim: an attempt from an earlier claim of the same job (its
      // event resent since) cannot move it.
      claim: `${this.worker}#${++this.claims}`,
      now,
      leaseUntil: new Date(now.getTime() + this.ctx.config.webhook.timeoutMs + LEASE_MARGIN_MS),
      limit,
    });
    this.held += jobs.length;
    this.queue.push(...jobs);
    this.startQueued();
    return jobs.length;
  }

  private startQueued(): void {
    const stale: ClaimedJob[] = [];
    while (!this.stopped && this.posting < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift() as ClaimedJob;
      // A whole attempt must fit in what is left of the lease, or another worker could take
      // the job while this one still posts it.
      if (this.ctx.clock.now().getTime() + this.ctx.config.webhook.timeoutMs + LEASE_MARGIN_MS / 2 > job.leaseUntil) {
        stale.push(job);
        continue;
      }
      this.posting += 1;
      deliverJob(this.ctx, { agents: this.agents }, job).then(
        (draft) => {
          this.posting -= 1;
          if (draft === "parked") this.held -= 1;
          else this.record(draft);
          this.pump();
        },
        (err) => {
          this.posting -= 1;
          this.held -= 1;
          this.ctx.log.error({ err, event_id: job.eventId }, "webhook delivery failed; the lease will hand it back");
          this.pump();
        },
      );
    }
    if (stale.length > 0) void this.release(stale);
  }

  private async release(jobs: ClaimedJob[]): Promise<void> {
    if (jobs.length === 0) return;
    try {
      await releaseJobs(this.ctx.db, jobs);
    } catch (err) {
      this.ctx.log.warn({ err }, "handing claimed webhook jobs back failed; their leases will");
    } finally {
      this.held -= jobs.length;
    }
  }

  private record(draft: AttemptDraft): void {
    this.toRecord.push(draft);
    this.recording ??= this.flush().finally(() => {
      this.recording = undefined;
    });
  }

  private async flush(): Promise<void> {
    while (this.toRecord.length > 0) {
      // Let pending I/O run first: answers that already arrived join this batch. (PGlite
      // answers through microtasks, so without this the loop never yields to the network.)
      await new Promise((r) => setImmediate(r));
      const batch = this.toRecord.splice(0, 200);
      try {
        const { outcomes, disabled } = await recordOutcomes(this.ctx, batch);
        const { webhookAttempts, webhookDuration, webhookEndpointsDisabled } = this.ctx.metrics;
        for (const [i, o] of outcomes.entries()) {
          webhookAttempts.inc({ outcome: o.status === "pending" ? "retry" : o.status });
          webhookDuration.observe((batch[i]?.result.durationMs ?? 0) / 1000);
        }
        webhookEndpointsDisabled.inc(disabled.length);
        for (const scope of disabled) {
          this.ctx.log.warn({ app_id: scope.appId, livemode: scope.livemode }, "webhook endpoint disabled after consecutive failures");
          await notifyEndpointDisabled(this.ctx, scope).catch((err) => this.ctx.log.error({ err }, "disable email failed"));
        }
      } catch (err) {
        this.ctx.log.error({ err }, "recording webhook attempts failed; their leases will hand the jobs back");
      } finally {
        this.held -= batch.length;
        this.pump();
      }
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

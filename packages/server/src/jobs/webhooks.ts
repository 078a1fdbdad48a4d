import http from "node:http";
import https from "node:https";
import { hostname } from "node:os";
import { and, eq, or } from "drizzle-orm";
import { webhookEndpoints } from "../db/schema/index.js";
import type { ServiceContext } from "../services/context.js";
import { onEventsWritten } from "../services/events/wake.js";
import { claimDueJobs } from "../services/webhooks/claim.js";
import { deliverJob } from "../services/webhooks/deliver.js";
import type { EndpointRow } from "../services/webhooks/endpoint.js";
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
 * The webhook delivery loop: claims due jobs from `webhook_jobs` (SKIP LOCKED + lease), posts
 * them concurrently, and claims more as slots free up. It wakes at once when this process
 * writes an event, and polls otherwise — for retries coming due and for events written by
 * API processes elsewhere.
 */
export class WebhookWorker {
  readonly worker = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly agents = { http: new http.Agent({ keepAlive: true, maxSockets: 64 }), https: new https.Agent({ keepAlive: true, maxSockets: 64 }) };
  private inFlight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private pumping = false;
  private again = false;
  /** Quick re-polls left after a wake-up: the writing transaction may not have committed yet. */
  private eager = 0;
  private stopped = true;
  /** Finished attempts waiting to be recorded: one transaction records all that piled up. */
  private toRecord: Array<{ draft: AttemptDraft; done: () => void }> = [];
  private recording = false;

  constructor(
    private readonly ctx: ServiceContext,
    opts: WebhookWorkerOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 64;
    this.pollMs = opts.pollMs ?? 250;
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = onEventsWritten(() => {
      this.eager = 3;
      void this.pump();
    });
    this.timer = setInterval(() => void this.pump(), this.pollMs);
    this.timer.unref();
    void this.pump();
  }

  /** Stops claiming and waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.unsubscribe?.();
    while (this.pumping || this.inFlight.size > 0) await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 20))]);
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Claims as many due jobs as there are free slots, until none is due. */
  async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        // Claims in batches: one query for many jobs, not one per finished delivery.
        while (!this.stopped && (this.inFlight.size === 0 || this.concurrency - this.inFlight.size >= this.concurrency / 2)) {
          const claimed = await this.claim(this.concurrency - this.inFlight.size);
          if (claimed === 0) break;
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      this.ctx.log.warn({ err }, "webhook claim failed");
    } finally {
      this.pumping = false;
    }
    if (this.eager > 0 && !this.stopped) {
      this.eager -= 1;
      setTimeout(() => void this.pump(), 15).unref();
    }
  }

  private async claim(limit: number): Promise<number> {
    const now = this.ctx.clock.now();
    const jobs = await claimDueJobs(this.ctx.db, {
      worker: this.worker,
      now,
      leaseUntil: new Date(now.getTime() + this.ctx.config.webhook.timeoutMs + LEASE_MARGIN_MS),
      limit,
    });
    if (jobs.length === 0) return 0;
    const endpoints = await this.endpointsFor(jobs);
    for (const job of jobs) {
      const task = deliverJob(this.ctx, { worker: this.worker, agents: this.agents }, job, endpoints.get(`${job.appId}|${job.livemode}`))
        .then((draft) => (draft === "parked" ? undefined : this.record(draft)))
        .catch((err) => this.ctx.log.error({ err, event_id: job.eventId }, "webhook delivery failed to record; the lease will hand it back"))
        .finally(() => {
          this.inFlight.delete(task);
          void this.pump();
        });
      this.inFlight.add(task);
    }
    return jobs.length;
  }

  /** Resolves once the attempt is recorded (its slot stays taken until then). */
  private record(draft: AttemptDraft): Promise<void> {
    return new Promise((done) => {
      this.toRecord.push({ draft, done });
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.recording) return;
    this.recording = true;
    try {
      while (this.toRecord.length > 0) {
        // Let pending I/O run first: answers that already arrived join this batch. (PGlite
        // answers through microtasks, so without this the loop never yields to the network.)
        await new Promise((r) => setImmediate(r));
        const batch = this.toRecord.splice(0, 200);
        try {
          const { disabled } = await recordOutcomes(
            this.ctx,
            this.worker,
            batch.map((b) => b.draft),
          );
          for (const scope of disabled) {
            this.ctx.log.warn({ app_id: scope.appId, livemode: scope.livemode }, "webhook endpoint disabled after consecutive failures");
            await notifyEndpointDisabled(this.ctx, scope).catch((err) => this.ctx.log.error({ err }, "disable email failed"));
          }
        } catch (err) {
          this.ctx.log.error({ err }, "recording webhook attempts failed; their leases will hand the jobs back");
        } finally {
          for (const b of batch) b.done();
        }
      }
    } finally {
      this.recording = false;
    }
  }

  private async endpointsFor(jobs: Array<{ appId: string; livemode: boolean }>): Promise<Map<string, EndpointRow>> {
    const keys = new Map(jobs.map((j) => [`${j.appId}|${j.livemode}`, j]));
    const rows = await this.ctx.db
      .select()
      .from(webhookEndpoints)
      .where(or(...[...keys.values()].map((j) => and(eq(webhookEndpoints.appId, j.appId), eq(webhookEndpoints.livemode, j.livemode)))));
    return new Map(rows.map((r) => [`${r.appId}|${r.livemode}`, r]));
  }
}

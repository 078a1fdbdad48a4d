import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

const DB_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Prometheus metrics, one registry per app instance (tests build several). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "zerofee_" });
  return {
    registry,
    httpRequests: new Counter({
      name: "zerofee_http_requests_total",
      help: "HTTP requests by route and status",
      labelNames: ["method", "route", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: "zerofee_http_request_duration_seconds",
      help: "Time ZeroFee spent on a request, provider calls excluded",
      labelNames: ["method", "route"] as const,
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    providerCalls: new Counter({
      name: "zerofee_provider_calls_total",
      help: "Calls to providers by operation and outcome",
      labelNames: ["provider", "operation", "outcome"] as const,
      registers: [registry],
    }),
    providerDuration: new Histogram({
      name: "zerofee_provider_call_duration_seconds",
      help: "Provider call latency",
      labelNames: ["provider", "operation"] as const,
      registers: [registry],
    }),
    paymentTransitions: new Counter({
      name: "zerofee_payment_transitions_total",
      help: "Payment status changes by status and source",
      labelNames: ["status", "source"] as const,
      registers: [registry],
    }),
    conflictingProviderStatus: new Counter({
      name: "zerofee_conflicting_provider_status_total",
      help: "Provider messages contradicting a terminal payment (alert on any)",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: "zerofee_webhook_attempts_total",
      help: "Webhook delivery attempts by what became of the event: delivered, retry (scheduled again) or failed (schedule spent)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    webhookDuration: new Histogram({
      name: "zerofee_webhook_attempt_duration_seconds",
      help: "Time from connecting to the merchant's endpoint to its full answer (or the timeout)",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    webhookParked: new Counter({
      name: "zerofee_webhook_events_parked_total",
      help: "Events kept without an attempt: no endpoint, endpoint disabled (delivered by recovery), or type not subscribed",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    webhookEndpointsDisabled: new Counter({
      name: "zerofee_webhook_endpoints_disabled_total",
      help: "Endpoints disabled after consecutive failed events",
      registers: [registry],
    }),
    // Group commit (`db/batch.ts`): how many creates share a statement, how long the statement
    // takes to commit, and how long its first row waited for a slot. Their sum over the
    // create's three statements is most of a create's time under load.
    dbBatchRows: new Histogram({
      name: "zerofee_db_batch_rows",
      help: "Rows per group-commit statement: the writes of the moment sharing one statement and one commit",
      labelNames: ["statement"] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 100],
      registers: [registry],
    }),
    dbBatchDuration: new Histogram({
      name: "zerofee_db_batch_duration_seconds",
      help: "From sending a group-commit statement to its committed answer",
      labelNames: ["statement"] as const,
      buckets: DB_BUCKETS,
      registers: [registry],
    }),
    dbBatchWait: new Histogram({
      name: "zerofee_db_batch_wait_seconds",
      help: "How long a group-commit statement's oldest row waited for it (statements of its kind still running)",
      labelNames: ["statement"] as const,
      buckets: DB_BUCKETS,
      registers: [registry],
    }),
    dbBatchesSplit: new Counter({
      name: "zerofee_db_batches_split_total",
      help: "Group-commit statements the database refused, whose rows ran again one at a time (only the offending row fails)",
      labelNames: ["statement"] as const,
      registers: [registry],
    }),
    jobRuns: new Counter({
      name: "zerofee_job_runs_total",
      help: "Background job runs by job and outcome",
      labelNames: ["job", "outcome"] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

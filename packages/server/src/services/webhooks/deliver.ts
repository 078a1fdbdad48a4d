import type http from "node:http";
import type https from "node:https";
import { newId } from "../../lib/ids.js";
import type { ServiceContext } from "../context.js";
import { eventPayload } from "../events/payload.js";
import { TEST_EVENT_TYPE } from "../events/record.js";
import type { ClaimedJob } from "./claim.js";
import { signingSecrets } from "./endpoint.js";
import { parkJob } from "./park.js";
import { postWebhook } from "./post.js";
import type { AttemptDraft } from "./record-outcome.js";
import { signedHeaders } from "./sign.js";

export interface DeliverDeps {
  agents: { http: http.Agent; https: https.Agent };
}

/**
 * One claimed job: sign the payload and POST it (outside any transaction); the caller records
 * the attempt (`recordOutcomes`, batched). With no endpoint, or a disabled one, the event is
 * kept as `failed` for a later recovery.
 */
export async function deliverJob(ctx: ServiceContext, deps: DeliverDeps, job: ClaimedJob): Promise<AttemptDraft | "parked"> {
  const endpoint = job.endpoint;
  if (!endpoint?.active) {
    await parkJob(ctx, job, "failed", endpoint ? "endpoint_disabled" : "no_endpoint");
    return "parked";
  }
  // The filter is the endpoint's choice for automatic deliveries; a hand resend is the
  // merchant asking for this very event (docs/webhooks.md: skipped events are resent one by one).
  if (endpoint.events && !job.byHand && job.type !== TEST_EVENT_TYPE && !endpoint.events.includes(job.type)) {
    await parkJob(ctx, job, "skipped", "event type not subscribed");
    return "parked";
  }
  const startedAt = ctx.clock.now();
  const deliveryId = newId("delivery", startedAt);
  const body = JSON.stringify(eventPayload({ id: job.eventId, type: job.type, createdAt: job.createdAt, data: job.data }));
  const headers = signedHeaders({
    secrets: signingSecrets(ctx, endpoint, startedAt),
    eventId: job.eventId,
    eventType: job.type,
    deliveryId,
    t: ctx.webhooks.signingTime(),
    body,
  });
  const result = await postWebhook({
    url: endpoint.url,
    body,
    headers,
    timeoutMs: ctx.config.webhook.timeoutMs,
    livemode: job.livemode,
    resolve: ctx.webhooks.resolve,
    agents: deps.agents,
  });
  if (result.error?.startsWith("blocked_address")) ctx.log.warn({ event_id: job.eventId, app_id: job.appId }, "webhook blocked_address: refused to connect");
  return { job, deliveryId, url: endpoint.url, startedAt, result };
}

import { z } from "zod";
import { requirePrincipal } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { ApiError } from "../../lib/errors.js";
import type { ServiceContext } from "../../services/context.js";
import { listenSecret, pollEvents } from "../../services/events/listen.js";

const ListenQuery = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().describe("Events created at or after; default now"),
  known: z.coerce
    .number()
    .int()
    .min(0)
    .max(1000)
    .default(0)
    .describe("Events at or after `since` the caller already holds: the poll waits until there are more"),
  wait: z.coerce.number().int().min(0).max(30).default(25).describe("Seconds to wait for a new event"),
});

const Payload = z.object({ id: z.string(), type: z.string(), created_at: z.string(), data: z.record(z.string(), z.unknown()) });

/** Long poll behind `zerofee listen`: an app's test-mode events, for forwarding to a local server. */
export function listenRoute(app: ZodApp, ctx: ServiceContext) {
  const a = access(["secret"], "events:read");
  // Long polls end at once when the server closes, so they never hold a shutdown.
  const closing = new AbortController();
  app.addHook("preClose", (done) => {
    closing.abort();
    done();
  });
  app.route({
    method: "GET",
    url: "/v1/events/listen",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Events"],
      summary: "Long poll of test-mode events (zerofee listen); returns the signing secret it uses",
      querystring: ListenQuery,
      response: { 200: dataEnvelope(z.object({ secret: z.string(), server_time: z.string(), events: z.array(Payload) })), ...errorResponses },
    },
    handler: async (request) => {
      const p = requirePrincipal(request);
      if (p.kind !== "secret") throw new ApiError("forbidden", "listen takes a secret key.");
      if (p.livemode) throw new ApiError("validation_error", "listen streams test-mode events: use a test secret key (sk_test_…).", { param: "Authorization" });
      const serverTime = ctx.clock.now();
      const since = request.query.since ? new Date(request.query.since) : serverTime;
      const events = await pollEvents({
        ctx,
        scope: { appId: p.appId, livemode: false },
        since,
        known: request.query.known,
        waitMs: request.query.wait * 1000,
        signal: closing.signal,
      });
      return ok({ secret: listenSecret(ctx, p.appId), server_time: serverTime.toISOString(), events });
    },
  });
}

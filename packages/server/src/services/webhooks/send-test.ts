import { withTransaction } from "../../db/tx.js";
import { newId } from "../../lib/ids.js";
import type { Scope, ServiceContext } from "../context.js";
import { recordEvent, TEST_EVENT_TYPE } from "../events/record.js";
import { getEndpoint } from "./endpoint.js";

/** Queues a `webhook.test` event for the endpoint; it goes through the normal delivery path. */
export async function sendTestEvent({ ctx, scope }: { ctx: ServiceContext; scope: Scope }): Promise<string> {
  await getEndpoint({ ctx, scope });
  const now = ctx.clock.now();
  const objectId = newId("event", now);
  const id = await withTransaction(ctx.db, (tx) =>
    recordEvent(tx, {
      appId: scope.appId,
      livemode: scope.livemode,
      type: TEST_EVENT_TYPE,
      objectId,
      data: { object: "webhook_test", message: "A test event from ZeroFee.", sent_at: now.toISOString() },
      at: now,
    }),
  );
  if (!id) throw new Error("test event not recorded");
  return id;
}

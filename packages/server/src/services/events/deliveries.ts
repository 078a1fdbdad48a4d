import { and, asc, eq } from "drizzle-orm";
import { webhookAttempts } from "../../db/schema/index.js";
import type { Scope, ServiceContext } from "../context.js";
import { getEvent } from "./get.js";
import type { AttemptRow } from "./serialize.js";

/** Every delivery attempt of one event, oldest first. */
export async function listDeliveries({ ctx, scope, id }: { ctx: ServiceContext; scope: Scope; id: string }): Promise<AttemptRow[]> {
  await getEvent({ ctx, scope, id });
  return ctx.db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.eventId, id), eq(webhookAttempts.appId, scope.appId), eq(webhookAttempts.livemode, scope.livemode)))
    .orderBy(asc(webhookAttempts.id));
}

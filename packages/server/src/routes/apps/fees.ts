import { requireUser } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { getApp } from "../../services/apps/apps.js";
import { FeePlanSchema, getFeePlan, PutFeePlanBody, setFeePlan } from "../../services/apps/fees.js";
import type { ServiceContext } from "../../services/context.js";
import { AppParams } from "./apps.js";

/** An app's fee plan (SPEC §10): basis points plus a fixed amount per currency. */
export function feePlanRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  const tags = ["Apps"];
  app.route({
    method: "GET",
    url: "/v1/apps/:app_id/fees",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Read the app's fee plan",
      params: AppParams,
      response: { 200: dataEnvelope(FeePlanSchema), ...errorResponses },
    },
    handler: async (request) => {
      await getApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id });
      return ok(await getFeePlan(ctx, request.params.app_id));
    },
  });
  app.route({
    method: "PUT",
    url: "/v1/apps/:app_id/fees",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags,
      summary: "Replace the app's fee plan",
      description:
        "fee = min(amount, fixed[currency] + ceil(amount × bps / 10 000)), net = amount − fee, computed when a payment completes and stored on it. A new plan applies to payments completed after it is set; a completed payment's fee never changes.",
      params: AppParams,
      body: PutFeePlanBody,
      response: { 200: dataEnvelope(FeePlanSchema), ...errorResponses },
    },
    handler: async (request) => {
      await getApp({ ctx, accountId: requireUser(request).accountId, appId: request.params.app_id });
      return ok(await setFeePlan(ctx, request.params.app_id, request.body));
    },
  });
}

import { z } from "zod";
import { access, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";

export interface Readiness {
  migrated: boolean;
  workers: boolean;
  sandbox: boolean;
  ping(): Promise<boolean>;
}

/** Liveness, readiness and Prometheus metrics. */
export function healthRoutes(app: ZodApp, ctx: ServiceContext, readiness: Readiness) {
  const a = access(["none"]);
  const Health = z.object({ status: z.enum(["ok", "starting", "unavailable"]), checks: z.record(z.string(), z.boolean()) });
  const checks = async () => {
    const database = await readiness.ping().catch(() => false);
    return { database, migrations: readiness.migrated, workers: readiness.workers, sandbox: readiness.sandbox };
  };
  app.route({
    method: "GET",
    url: "/healthz",
    config: a.config,
    schema: { ...a.schemaExtras, tags: ["System"], summary: "200 once migrations, API, workers and sandboxes are up", response: { 200: Health, 503: Health } },
    handler: async (_request, reply) => {
      const c = await checks();
      const up = Object.values(c).every(Boolean);
      return reply.code(up ? 200 : 503).send({ status: up ? "ok" : "starting", checks: c });
    },
  });
  app.route({
    method: "GET",
    url: "/readyz",
    config: a.config,
    schema: { ...a.schemaExtras, tags: ["System"], summary: "200 while the database answers", response: { 200: Health, 503: Health } },
    handler: async (_request, reply) => {
      const database = await readiness.ping().catch(() => false);
      const up = database && readiness.migrated;
      return reply.code(up ? 200 : 503).send({ status: up ? "ok" : "unavailable", checks: { database, migrations: readiness.migrated } });
    },
  });
  app.route({
    method: "GET",
    url: "/metrics",
    config: a.config,
    schema: { ...a.schemaExtras, tags: ["System"], summary: "Prometheus metrics" },
    handler: async (_request, reply) => reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  });
}

import { z } from "zod";
import { access, type ZodApp } from "../../http/types.js";
import type { ServiceContext } from "../../services/context.js";

export interface Readiness {
  migrated: boolean;
  /** Started; null where this process runs none (`zerofee api`), so not reported. */
  workers: boolean | null;
  /** Mounted and ticking; null where this process has none (production, `zerofee worker`). */
  sandbox: boolean | null;
  ping(): Promise<boolean>;
}

/** Liveness, readiness and Prometheus metrics. */
export function healthRoutes(app: ZodApp, ctx: ServiceContext, readiness: Readiness) {
  const a = access(["none"]);
  const Health = z.object({ status: z.enum(["ok", "starting", "unavailable"]), checks: z.record(z.string(), z.boolean()) });
  const checks = async () => {
    const database = await readiness.ping().catch(() => false);
    return {
      database,
      migrations: readiness.migrated,
      ...(readiness.workers === null ? {} : { workers: readiness.workers }),
      ...(readiness.sandbox === null ? {} : { sandbox: readiness.sandbox }),
    };
  };
  app.route({
    method: "GET",
    url: "/healthz",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["System"],
      summary: "200 once the database answers and what this process runs (migrations, workers, sandboxes) is up; only those are listed",
      response: { 200: Health, 503: Health },
    },
    handler: async (_request, reply) => {
      const c = await checks();
      const up = Object.values(c).every(Boolean);
      // "starting" while this process brings its parts up; a database that stopped answering
      // (an outage, minutes after the start) is "unavailable", as /readyz says.
      return reply.code(up ? 200 : 503).send({ status: up ? "ok" : c.database ? "starting" : "unavailable", checks: c });
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

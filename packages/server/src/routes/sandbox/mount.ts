import type { Simulator } from "@zerofee/providers";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ZodApp } from "../../http/types.js";

/**
 * Mounts every provider simulator under `/sandbox/{provider}/…` (test mode only, never in
 * production). ZeroFee's own keys, idempotency and rate limits do not apply here.
 */
export function sandboxRoutes(app: ZodApp, simulators: Map<string, Simulator>) {
  const handler = async (request: FastifyRequest<{ Params: { provider: string; "*": string } }>, reply: FastifyReply) => {
    const { provider } = request.params;
    const sim = simulators.get(provider);
    if (!sim) return reply.code(404).send({ error: "NOT_FOUND", message: `no sandbox for ${provider}` });
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries((request.query ?? {}) as Record<string, unknown>)) if (typeof v === "string") query[k] = v;
    let res: Awaited<ReturnType<Simulator["handle"]>>;
    try {
      res = await sim.handle({ method: request.method, path: `/${request.params["*"] ?? ""}`, query, headers: request.headers, body: request.body });
    } catch {
      // A simulator that fails midway (its database write may have committed) answers like a
      // provider's unexpected 500: "outcome unknown", never the documented 503 "not
      // processed", which would let routing initiate the payment a second time.
      return reply
        .code(500)
        .type("application/json")
        .send(JSON.stringify({ error: "INTERNAL_ERROR", message: "sandbox failure; the request may have been processed" }));
    }
    reply.code(res.status);
    for (const [k, v] of Object.entries(res.headers ?? {})) reply.header(k, v);
    if (res.body === undefined) return reply.send();
    return typeof res.body === "string" ? reply.send(res.body) : reply.type("application/json").send(JSON.stringify(res.body));
  };
  for (const url of ["/sandbox/:provider", "/sandbox/:provider/*"]) {
    app.route({ method: ["GET", "POST", "PUT", "PATCH", "DELETE"], url, config: { forms: true }, schema: { hide: true }, handler });
  }
}

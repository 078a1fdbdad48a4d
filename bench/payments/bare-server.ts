/**
 * The baseline: a bare Fastify server (no hooks, no schemas, no database) answering the
 * three benchmarked routes with the very JSON a real ZeroFee answer carried. Runs in its
 * own process, like ZeroFee, so both are measured the same way.
 *
 * env: PORT (0 = any), BENCH_BODIES = path of a JSON file { create, get, list } (parsed bodies).
 */
import { readFileSync } from "node:fs";
import Fastify from "fastify";

const bodies = JSON.parse(readFileSync(process.env.BENCH_BODIES ?? "", "utf8")) as { create: unknown; get: unknown; list: unknown };
const app = Fastify({ logger: false });
app.post("/v1/payments", async (_request, reply) => reply.code(201).send(bodies.create));
app.get("/v1/payments/:id", async () => bodies.get);
app.get("/v1/payments", async () => bodies.list);
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
process.stdout.write(`bare listening on ${url}\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.once("SIGTERM", stop);
process.once("SIGINT", stop);

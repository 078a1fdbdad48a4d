import scalar from "@scalar/fastify-api-reference";
import type { ZodApp } from "../../http/types.js";

/** `/openapi.json` (generated from the route schemas) and the Scalar reference at `/docs`. */
export async function docsRoutes(app: ZodApp) {
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(scalar, { routePrefix: "/docs", configuration: { url: "/openapi.json", title: "ZeroFee API" } });
}

import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { login } from "../../services/auth/login.js";
import { AuthResult, LoginBody } from "../../services/auth/schemas.js";
import type { ServiceContext } from "../../services/context.js";
import { type LoginGuard, setSessionCookie } from "./guard.js";

export function loginRoute(app: ZodApp, ctx: ServiceContext, guard: LoginGuard) {
  const a = access(["none"]);
  app.route({
    method: "POST",
    url: "/v1/auth/login",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Auth"],
      summary: "Sign in: a session token, also set as an httpOnly cookie",
      body: LoginBody,
      response: { 200: dataEnvelope(AuthResult), ...errorResponses },
    },
    handler: async (request, reply) => {
      guard.check(request, request.body.email, ctx.publicUrl());
      const result = await login({ ctx, input: request.body });
      guard.succeeded(request, request.body.email);
      setSessionCookie(reply, ctx, result.token);
      return ok(result);
    },
  });
}

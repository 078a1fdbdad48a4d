import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { register } from "../../services/auth/register.js";
import { AuthResult, RegisterBody } from "../../services/auth/schemas.js";
import type { ServiceContext } from "../../services/context.js";
import { type LoginGuard, setSessionCookie } from "./guard.js";

export function registerRoute(app: ZodApp, ctx: ServiceContext, guard: LoginGuard) {
  const a = access(["none"]);
  app.route({
    method: "POST",
    url: "/v1/auth/register",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Auth"],
      summary: "Create an account and its first user",
      body: RegisterBody,
      response: { 201: dataEnvelope(AuthResult), ...errorResponses },
    },
    handler: async (request, reply) => {
      guard.check(request, request.body.email, ctx.publicUrl());
      const result = await register({ ctx, input: request.body });
      setSessionCookie(reply, ctx, result.token);
      return reply.code(201).send(ok(result));
    },
  });
}

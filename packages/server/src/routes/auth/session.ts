import { z } from "zod";
import { requireUser, SESSION_COOKIE } from "../../http/auth.js";
import { dataEnvelope, errorResponses } from "../../http/envelope.js";
import { access, ok, type ZodApp } from "../../http/types.js";
import { changePassword, logout, me } from "../../services/auth/logout.js";
import { AuthResult, ChangePasswordBody, UserSchema } from "../../services/auth/schemas.js";
import type { ServiceContext } from "../../services/context.js";
import { setSessionCookie } from "./guard.js";

/** logout, me and password: the signed-in user's own session. */
export function sessionRoutes(app: ZodApp, ctx: ServiceContext) {
  const a = access(["user"]);
  app.route({
    method: "POST",
    url: "/v1/auth/logout",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Auth"],
      summary: "End this session",
      response: { 200: dataEnvelope(z.object({ signed_out: z.boolean() })), ...errorResponses },
    },
    handler: async (request, reply) => {
      await logout({ ctx, sessionId: requireUser(request).sessionId });
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return ok({ signed_out: true });
    },
  });
  app.route({
    method: "GET",
    url: "/v1/auth/me",
    config: a.config,
    schema: { ...a.schemaExtras, tags: ["Auth"], summary: "The signed-in user", response: { 200: dataEnvelope(UserSchema), ...errorResponses } },
    handler: async (request) => ok(await me({ ctx, userId: requireUser(request).userId })),
  });
  app.route({
    method: "POST",
    url: "/v1/auth/password",
    config: a.config,
    schema: {
      ...a.schemaExtras,
      tags: ["Auth"],
      summary: "Change password; every other session is signed out",
      body: ChangePasswordBody,
      response: { 200: dataEnvelope(AuthResult), ...errorResponses },
    },
    handler: async (request, reply) => {
      const result = await changePassword({ ctx, userId: requireUser(request).userId, input: request.body });
      setSessionCookie(reply, ctx, result.token);
      return ok(result);
    },
  });
}

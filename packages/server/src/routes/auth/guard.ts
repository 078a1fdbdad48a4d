import type { FastifyReply, FastifyRequest } from "fastify";
import { SESSION_COOKIE } from "../../http/auth.js";
import { checkLoginCsrf } from "../../http/csrf.js";
import type { Clock } from "../../lib/clock.js";
import { ApiError } from "../../lib/errors.js";
import { WindowLimiter } from "../../lib/rate-limit.js";
import { SESSION_TTL_MS } from "../../services/auth/sessions.js";
import type { ServiceContext } from "../../services/context.js";

const WINDOW_MS = 15 * 60 * 1000;
const normalise = (email: string) => email.trim().toLowerCase();

/**
 * Brute-force guard for login and register: per IP and per normalised email, whether or not
 * the account exists; accounts are never locked. Cross-site form posts are refused (login CSRF).
 * Every attempt counts while it runs (so a burst is bounded before any answer); a login that
 * succeeds takes its count back (`succeeded`), so only failures add up: a merchant signing in
 * ten times a quarter of an hour is never told to wait.
 */
export class LoginGuard {
  private readonly perIp: WindowLimiter;
  private readonly perEmail: WindowLimiter;

  constructor(clock: Clock) {
    this.perIp = new WindowLimiter(30, WINDOW_MS, clock);
    this.perEmail = new WindowLimiter(10, WINDOW_MS, clock);
  }

  check(request: FastifyRequest, email: string, publicUrl: string): void {
    checkLoginCsrf(request, publicUrl);
    const wait = Math.max(this.perIp.hit(request.ip), this.perEmail.hit(normalise(email)));
    if (wait > 0) throw new ApiError("rate_limited", "Too many attempts; wait before trying again.", { retryAfter: wait });
  }

  /** The attempt `check` counted signed in: it no longer counts against the IP or the email. */
  succeeded(request: FastifyRequest, email: string): void {
    this.perIp.undo(request.ip);
    this.perEmail.undo(normalise(email));
  }
}

export function setSessionCookie(reply: FastifyReply, ctx: ServiceContext, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.publicUrl().startsWith("https://"),
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
}

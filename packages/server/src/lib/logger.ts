import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Secrets never reach a log (SPEC §13): credentials, keys, OTPs, passwords and cookies are
 * censored wherever they appear; request bodies are never logged at all.
 */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.password",
  "*.new_password",
  "*.current_password",
  "*.otp",
  "*.api_key",
  "*.api_token",
  "*.secret",
  "*.key",
  "*.token",
  "*.credentials",
  "*.phone",
  "customer",
];

/** A failed query's message carries its bound values (phone numbers, sandbox state): never log them. */
export function scrubQueryParams(text: string): string {
  return text.replace(/\nparams: [^\n]*/g, "\nparams: [redacted]");
}

function serializeErr(err: unknown): unknown {
  if (typeof err === "string") return scrubQueryParams(err);
  if (!(err instanceof Error)) return err;
  const out = pino.stdSerializers.err(err);
  // A driver's error carries the query's bound values as `params` too (drizzle's DrizzleQueryError).
  if ("params" in out) out.params = "[redacted]";
  out.message = scrubQueryParams(out.message);
  if (out.stack) out.stack = scrubQueryParams(out.stack);
  return out;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, serializers: { err: serializeErr }, base: { service: "zerofee" } }, destination);
}

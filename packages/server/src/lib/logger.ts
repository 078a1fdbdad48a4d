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

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;

/**
 * A request's child logger, made the first time it writes: Fastify makes one per request,
 * and pino's `child()` runs the redaction over its bindings, a cost every request paid while
 * most write nothing (Fastify's `childLoggerFactory`). A route with its own log level gets
 * its child at once.
 */
export function lazyChildLogger(parent: Logger, bindings: pino.Bindings, opts: pino.ChildLoggerOptions): Logger {
  if (opts.level !== undefined || Object.keys(opts).length > 0) return parent.child(bindings, opts);
  let real: Logger | undefined;
  const child = () => {
    real ??= parent.child(bindings);
    return real;
  };
  const lazy: Record<string, unknown> = {
    child: (b: pino.Bindings, o?: pino.ChildLoggerOptions) => child().child(b, o),
    silent: () => {},
    isLevelEnabled: (level: string) => (real ?? parent).isLevelEnabled(level),
    bindings: () => child().bindings(),
  };
  for (const level of LEVELS) {
    lazy[level] = (...args: unknown[]) => {
      if (!(real ?? parent).isLevelEnabled(level)) return;
      (child()[level] as (...a: unknown[]) => void)(...args);
    };
  }
  Object.defineProperty(lazy, "level", {
    get: () => (real ?? parent).level,
    set: (value: string) => {
      child().level = value;
    },
  });
  return lazy as unknown as Logger;
}

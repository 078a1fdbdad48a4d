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

type Level = "fatal" | "error" | "warn" | "info" | "debug" | "trace";

/**
 * A request's child logger, made the first time it writes: Fastify makes one per request,
 * and pino's `child()` runs the redaction over its bindings, a cost every request paid while
 * most write nothing (Fastify's `childLoggerFactory`). Methods live on the prototype, so a
 * request allocates one small object. A route with its own log level gets its child at once.
 */
class LazyChild {
  #real: Logger | undefined;
  constructor(
    private readonly parent: Logger,
    private readonly own: pino.Bindings,
  ) {}
  #child(): Logger {
    this.#real ??= this.parent.child(this.own);
    return this.#real;
  }
  #write(level: Level, args: unknown[]): void {
    if (!(this.#real ?? this.parent).isLevelEnabled(level)) return;
    (this.#child()[level] as (...a: unknown[]) => void)(...args);
  }
  get level(): string {
    return (this.#real ?? this.parent).level;
  }
  set level(value: string) {
    this.#child().level = value;
  }
  isLevelEnabled(level: string): boolean {
    return (this.#real ?? this.parent).isLevelEnabled(level);
  }
  child(bindings: pino.Bindings, opts?: pino.ChildLoggerOptions): Logger {
    return this.#child().child(bindings, opts);
  }
  bindings(): pino.Bindings {
    return this.#child().bindings();
  }
  silent(): void {}
  fatal(...args: unknown[]): void {
    this.#write("fatal", args);
  }
  error(...args: unknown[]): void {
    this.#write("error", args);
  }
  warn(...args: unknown[]): void {
    this.#write("warn", args);
  }
  info(...args: unknown[]): void {
    this.#write("info", args);
  }
  debug(...args: unknown[]): void {
    this.#write("debug", args);
  }
  trace(...args: unknown[]): void {
    this.#write("trace", args);
  }
}

export function lazyChildLogger(parent: Logger, bindings: pino.Bindings, opts: pino.ChildLoggerOptions): Logger {
  if (Object.keys(opts).length > 0) return parent.child(bindings, opts);
  return new LazyChild(parent, bindings) as unknown as Logger;
}

/**
 * A warning for a failure that repeats on a timer (a sweep, a claim loop) while something is
 * down — a database outage fails the sandbox's sweep every second and the webhook claim every
 * 250 ms. The first failure of an episode is logged whole (its error and stack); repeats within `everyMs`
 * are counted and said once a window has passed, with the latest error's message only, so the
 * outage's own lines ("database unavailable") are not buried.
 */
export function repeatingWarning(log: Logger, message: string, everyMs = 60_000, now: () => number = Date.now): (err: unknown) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let lastFailedAt = Number.NEGATIVE_INFINITY;
  let repeats = 0;
  return (err) => {
    const at = now();
    // Quiet for a window since the last failure: a new episode, logged whole again (with the
    // count of the last one's repeats that no line said yet).
    const episode = at - lastFailedAt >= everyMs;
    lastFailedAt = at;
    if (!episode && at - lastLoggedAt < everyMs) {
      repeats++;
      return;
    }
    if (episode) log.warn(repeats > 0 ? { err, earlier_repeats: repeats } : { err }, message);
    else
      log.warn(
        { repeats, last_error: scrubQueryParams(err instanceof Error ? err.message : String(err)) },
        `${message} (${repeats + 1} times since the last line)`,
      );
    lastLoggedAt = at;
    repeats = 0;
  };
}

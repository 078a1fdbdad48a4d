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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" }, base: { service: "zerofee" } }, destination);
}

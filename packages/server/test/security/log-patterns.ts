/**
 * What must never be in a log line (SPEC §13, reliability SE-1). No vitest import: the
 * global log scan (global-log-scan.ts) loads this outside any test file.
 */
/** Full API keys, webhook
 * secrets, dashboard session tokens, passwords the tests use, OTP values, Authorization and
 * Cookie values, the master key, provider credentials, and full E.164 numbers (only masked
 * forms may be logged).
 */
export const LOG_SECRET_PATTERNS: Array<[string, RegExp]> = [
  ["secret or publishable API key", /\b(sk|pk)_(test|live)_[0-9A-Za-z]{20,}/],
  ["webhook secret", /whsec_[0-9A-Za-z+/=_-]{8,}/],
  ["dashboard session token", /zfs_[0-9A-Za-z_-]{20,}/],
  // Every password the suite sends, and any password field logged with its value.
  [
    "test password",
    /correct horse battery|new horse battery staple|wrong horse battery|another horse battery|not the password|another long password|long enough password|"password"\s*:\s*"(?!\[redacted\])[^"]+"/i,
  ],
  // Every code the suite types, quoted, and any OTP field logged with its value.
  ["OTP value", /"otp"\s*:\s*"(?!\[redacted\])[^"]+"|"(123456|000000|999999)"/],
  ["Authorization value", /"authorization"\s*:\s*"(?!\[redacted\])[^"]+"|Bearer\s+[A-Za-z0-9_]{8,}/i],
  ["Cookie value", /"cookie"\s*:\s*"(?!\[redacted\])[^"]+"|zerofee_session=[^;\s"]{8,}/i],
  // The master key as configuration spells it (the run's own key is also looked for literally).
  ["master key", /ZEROFEE_MASTER_KEY"?\s*[=:]\s*"?[A-Za-z0-9+/]{40,}={0,2}|"master_?key"\s*:\s*"(?!\[redacted\])[^"]+"/i],
  // A provider credential: a credential field logged with its value (the logger redacts
  // these names), or the provider keys the tests configure (`prov_live_…`, `prov_test_…`).
  [
    "provider credential",
    /"(api_?key|api_?token|client_secret|secret_key|merchant_key|private_key|access_token|webhook_secret)"\s*:\s*"(?!\[redacted\])[^"]+"|\bprov_(test|live)_[0-9A-Za-z_]{4,}|live-token-value|b-own-key/i,
  ],
  // A country code and at least seven more digits, however spaced (`+237 6 70 00 00 00`,
  // `+1 202 555 0100`); a masked number (`+22507••••00`) breaks the run of digits.
  ["full E.164 phone number", /\+\d{1,3}(?:[\s.-]?\d){7,14}(?!\d)/],
];

/** Lines (with the rule they break) that contain a secret; `extra` adds literal secrets. */
export function findSecrets(lines: string[], extra: Array<[string, string]> = []): string[] {
  const hits: string[] = [];
  for (const line of lines) {
    for (const [name, re] of LOG_SECRET_PATTERNS) if (re.test(line)) hits.push(`${name}: ${line.slice(0, 400)}`);
    for (const [name, literal] of extra) if (literal && line.includes(literal)) hits.push(`${name}: ${line.slice(0, 400)}`);
  }
  return hits;
}

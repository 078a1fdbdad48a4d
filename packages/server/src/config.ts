import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { z } from "zod";

/**
 * A whole number written in digits only, at least `min` (and at most `max`): "0x10", "1e3" or
 * "1.5" are refused rather than read as 16, 1000 or 1.
 */
const whole = (min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "a whole number (digits only) is expected")
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min} is expected`).max(max, `at most ${max} is expected`));
const onOff = z.enum(["on", "off", "true", "false", "1", "0"]).transform((v) => v === "on" || v === "true" || v === "1");

/** `10.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`: what the proxy-address check takes (anything else fails at start-up). */
function isAddressOrCidr(entry: string): boolean {
  const [address = "", prefix, extra] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

/** Every environment variable ZeroFee reads, with its default (README: configuration). */
const EnvSchema = z.object({
  PORT: whole(0, 65535).default(8000),
  ZEROFEE_WORKER_PORT: whole(0, 65535).default(8001),
  HOST: z.string().default("127.0.0.1"),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "an http(s) URL is expected" }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|socket:)/, "a PostgreSQL URL is expected, e.g. postgres://user:password@host:5432/zerofee")
    .optional(),
  ZEROFEE_DATA_DIR: z.string().default("./.zerofee"),
  ZEROFEE_MASTER_KEY: z.string().optional(),
  ZEROFEE_WEBHOOK_RETRY_DELAYS: z.string().default("60,300,1800,7200,28800,86400"),
  ZEROFEE_WEBHOOK_TIMEOUT_MS: whole(100).default(30_000),
  ZEROFEE_WEBHOOK_DISABLE_AFTER: whole().default(10),
  ZEROFEE_RECONCILE_EVERY_S: whole(1).default(300),
  ZEROFEE_RECONCILE_AFTER_S: whole().default(300),
  ZEROFEE_JOB_LEASE_S: whole(1).default(120),
  ZEROFEE_PAYMENT_EXPIRY_S: whole(1).default(1800),
  ZEROFEE_SANDBOX: onOff.optional(),
  ZEROFEE_DEMO_PAYMENTS: onOff.optional(),
  ZEROFEE_CHECK_RESPONSES: onOff.optional(),
  ZEROFEE_SANDBOX_CONFIRM_MS: whole().default(2000),
  ZEROFEE_SANDBOX_UNANSWERED_S: whole(1).default(600),
  ZEROFEE_SANDBOX_TRANSPORT: z.enum(["in-process", "http"]).default("in-process"),
  ZEROFEE_PROVIDER_TIMEOUT_MS: whole(100).default(15_000),
  ZEROFEE_PROVIDER_HEALTH_WINDOW_S: whole(1).default(60),
  ZEROFEE_PROVIDER_HEALTH_MIN_CALLS: whole(1).default(10),
  ZEROFEE_PROVIDER_HEALTH_ERROR_PCT: whole(1, 100).default(50),
  ZEROFEE_PROVIDER_HEALTH_COOLDOWN_S: whole(1).default(30),
  ZEROFEE_IDEMPOTENCY_LOCK_S: whole(1).default(90),
  ZEROFEE_CONCURRENCY_PER_KEY: whole().default(50),
  ZEROFEE_KEY_CACHE_MS: whole().default(5000),
  ZEROFEE_DB_POOL_SIZE: whole(1).default(10),
  ZEROFEE_DB_CONNECT_TIMEOUT_MS: whole(100).default(5_000),
  ZEROFEE_FAULT: z
    .enum(["after_provider_initiate", "before_provider_initiate", "after_refund_initiate", "settle_after_first"], {
      error: "one of after_provider_initiate, before_provider_initiate, after_refund_initiate, settle_after_first is expected",
    })
    .optional(),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  // Checked here: nodemailer takes any string and fails at start-up with a stack trace.
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: "an smtp:// or smtps:// URL is expected, e.g. smtps://user:password@mail.example.com:465" }).optional(),
  MAIL_FROM: z.string().default("ZeroFee <no-reply@zerofee.local>"),
  ZEROFEE_RATE_LIMIT_PER_KEY: whole().default(1000),
  ZEROFEE_RATE_LIMIT_PER_IP: whole().default(2000),
  ZEROFEE_TRUST_PROXY: z
    .string()
    .trim()
    .regex(/^(off|\d+|[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*)$/, "off, a number of proxy hops, or proxy addresses/CIDRs separated by commas is expected")
    .refine(
      (v) => v === "off" || /^\d+$/.test(v) || v.split(",").every((entry) => isAddressOrCidr(entry.trim())),
      "each proxy must be an IPv4 or IPv6 address, or one with a /prefix in range (10.0.0.0/8, fd00::/8)",
    )
    .optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  port: number;
  /** Where `zerofee worker` answers /healthz, /readyz and /metrics (beside an API on `port`). */
  workerPort: number;
  host: string;
  /** Base of return URLs and hosted pages; set from the bound address when not given. */
  publicUrl?: string;
  databaseUrl?: string;
  dataDir: string;
  masterKey: Buffer;
  /**
   * log2 of scrypt's N for new password hashes: 17 (OWASP), and no variable changes it. Only
   * the test suite's apps lower it (harness `testConfig`), so its ~150 registrations do not
   * each take 128 MiB and ~0.4 s; the tests of the hashing itself (SE-4) keep 17.
   */
  passwordHashLogN: number;
  production: boolean;
  checkResponses: boolean;
  sandbox: boolean;
  /** `serve` makes a few sandbox payments in a demo app it has just created. */
  demoPayments: boolean;
  sandboxConfirmMs: number;
  /** How long a sandbox provider waits for a customer who never acts before it ends the payment. */
  sandboxUnansweredMs: number;
  /** How adapters reach this process's simulators: a direct call (`in-process`) or loopback HTTP. */
  sandboxTransport: "in-process" | "http";
  webhook: { retryDelaysS: number[]; timeoutMs: number; disableAfter: number };
  reconcileEveryS: number;
  reconcileAfterS: number;
  /** A periodic job's run not heard from for this long (its worker died) is run again. */
  jobLeaseS: number;
  paymentExpiryS: number;
  providerTimeoutMs: number;
  /** Base URL overrides by provider name: `live` from ZEROFEE_PROVIDER_<NAME>_URL, `sandbox` from …_SANDBOX_URL. */
  providerUrls: { live: Record<string, string>; sandbox: Record<string, string> };
  /** Health-aware routing: error rate over a sliding window, then a cool-down (SPEC §5). */
  providerHealth: { windowS: number; minCalls: number; errorPct: number; cooldownS: number };
  idempotencyLockS: number;
  concurrencyPerKey: number;
  /** How long a process keeps a resolved API key (revocations elsewhere take this long). */
  keyCacheMs: number;
  /** PostgreSQL connections per process (`pg` pool size). */
  dbPoolSize: number;
  /** How long opening a PostgreSQL connection may take (`pg`'s `connectionTimeoutMillis`): a database that accepts the connection and never answers. */
  dbConnectTimeoutMs: number;
  fault?: string;
  smtpUrl?: string;
  mailFrom: string;
  rateLimitPerKey: number;
  rateLimitPerIp: number;
  /**
   * Which `X-Forwarded-For` hops to believe for the client's address (the per-IP limits, the
   * login guard): false (the socket's peer), a number of proxies in front, or their addresses.
   */
  trustProxy: false | number | string;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
}

export class ConfigError extends Error {}

/**
 * `ZEROFEE_PROVIDER_<NAME>_URL` points live mode at another base URL for one provider (a
 * staging host); `ZEROFEE_PROVIDER_<NAME>_SANDBOX_URL` does the same for test mode (the
 * provider's own sandbox instead of ZeroFee's simulator). Names are the provider's, upper-cased.
 */
function providerUrls(source: Record<string, string | undefined>): Config["providerUrls"] {
  const out: Config["providerUrls"] = { live: {}, sandbox: {} };
  for (const [key, value] of Object.entries(source)) {
    const m = /^ZEROFEE_PROVIDER_([A-Z0-9_]+?)(_SANDBOX)?_URL$/.exec(key);
    if (!m?.[1] || !value) continue;
    const parsed = z.url({ protocol: /^https?$/ }).safeParse(value);
    if (!parsed.success) throw new ConfigError(`Invalid configuration ${key}: an http(s) URL is expected`);
    out[m[2] ? "sandbox" : "live"][m[1].toLowerCase()] = value.replace(/\/+$/, "");
  }
  return out;
}

function loadMasterKey(env: z.infer<typeof EnvSchema>, production: boolean, dataDir: string, persist: boolean): Buffer {
  if (env.ZEROFEE_MASTER_KEY) {
    const given = env.ZEROFEE_MASTER_KEY.trim();
    const key = Buffer.from(given, "base64");
    // Node's decoder skips what is not base64: only a canonical encoding of 32 bytes is taken,
    // so a typo or a pasted suffix cannot silently become another key.
    if (key.length !== 32 || key.toString("base64") !== given) {
      throw new ConfigError("ZEROFEE_MASTER_KEY must be 32 random bytes, base64-encoded (e.g. `openssl rand -base64 32`)");
    }
    if (new Set(key).size < 8) throw new ConfigError("ZEROFEE_MASTER_KEY does not look random: generate one with `openssl rand -base64 32`");
    return key;
  }
  if (production) throw new ConfigError("ZEROFEE_MASTER_KEY is required when NODE_ENV=production");
  if (!persist) return randomBytes(32);
  // Development: a key generated once into the data directory, so credentials survive restarts.
  const file = join(dataDir, "master.key");
  if (existsSync(file)) return Buffer.from(readFileSync(file, "utf8").trim(), "base64");
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString("base64"), { mode: 0o600 });
  return key;
}

function trustProxy(value: string | undefined): Config["trustProxy"] {
  if (!value || value === "off") return false;
  return /^\d+$/.test(value) ? Number(value) : value.replace(/\s+/g, "");
}

/**
 * Parses the environment into a typed config, refusing unsafe production settings.
 * @example loadConfig({ ...process.env, PORT: "0" })
 */
export function loadConfig(source: Record<string, string | undefined> = process.env, opts: { persistKey?: boolean } = {}): Config {
  // A variable set to nothing (`PORT=`, a blank line in an env file) is unset, so it takes its
  // default rather than 0 or "" — which would turn a timeout or a limit off without a word.
  const given = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = EnvSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration ${issue?.path.join(".")}: ${issue?.message}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === "production";
  if (production && !env.DATABASE_URL) throw new ConfigError("DATABASE_URL is required when NODE_ENV=production");
  if (production && env.ZEROFEE_SANDBOX === true) throw new ConfigError("ZEROFEE_SANDBOX cannot be on when NODE_ENV=production");
  if (production && env.ZEROFEE_FAULT) throw new ConfigError("ZEROFEE_FAULT is refused when NODE_ENV=production");
  // Digits only, as every number here: `Number` would take "1e2", "0x10" and "" (a stray comma
  // adding an immediate retry).
  const delayParts = env.ZEROFEE_WEBHOOK_RETRY_DELAYS.split(",").map((s) => s.trim());
  if (delayParts.some((s) => !/^\d+$/.test(s))) {
    throw new ConfigError("Invalid configuration ZEROFEE_WEBHOOK_RETRY_DELAYS: comma-separated whole seconds (digits only) are expected");
  }
  const retryDelaysS = delayParts.map(Number);
  const dataDir = resolve(env.ZEROFEE_DATA_DIR);
  return {
    port: env.PORT,
    workerPort: env.ZEROFEE_WORKER_PORT,
    host: env.HOST,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ""),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir,
    masterKey: loadMasterKey(env, production, dataDir, opts.persistKey ?? true),
    passwordHashLogN: 17,
    production,
    sandbox: production ? false : (env.ZEROFEE_SANDBOX ?? true),
    // Off under NODE_ENV=test: servers a test spawns count what they wrote.
    demoPayments: env.ZEROFEE_DEMO_PAYMENTS ?? env.NODE_ENV !== "test",
    // Every answer also encoded by zod and compared (http/serializer.ts): on for the test suite.
    checkResponses: env.ZEROFEE_CHECK_RESPONSES ?? env.NODE_ENV === "test",
    sandboxConfirmMs: env.ZEROFEE_SANDBOX_CONFIRM_MS,
    sandboxUnansweredMs: env.ZEROFEE_SANDBOX_UNANSWERED_S * 1000,
    sandboxTransport: env.ZEROFEE_SANDBOX_TRANSPORT,
    webhook: {
      retryDelaysS,
      timeoutMs: env.ZEROFEE_WEBHOOK_TIMEOUT_MS,
      disableAfter: env.ZEROFEE_WEBHOOK_DISABLE_AFTER,
    },
    reconcileEveryS: env.ZEROFEE_RECONCILE_EVERY_S,
    reconcileAfterS: env.ZEROFEE_RECONCILE_AFTER_S,
    jobLeaseS: env.ZEROFEE_JOB_LEASE_S,
    paymentExpiryS: env.ZEROFEE_PAYMENT_EXPIRY_S,
    providerTimeoutMs: env.ZEROFEE_PROVIDER_TIMEOUT_MS,
    providerUrls: providerUrls(source),
    providerHealth: {
      windowS: env.ZEROFEE_PROVIDER_HEALTH_WINDOW_S,
      minCalls: env.ZEROFEE_PROVIDER_HEALTH_MIN_CALLS,
      errorPct: env.ZEROFEE_PROVIDER_HEALTH_ERROR_PCT,
      cooldownS: env.ZEROFEE_PROVIDER_HEALTH_COOLDOWN_S,
    },
    idempotencyLockS: env.ZEROFEE_IDEMPOTENCY_LOCK_S,
    concurrencyPerKey: env.ZEROFEE_CONCURRENCY_PER_KEY,
    keyCacheMs: env.ZEROFEE_KEY_CACHE_MS,
    dbPoolSize: env.ZEROFEE_DB_POOL_SIZE,
    dbConnectTimeoutMs: env.ZEROFEE_DB_CONNECT_TIMEOUT_MS,
    fault: env.ZEROFEE_FAULT,
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    rateLimitPerKey: env.ZEROFEE_RATE_LIMIT_PER_KEY,
    rateLimitPerIp: env.ZEROFEE_RATE_LIMIT_PER_IP,
    trustProxy: trustProxy(env.ZEROFEE_TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
  };
}

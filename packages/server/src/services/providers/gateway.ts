import { createHmac } from "node:crypto";
import { PROVIDERS, type ProviderAdapter, type ProviderContext, type ProviderEntry, type Transport } from "@zerofee/providers";
import { type Config, ConfigError } from "../../config.js";
import type { Clock } from "../../lib/clock.js";
import type { Metrics } from "../../lib/metrics.js";
import { ProviderHealth } from "./health.js";

/** Providers that exist only as a sandbox: never a candidate in live mode. */
const SANDBOX_ONLY = new Set(["test"]);

/** Call outcomes that count against a provider's health (the adapter's own labels). */
const HEALTH_ERRORS = new Set(["ambiguous", "unavailable", "down"]);

export type ProviderRegistry = Readonly<Record<string, ProviderEntry>>;

/**
 * The server's one door to providers: the registry, each call's context (sandbox in test mode,
 * the live API or a configured override in live mode), timing (kept out of
 * `X-ZeroFee-Latency`), metrics and health.
 */
export interface ProviderGateway {
  names(): string[];
  has(name: string): boolean;
  adapter(name: string): ProviderAdapter;
  /** Whether `name` can serve this mode at all: test needs its sandbox (or an override); live excludes sandbox-only providers. */
  usable(name: string, livemode: boolean): boolean;
  context(name: string, livemode: boolean, credentials?: Record<string, string>): ProviderContext;
  /** Runs one provider call: metrics, health, and (a `metered` gateway's) the time it took. */
  call<T>(target: { provider: string; livemode: boolean }, operation: string, fn: () => Promise<T>, outcome: (result: T) => string): Promise<T>;
  /** The same gateway, adding each call's time to `meter` (a request's, kept out of `X-ZeroFee-Latency`). */
  metered(meter: ProviderMeter): ProviderGateway;
  health: ProviderHealth;
  sandboxSecret(name: string): string;
  /** Where the provider posts callbacks; the query names the app and mode whose secret verifies them. */
  callbackUrl(name: string, scope?: { appId: string; livemode: boolean }): string;
  /**
   * Sends test-mode calls to `name` through `transport` (the simulator mounted in this
   * process, reached without a socket) unless a sandbox URL override points elsewhere.
   */
  useInProcessSandbox(name: string, transport: Transport): void;
}

/** Milliseconds one request spent waiting on providers. */
export interface ProviderMeter {
  providerMs: number;
}

export function createProviderGateway(deps: {
  config: Config;
  metrics: Metrics;
  clock: Clock;
  publicUrl: () => string;
  registry?: ProviderRegistry;
}): ProviderGateway {
  const { config, metrics } = deps;
  const registry: ProviderRegistry = deps.registry ?? PROVIDERS;
  // A misspelt ZEROFEE_PROVIDER_<NAME>_URL would leave that provider on its built-in (live)
  // address without a word: a name no provider has stops the process.
  for (const [kind, urls] of Object.entries(config.providerUrls)) {
    const unknown = Object.keys(urls).find((name) => !Object.hasOwn(registry, name));
    if (unknown === undefined) continue;
    const variable = `ZEROFEE_PROVIDER_${unknown.toUpperCase()}${kind === "sandbox" ? "_SANDBOX" : ""}_URL`;
    const known = Object.keys(registry)
      .map((n) => n.toUpperCase())
      .join(", ");
    throw new ConfigError(`Invalid configuration ${variable}: no provider is named "${unknown}" (the names are ${known})`);
  }
  const entry = (name: string) => {
    const found = Object.hasOwn(registry, name) ? registry[name] : undefined;
    if (!found) throw new Error(`unknown provider ${name}`);
    return found;
  };
  // Derived once per simulator (an HMAC per provider call cost a create ~0.8 %).
  const sandboxSecrets = new Map<string, string>();
  const sandboxSecret = (name: string) => {
    let secret = sandboxSecrets.get(name);
    if (secret === undefined) {
      secret = createHmac("sha256", config.masterKey).update(`sandbox-webhook:${name}`).digest("base64url");
      sandboxSecrets.set(name, secret);
    }
    return secret;
  };
  const health = new ProviderHealth(config.providerHealth, deps.clock);
  const inProcess = new Map<string, Transport>();
  const call = async <T>(
    target: { provider: string; livemode: boolean },
    operation: string,
    fn: () => Promise<T>,
    outcome: (result: T) => string,
    meter?: ProviderMeter,
  ): Promise<T> => {
    const started = performance.now();
    let label = "error";
    try {
      const result = await fn();
      label = outcome(result);
      return result;
    } finally {
      metrics.providerCalls.inc({ provider: target.provider, operation, outcome: label });
      health.record(target.provider, target.livemode, label === "error" || HEALTH_ERRORS.has(label));
      const ms = performance.now() - started;
      metrics.providerDuration.observe({ provider: target.provider, operation }, ms / 1000);
      if (meter) meter.providerMs += ms;
    }
  };
  return {
    names: () => Object.keys(registry),
    has: (name) => Object.hasOwn(registry, name),
    adapter: (name) => entry(name).adapter,
    usable(name, livemode) {
      if (!Object.hasOwn(registry, name)) return false;
      if (livemode) return !SANDBOX_ONLY.has(name);
      return config.sandbox || Boolean(config.providerUrls.sandbox[name]);
    },
    context(name, livemode, credentials = {}) {
      const baseUrl = livemode
        ? (config.providerUrls.live[name] ?? entry(name).adapter.metadata.liveBaseUrl)
        : (config.providerUrls.sandbox[name] ?? `${deps.publicUrl()}/sandbox/${name}`);
      // One of ZeroFee's own simulators (test mode, no sandbox URL override).
      const simulated = !livemode && !config.providerUrls.sandbox[name];
      return {
        baseUrl,
        credentials,
        livemode,
        timeoutMs: config.providerTimeoutMs,
        // ZeroFee's simulators sign with a secret derived from the master key; a real API
        // (live, or a sandbox override) with the app's own `webhook_secret` credential.
        webhookSecret: simulated ? sandboxSecret(name) : (credentials.webhook_secret ?? ""),
        simulated,
        transport: simulated ? inProcess.get(name) : undefined,
      };
    },
    call: (target, operation, fn, outcome) => call(target, operation, fn, outcome),
    metered(meter) {
      return { ...this, call: (target, operation, fn, outcome) => call(target, operation, fn, outcome, meter) };
    },
    health,
    sandboxSecret,
    useInProcessSandbox(name, transport) {
      inProcess.set(name, transport);
    },
    callbackUrl(name, scope) {
      const base = `${deps.publicUrl()}/v1/webhooks/providers/${name}`;
      return scope ? `${base}?${new URLSearchParams({ app: scope.appId, mode: scope.livemode ? "live" : "test" })}` : base;
    },
  };
}

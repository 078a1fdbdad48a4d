import { createHmac } from "node:crypto";
import { isProviderName, PROVIDERS, type ProviderAdapter, type ProviderContext, type ProviderName } from "@zerofee/providers";
import type { Config } from "../../config.js";
import type { Metrics } from "../../lib/metrics.js";
import { requestStore } from "../../lib/request-context.js";

/**
 * The server's one door to providers: builds each call's context (sandbox in test mode),
 * times the call (kept out of `X-ZeroFee-Latency`) and counts it.
 */
export interface ProviderGateway {
  adapter(name: ProviderName): ProviderAdapter;
  /** Whether `name` may be used in this mode at all (test: its sandbox is mounted). */
  available(name: string, livemode: boolean): name is ProviderName;
  context(name: ProviderName, livemode: boolean, credentials?: Record<string, string>): ProviderContext;
  call<T>(name: ProviderName, operation: string, fn: () => Promise<T>, outcome: (result: T) => string): Promise<T>;
  sandboxSecret(name: ProviderName): string;
  callbackUrl(name: ProviderName): string;
}

export function createProviderGateway(deps: { config: Config; metrics: Metrics; publicUrl: () => string }): ProviderGateway {
  const { config, metrics } = deps;
  const sandboxSecret = (name: ProviderName) => createHmac("sha256", config.masterKey).update(`sandbox-webhook:${name}`).digest("base64url");
  return {
    adapter: (name) => PROVIDERS[name].adapter,
    available(name, livemode): name is ProviderName {
      // Live routing to real providers arrives with their adapters' live configuration.
      return isProviderName(name) && (livemode ? false : config.sandbox);
    },
    context(name, livemode, credentials = {}) {
      return {
        baseUrl: `${deps.publicUrl()}/sandbox/${name}`,
        credentials,
        livemode,
        timeoutMs: config.providerTimeoutMs,
        webhookSecret: sandboxSecret(name),
      };
    },
    async call(name, operation, fn, outcome) {
      const started = performance.now();
      try {
        const result = await fn();
        metrics.providerCalls.inc({ provider: name, operation, outcome: outcome(result) });
        return result;
      } finally {
        const ms = performance.now() - started;
        metrics.providerDuration.observe({ provider: name, operation }, ms / 1000);
        const store = requestStore.getStore();
        if (store) store.providerMs += ms;
      }
    },
    sandboxSecret,
    callbackUrl: (name) => `${deps.publicUrl()}/v1/webhooks/providers/${name}`,
  };
}

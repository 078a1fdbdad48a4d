/**
 * Extra providers for tests of the server's provider core, built from the `test` provider's
 * real adapter and simulator under other names (each mounted at `/sandbox/<name>`, spoken to
 * over HTTP like any provider). They give routing a second candidate and exercise contract
 * branches no single sandbox shows: a live-capable provider with required credentials, one
 * that signs nothing (`confirmWithStatus`), one with a `returnCheck` policy.
 */
import { PROVIDERS, type ProviderAdapter, type ProviderEntry, type ProviderMetadata } from "@zerofee/providers";

const base = PROVIDERS.test;

function clone(name: string, meta: Partial<ProviderMetadata> = {}, overrides: Partial<ProviderAdapter> = {}): ProviderEntry {
  return {
    adapter: { ...base.adapter, ...overrides, metadata: { ...base.adapter.metadata, name, displayName: `Test ${name}`, ...meta } },
    simulator: base.simulator,
    scenarios: [],
  };
}

/** A provider that signs nothing: its callbacks are only hints, confirmed by a status call. */
const unsigned: Partial<ProviderAdapter> = {
  async parseWebhook(_ctx, input) {
    try {
      const body = JSON.parse(input.rawBody) as { event_id: string; data: { reference: string; id: string; status: string } };
      const status = body.data.status === "SUCCESSFUL" ? "completed" : body.data.status === "FAILED" ? "failed" : "pending";
      return {
        kind: "event",
        eventId: body.event_id,
        providerPaymentId: body.data.reference,
        providerReference: body.data.id,
        status,
        confirmWithStatus: true,
      };
    } catch {
      return { kind: "invalid", reason: "unreadable body" };
    }
  },
};

export const LIVE_CREDENTIALS: ProviderMetadata["credentials"] = [
  { name: "api_key", description: "API key", secret: true, required: true },
  { name: "webhook_secret", description: "Callback signing secret", secret: true, required: false },
  { name: "merchant_id", description: "Merchant id", secret: false, required: false },
];

export function testRegistry(): Record<string, ProviderEntry> {
  return {
    // Every registered provider (the real adapters once merged), plus the variants below.
    ...PROVIDERS,
    test: base,
    test_b: clone("test_b"),
    test_live: clone("test_live", { credentials: LIVE_CREDENTIALS, liveBaseUrl: "https://live.test-provider.invalid" }),
    test_unsigned: clone("test_unsigned", {}, unsigned),
    test_slow_return: clone("test_slow_return", { returnCheck: { initialDelayMs: 300, retryDelaysMs: [100, 200, 400] } }),
    // Checks once at once, then waits two minutes (past any test's timeout) before the next check.
    test_held_return: clone("test_held_return", { returnCheck: { initialDelayMs: 0, retryDelaysMs: [120_000] } }),
  };
}

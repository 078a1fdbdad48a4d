import type { ProviderAdapter, SandboxScenario, Simulator, SimulatorOptions } from "./contract.js";
import { paypalAdapter } from "./paypal/adapter.js";
import { paypalScenarios } from "./paypal/scenarios.js";
import { createPayPalSimulator } from "./paypal/simulator.js";
import { stripeAdapter } from "./stripe/adapter.js";
import { stripeScenarios } from "./stripe/scenarios.js";
import { createStripeSimulator } from "./stripe/simulator.js";
import { testAdapter } from "./test/adapter.js";
import { testScenarios } from "./test/scenarios.js";
import { createTestSimulator } from "./test/simulator.js";

/** Every provider ZeroFee can route to. Adding one: its folder, plus one line here. */
export const PROVIDERS = {
  test: { adapter: testAdapter, simulator: createTestSimulator, scenarios: testScenarios },
  stripe: { adapter: stripeAdapter, simulator: createStripeSimulator, scenarios: stripeScenarios },
  paypal: { adapter: paypalAdapter, simulator: createPayPalSimulator, scenarios: paypalScenarios },
} as const satisfies Record<string, ProviderEntry>;

export interface ProviderEntry {
  adapter: ProviderAdapter;
  simulator: (opts: SimulatorOptions) => Simulator;
  scenarios: readonly SandboxScenario[];
}

export type ProviderName = keyof typeof PROVIDERS;

export const PROVIDER_NAMES = Object.keys(PROVIDERS) as ProviderName[];

export function isProviderName(name: string): name is ProviderName {
  return Object.hasOwn(PROVIDERS, name);
}

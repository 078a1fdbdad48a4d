import { bui } from "./bui/index.js";
import type { ProviderAdapter, SandboxScenario, Simulator, SimulatorOptions } from "./contract.js";
import { hub2Adapter } from "./hub2/adapter.js";
import { hub2Scenarios } from "./hub2/scenarios.js";
import { createHub2Simulator } from "./hub2/simulator.js";
import { paiementpro } from "./paiementpro/index.js";
import { pawapayAdapter } from "./pawapay/adapter.js";
import { pawapayScenarios } from "./pawapay/scenarios.js";
import { createPawapaySimulator } from "./pawapay/simulator.js";
import { testAdapter } from "./test/adapter.js";
import { testScenarios } from "./test/scenarios.js";
import { createTestSimulator } from "./test/simulator.js";

/** Every provider ZeroFee can route to. Adding one: its folder, plus one line here. */
export const PROVIDERS = {
  test: { adapter: testAdapter, simulator: createTestSimulator, scenarios: testScenarios },
  bui,
  hub2: { adapter: hub2Adapter, simulator: createHub2Simulator, scenarios: hub2Scenarios },
  paiementpro,
  pawapay: { adapter: pawapayAdapter, simulator: createPawapaySimulator, scenarios: pawapayScenarios },
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

import { bui } from "./bui/index.js";
import type { ProviderAdapter, SandboxScenario, Simulator, SimulatorOptions } from "./contract.js";
import { hub2 } from "./hub2/index.js";
import { paiementpro } from "./paiementpro/index.js";
import { pawapay } from "./pawapay/index.js";
import { paypal } from "./paypal/index.js";
import { stripe } from "./stripe/index.js";
import { test } from "./test/index.js";

/** Every provider ZeroFee can route to. Adding one: its folder (whose `index.ts` exports the entry), plus its import and one line here. */
export const PROVIDERS = {
  test,
  stripe,
  paypal,
  hub2,
  pawapay,
  bui,
  paiementpro,
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

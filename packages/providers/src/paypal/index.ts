import type { ProviderEntry } from "../registry.js";
import { paypalAdapter } from "./adapter.js";
import { paypalScenarios } from "./scenarios.js";
import { createPayPalSimulator } from "./simulator.js";

/** PayPal: adapter, sandbox and SPEC §14 scenarios (see README.md). */
export const paypal = { adapter: paypalAdapter, simulator: createPayPalSimulator, scenarios: paypalScenarios } satisfies ProviderEntry;

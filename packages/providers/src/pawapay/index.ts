import type { ProviderEntry } from "../registry.js";
import { pawapayAdapter } from "./adapter.js";
import { pawapayScenarios } from "./scenarios.js";
import { createPawapaySimulator } from "./simulator.js";

/** PawaPay: adapter, sandbox and SPEC §14 scenarios (see README.md). */
export const pawapay = { adapter: pawapayAdapter, simulator: createPawapaySimulator, scenarios: pawapayScenarios } satisfies ProviderEntry;

import type { ProviderEntry } from "../registry.js";
import { buiAdapter } from "./adapter.js";
import { buiScenarios } from "./scenarios.js";
import { createBuiSimulator } from "./simulator.js";

/** BUI Corporation: adapter, sandbox and SPEC §14 scenarios (see README.md). */
export const bui = { adapter: buiAdapter, simulator: createBuiSimulator, scenarios: buiScenarios } satisfies ProviderEntry;

import type { ProviderEntry } from "../registry.js";
import { hub2Adapter } from "./adapter.js";
import { hub2Scenarios } from "./scenarios.js";
import { createHub2Simulator } from "./simulator.js";

/** Hub2: adapter, sandbox and SPEC §14 scenarios (see README.md). */
export const hub2 = { adapter: hub2Adapter, simulator: createHub2Simulator, scenarios: hub2Scenarios } satisfies ProviderEntry;

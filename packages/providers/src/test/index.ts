import type { ProviderEntry } from "../registry.js";
import { testAdapter } from "./adapter.js";
import { testScenarios } from "./scenarios.js";
import { createTestSimulator } from "./simulator.js";

/** ZeroFee's own test provider: the simplest sandbox (SPEC §14). */
export const test = { adapter: testAdapter, simulator: createTestSimulator, scenarios: testScenarios } satisfies ProviderEntry;

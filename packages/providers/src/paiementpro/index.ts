import type { ProviderEntry } from "../registry.js";
import { paiementproAdapter } from "./adapter.js";
import { paiementproScenarios } from "./scenarios.js";
import { createPaiementproSimulator } from "./simulator.js";

/** PaiementPro: adapter, sandbox and SPEC §14 scenarios (see README.md). */
export const paiementpro = { adapter: paiementproAdapter, simulator: createPaiementproSimulator, scenarios: paiementproScenarios } satisfies ProviderEntry;

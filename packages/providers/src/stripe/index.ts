import type { ProviderEntry } from "../registry.js";
import { stripeAdapter } from "./adapter.js";
import { stripeScenarios } from "./scenarios.js";
import { createStripeSimulator } from "./simulator.js";

/** Stripe: adapter, sandbox and SPEC §14 scenarios (see README.md). */
export const stripe = { adapter: stripeAdapter, simulator: createStripeSimulator, scenarios: stripeScenarios } satisfies ProviderEntry;

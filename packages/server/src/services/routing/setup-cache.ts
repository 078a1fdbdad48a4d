import type { RoutingRule } from "../../db/schema/index.js";
import { lookupCache } from "../../lib/lookup-cache.js";
import type { ConfigRow } from "../providers/credentials.js";

/**
 * An app's routing set-up per mode (its provider rows and its rules), read on every create
 * and checkout catalogue, kept per process like API keys (`ZEROFEE_KEY_CACHE_MS`): a change
 * through this process (`PUT`/`DELETE …/providers/{name}`, `PUT …/routing`, deleting the app)
 * forgets it at once, another process sees it within the TTL.
 */
export const routingSetupCache = lookupCache<{ rows: ConfigRow[]; rules: RoutingRule[] }>(10_000);

import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db } from "../db/client.js";
import type { Clock } from "../lib/clock.js";
import type { Metrics } from "../lib/metrics.js";
import type { ProviderGateway } from "./providers/gateway.js";
import type { WebhookRuntime } from "./webhooks/runtime.js";

/** Everything a verb may use, built once in `app.ts` and passed in; tests build the same. */
export interface ServiceContext {
  config: Config;
  db: Db;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  providers: ProviderGateway;
  /** Outbound webhooks: DNS seam, mailer, signing time. */
  webhooks: WebhookRuntime;
  /** Base URL customers and providers reach ZeroFee at. */
  publicUrl(): string;
  /** Test-only crash points (ZEROFEE_FAULT); a no-op unless configured. */
  fault(point: FaultPoint): void;
}

export type FaultPoint = "after_provider_initiate" | "before_provider_initiate" | "after_refund_initiate" | "settle_after_first";

/** Who is calling: resolved once by the HTTP layer, checked by every verb. */
export type Principal =
  | { kind: "secret" | "publishable"; accountId: string; appId: string; livemode: boolean; keyId: string; scopes: string[] | null }
  | { kind: "user"; accountId: string; userId: string; sessionId: string; livemode: boolean; appId: string | null }
  /** A checkout session's client secret: the browser side of one session (SPEC §8). */
  | { kind: "client_secret"; accountId: string; appId: string; livemode: boolean; sessionId: string };

/** The app and mode a request acts in (every app-scoped query filters on both). */
export interface Scope {
  appId: string;
  livemode: boolean;
}

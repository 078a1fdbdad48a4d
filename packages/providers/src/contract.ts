/**
 * The one interface every provider adapter implements. Adapters speak the provider's real
 * HTTP API against `ctx.baseUrl`; nothing outside this package knows a provider's wire format.
 * Provider outcomes (a decline, an outage) are values, never exceptions.
 */

/** Status as a provider reports it, already mapped onto ZeroFee's vocabulary. */
export type ProviderPaymentStatus = "pending" | "requires_action" | "processing" | "completed" | "failed" | "cancelled";

export type NextAction = { type: "ussd_push"; instructions: string } | { type: "redirect"; redirect_url: string } | { type: "otp"; instructions: string };

export type Flow = "ussd_push" | "redirect" | "otp";

export interface ProviderContext {
  /** Provider API root: the real one in live mode, `/sandbox/<name>` in test mode. */
  baseUrl: string;
  credentials: Record<string, string>;
  livemode: boolean;
  timeoutMs: number;
  /** Secret used to verify this provider's callbacks (sandbox: derived from the master key). */
  webhookSecret: string;
}

export interface InitiateInput {
  /** Our provider-side id, generated and committed before this call; reused on retry. */
  providerPaymentId: string;
  amount: number;
  currency: string;
  paymentMethod: string;
  country: string | null;
  operator: string | null;
  customer: { phone?: string; name?: string; email?: string };
  description?: string | null;
  /** ZeroFee's own return route, never the merchant's URL. */
  returnUrl: string;
  /** ZeroFee's inbound webhook route for this provider. */
  callbackUrl: string;
}

export type InitiateOutput =
  | {
      outcome: "accepted";
      providerReference: string;
      status: ProviderPaymentStatus;
      nextAction: NextAction | null;
      data?: Record<string, unknown>;
    }
  /** Provably not accepted: nothing was sent, or a documented rejection. Routing may cascade. */
  | { outcome: "rejected"; code: string; message: string }
  /** Sent, outcome unknown (timeout, 5xx): only a status call can tell. */
  | { outcome: "ambiguous"; code: string; message: string };

export interface PaymentRef {
  providerPaymentId: string;
  providerReference: string | null;
  data: Record<string, unknown>;
}

export type StatusOutput =
  | { kind: "found"; status: ProviderPaymentStatus; providerReference?: string; failureCode?: string; failureMessage?: string }
  | { kind: "not_found" }
  | { kind: "unavailable"; message: string };

export type OtpOutput =
  | { kind: "accepted"; status: ProviderPaymentStatus }
  | { kind: "invalid_otp"; status: ProviderPaymentStatus }
  | { kind: "unavailable"; message: string };

export type CancelOutput =
  | { kind: "cancelled" }
  | { kind: "not_cancellable"; status: ProviderPaymentStatus }
  | { kind: "not_found" }
  | { kind: "unavailable"; message: string };

export interface WebhookInput {
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
}

export type WebhookOutput =
  | { kind: "invalid"; reason: string }
  | {
      kind: "event";
      /** The provider's own id for this message: the deduplication key. */
      eventId: string;
      providerPaymentId: string;
      providerReference?: string;
      status: ProviderPaymentStatus;
      failureCode?: string;
      failureMessage?: string;
    };

export interface ProviderMetadata {
  name: string;
  displayName: string;
  /** ISO-3166 alpha-2 codes, or "*" for any. */
  countries: readonly string[] | "*";
  /** Method codes served (`PAYIN_ORANGE_CI`…), or "*" for any. */
  methods: readonly string[] | "*";
  flows: readonly Flow[];
  supportsCancel: boolean;
  supportsOtp: boolean;
  defaultTimeoutMs: number;
}

export interface ProviderAdapter {
  readonly metadata: ProviderMetadata;
  initiate(ctx: ProviderContext, input: InitiateInput): Promise<InitiateOutput>;
  getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput>;
  /** Hints from the provider's redirect back; the caller always confirms with `getStatus`. */
  verifyReturn(ctx: ProviderContext, ref: PaymentRef, query: Record<string, string>): Promise<StatusOutput>;
  parseWebhook(ctx: ProviderContext, input: WebhookInput): Promise<WebhookOutput>;
  submitOtp?(ctx: ProviderContext, ref: PaymentRef, otp: string): Promise<OtpOutput>;
  cancel?(ctx: ProviderContext, ref: PaymentRef): Promise<CancelOutput>;
}

// ------------------------------------------------------------------ simulators
/** A request as a host (Fastify, node:http) hands it to a simulator. */
export interface SimRequest {
  method: string;
  /** Path below `/sandbox/<name>`, starting with `/`. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON or urlencoded form body. */
  body: unknown;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Durable state of a simulator, injected by the host (a table in ZeroFee's database). */
export interface SimulatorStore {
  get(id: string): Promise<Record<string, unknown> | null>;
  put(id: string, data: Record<string, unknown>, dueAt: Date | null): Promise<void>;
  /** Atomically takes the records whose `dueAt` has passed (leasing them: the caller puts each back with its next `dueAt`) and returns them. */
  claimDue(now: Date): Promise<Array<{ id: string; data: Record<string, unknown> }>>;
}

export interface SimulatorOptions {
  store: SimulatorStore;
  /** How long a simulated customer takes to confirm (SPEC §14: about 2 s). */
  confirmMs: number;
  /** Secret the simulator signs its callbacks with. */
  webhookSecret: string;
  /** Where the simulator's pages and redirects say it lives, e.g. `http://127.0.0.1:8000/sandbox/test`. */
  publicBaseUrl: () => string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface Simulator {
  handle(req: SimRequest): Promise<SimResponse>;
  /** Fires what is due (confirmations, callbacks); the host calls it on a timer and at start. */
  tick(): Promise<void>;
  stop(): void;
}

export interface SimulatorControl {
  down: boolean;
  latencyMs: number;
  dropCallbacks: boolean;
}

/**
 * The one interface every provider adapter implements. Adapters speak the provider's real
 * HTTP API against `ctx.baseUrl`; nothing outside this package knows a provider's wire format.
 * Provider outcomes (a decline, an outage) are values, never exceptions.
 */
import type { Transport } from "./sandbox/transport.js";

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
  /**
   * Secret used to verify this provider's callbacks: in test mode derived from the master key
   * (the simulator signs with it); in live mode the app's `webhook_secret` credential, so an
   * adapter whose provider signs callbacks lists a credential field of that name.
   */
  webhookSecret: string;
  /**
   * True when the calls reach one of ZeroFee's own simulators (test mode without a
   * `ZEROFEE_PROVIDER_<NAME>_SANDBOX_URL`): what an app stored for test mode is not what the
   * simulator signs or checks with.
   */
  simulated?: boolean;
  /**
   * What the adapter's HTTP calls go through (`callProvider`): set by the host to reach a
   * simulator in its own process without a socket (the bytes stay the provider's); absent,
   * the global `fetch`.
   */
  transport?: Transport;
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
  /**
   * ZeroFee's inbound webhook route for this provider. It carries a query string naming the
   * app and mode (`?app=app_…&mode=live`) whose secret verifies the callback: hand it to the
   * provider unchanged.
   */
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
  /**
   * Provably not accepted: nothing was sent, or a documented rejection. Routing may cascade.
   * `providerDown`: the cause is the provider being down or unreachable (connection refused,
   * its documented "unavailable, not processed" answer), not this payment: it counts against
   * the provider's health (SPEC §5). Leave it unset for a verdict on the payment itself.
   */
  | { outcome: "rejected"; code: string; message: string; providerDown?: boolean }
  /** Sent, outcome unknown (timeout, 5xx): only a status call can tell. */
  | { outcome: "ambiguous"; code: string; message: string };

/**
 * A rejection's `code` when the provider refused the app's own credentials — its documented
 * authentication or authorisation error (401/403) — before processing anything. Nothing was
 * taken, and no retry helps until the merchant fixes the provider's set-up, so the create's 503
 * says so instead of "retry" (`services/payments/create.ts`).
 */
export const CREDENTIALS_REFUSED = "credentials_refused";

/** `provider` (as merchants know it) refused the credentials with HTTP `status`. */
export function credentialsRefused(provider: string, status: number): Extract<InitiateOutput, { outcome: "rejected" }> {
  return { outcome: "rejected", code: CREDENTIALS_REFUSED, message: `${provider} refused the credentials (HTTP ${status})` };
}

/** Whether an HTTP status is a provider's documented refusal of the credentials themselves. */
export const refusesCredentials = (status: number | undefined) => status === 401 || status === 403;

/**
 * A refund the provider refused for the app's credentials (401/403): nothing was refunded and
 * asking again cannot help until the merchant corrects them, so the refund fails at once (its
 * amount stays refundable) instead of being retried as if the provider were down.
 */
export function refundCredentialsRefused(provider: string, status: number): Extract<RefundOutput, { kind: "rejected" }> {
  return {
    kind: "rejected",
    code: CREDENTIALS_REFUSED,
    message: `${provider} refused the credentials (HTTP ${status}); nothing was refunded. Correct them in the dashboard, then refund again.`,
  };
}

export interface PaymentRef {
  providerPaymentId: string;
  providerReference: string | null;
  data: Record<string, unknown>;
}

export type StatusOutput =
  | { kind: "found"; status: ProviderPaymentStatus; providerReference?: string; failureCode?: string; failureMessage?: string }
  | { kind: "not_found" }
  /** `httpStatus`: the provider's answer, when it answered (a refused credential reads 401/403). */
  | { kind: "unavailable"; message: string; httpStatus?: number };

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
  /**
   * A refund's status changed at the provider (a refund callback or event). It names the
   * refund by our `re_…` id where the provider echoes it, else by the provider's refund id.
   */
  | {
      kind: "refund";
      eventId: string;
      refundId?: string;
      providerRefundId?: string;
      status: RefundStatus;
      failureCode?: string;
      failureMessage?: string;
    }
  | {
      kind: "event";
      /** The provider's own id for this message: the deduplication key. */
      eventId: string;
      providerPaymentId: string;
      providerReference?: string;
      status: ProviderPaymentStatus;
      failureCode?: string;
      failureMessage?: string;
      /**
       * The provider signs nothing (or nothing we can check): the caller must confirm the
       * status with `getStatus` before applying it, and refuse the message (changing nothing)
       * when the status call does not say `status`.
       */
      confirmWithStatus?: boolean;
    };

export interface RefundInput {
  /** Our refund id (`re_…`), sent as the provider's idempotency key where it has one. */
  refundId: string;
  amount: number;
  currency: string;
  reason?: string;
}

/** A refund's status as the provider reports it, mapped onto ZeroFee's vocabulary. */
export type RefundStatus = "pending" | "completed" | "failed";

/** A refund the provider has been asked for: our id (its idempotency key) and the provider's, once known. */
export interface RefundRef {
  refundId: string;
  providerRefundId: string | null;
  amount: number;
  currency: string;
}

export type RefundStatusOutput =
  | { kind: "found"; status: RefundStatus; providerRefundId?: string; failureCode?: string; failureMessage?: string }
  | { kind: "not_found" }
  | { kind: "unavailable"; message: string };

export type RefundOutput =
  | { kind: "accepted"; providerRefundId: string; status: "pending" | "completed" }
  | { kind: "rejected"; code: string; message: string }
  /** The provider has no refund API for this method (most mobile money): settle by hand. */
  | { kind: "unsupported"; message: string }
  | { kind: "unavailable"; message: string };

/** One credential an app stores for a provider (`PUT /v1/apps/{id}/providers/{name}`). */
export interface CredentialField {
  name: string;
  description: string;
  /** Whether the value is secret (all are encrypted at rest; none is ever returned). */
  secret: boolean;
  required: boolean;
}

/**
 * How the return route verifies a redirect back (SPEC §3): wait `initialDelayMs`, ask
 * `getStatus`, and while it is not final ask again after each of `retryDelaysMs`.
 * PaiementPro: 3000 then [1000, 2000, 4000]. Default: no wait, one check.
 */
export interface ReturnCheckPolicy {
  initialDelayMs: number;
  retryDelaysMs: readonly number[];
}

export interface ProviderMetadata {
  name: string;
  displayName: string;
  /** ISO-3166 alpha-2 codes, or "*" for any. */
  countries: readonly string[] | "*";
  /** Method codes served (`PAYIN_ORANGE_CI`…), or "*" for any. */
  methods: readonly string[] | "*";
  /** ISO-4217 codes, or "*" for any. */
  currencies: readonly string[] | "*";
  flows: readonly Flow[];
  supportsCancel: boolean;
  supportsOtp: boolean;
  supportsRefund: boolean;
  defaultTimeoutMs: number;
  /** What an app stores to use the provider live (test mode needs none). */
  credentials: readonly CredentialField[];
  /** The provider's live API root (the sandbox replaces it in test mode). */
  liveBaseUrl: string;
  returnCheck?: ReturnCheckPolicy;
}

export interface ProviderAdapter {
  readonly metadata: ProviderMetadata;
  initiate(ctx: ProviderContext, input: InitiateInput): Promise<InitiateOutput>;
  getStatus(ctx: ProviderContext, ref: PaymentRef): Promise<StatusOutput>;
  /** Hints from the provider's redirect back; the caller always confirms with `getStatus`. */
  verifyReturn(ctx: ProviderContext, ref: PaymentRef, query: Record<string, string>): Promise<StatusOutput>;
  parseWebhook(ctx: ProviderContext, input: WebhookInput): Promise<WebhookOutput>;
  /**
   * Refunds a completed payment, fully or partly (a merchant's refund, a late success, a second
   * completion in one session), with `input.refundId` as the provider's idempotency key.
   */
  refund(ctx: ProviderContext, ref: PaymentRef, input: RefundInput): Promise<RefundOutput>;
  /** Where the provider refunds: asks how a refund it accepted (or may have) stands. */
  getRefundStatus?(ctx: ProviderContext, ref: PaymentRef, refund: RefundRef): Promise<RefundStatusOutput>;
  submitOtp?(ctx: ProviderContext, ref: PaymentRef, otp: string): Promise<OtpOutput>;
  cancel?(ctx: ProviderContext, ref: PaymentRef): Promise<CancelOutput>;
}

// ------------------------------------------------------------------ scenarios
/**
 * One SPEC §14 outcome, end to end, as data: the server's scenario test
 * (`packages/server/test/providers/scenarios.test.ts`) runs every provider's list over HTTP:
 * create with `provider` forced → the customer acts on the sandbox → callback or return →
 * final status and events. Each provider folder exports its own list.
 */
export interface SandboxScenario {
  name: string;
  /** Body of `POST /v1/payments` (the runner adds `provider` and an `Idempotency-Key`). */
  create: {
    amount: number;
    currency?: string;
    payment_method: string;
    customer?: { phone?: string; email?: string; name?: string };
  };
  /** What the simulated customer does after the create answers. */
  customer:
    | { kind: "wait" }
    | { kind: "otp"; codes: readonly string[] }
    /** Open `next_action.redirect_url`, optionally fill `card_number`, press `data-action`, follow the 303s to ZeroFee's return route. */
    | { kind: "redirect"; action: "approve" | "decline" | "cancel"; card?: string };
  expect: {
    /** Answer of the create (default 201). */
    createStatus?: number;
    errorCode?: string;
    nextAction?: Flow | null;
    /** Status the payment reaches (polled; "pending"/"requires_action" are checked after a few seconds). */
    status?: ProviderPaymentStatus | "expired";
    /** For redirect flows: where the return route sends the browser ("success" | "cancel" | "error"). */
    returnTo?: "success" | "cancel" | "error";
  };
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
  /**
   * Stores a record, due at `dueAt`. A record that still owes callbacks (a non-empty `outbox`,
   * see `sandbox/runtime.ts`) is never stored not due: given null, the store keeps the due time
   * the record has (a delivery in flight holds its lease) or makes it due now — else a save for
   * something else (a refund, a wrong OTP) between the customer's action and the delivery would
   * strand the callback and whatever waits behind it.
   */
  put(id: string, data: Record<string, unknown>, dueAt: Date | null): Promise<void>;
  /** Stores a record only if none exists under `id`, atomically (insert-if-absent); true when stored. Optional: the runtime falls back to `get` + `put` under the record's lock. */
  insert?(id: string, data: Record<string, unknown>, dueAt: Date | null): Promise<boolean>;
  /** Atomically takes the records whose `dueAt` has passed (leasing them: the caller puts each back with its next `dueAt`) and returns them. */
  claimDue(now: Date): Promise<Array<{ id: string; data: Record<string, unknown> }>>;
}

export interface SimulatorOptions {
  store: SimulatorStore;
  /** How long a simulated customer takes to confirm (SPEC §14: about 2 s). */
  confirmMs: number;
  /**
   * How long the simulated provider waits for a customer who never acts (a `…02` number, an
   * OTP never typed, a payment page never completed) before it ends the payment as its real
   * counterpart does — failed, or expired where the provider has that status. Default
   * `UNANSWERED_MS` (10 minutes: Orange's OTP window, within PawaPay's 15-minute page).
   */
  unansweredMs?: number;
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

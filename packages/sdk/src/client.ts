import { InvalidRequestError } from "./errors.js";
import { type ClientOptions, HttpClient, type RequestOptions } from "./http.js";
import { PagePromise } from "./pagination.js";
import type {
  CheckoutSession,
  CheckoutSessionCreated,
  CheckoutSessionCreateParams,
  Event,
  EventListParams,
  ListParams,
  Payment,
  PaymentCreateParams,
  PaymentListParams,
  Refund,
  RefundCreateParams,
  RefundListParams,
  Settlement,
  SettlementListParams,
} from "./types.js";
import { type HeadersLike, type VerifyOptions, verifyWebhook } from "./webhooks.js";

type Query = Record<string, string | number | boolean | undefined | null>;

/**
 * An object's id as one path segment. `.` and `..` (escaped or not) are path steps to a URL,
 * not segments: `settlements.listPayments("..")` would have asked `/v1/payments` — every
 * payment of the app — so they, and an empty id, are refused before anything is sent.
 */
const id = (value: string) => {
  if (typeof value !== "string" || value === "" || value === "." || value === "..")
    throw new InvalidRequestError(`zerofee: ${JSON.stringify(value)} is not an object's id (such as "txn_…"). Nothing was sent.`, {
      code: "invalid_id",
      param: "id",
    });
  return encodeURIComponent(value);
};

/**
 * ZeroFee's API from your server, with a secret key. (The routes a publishable key may call
 * are the checkout widget's, `checkout.js`; this client has no method for them.)
 * @example
 * const zf = new ZeroFee(process.env.ZEROFEE_SECRET_KEY!, { baseUrl: "http://127.0.0.1:8000" });
 * const payment = await zf.payments.create({ amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+2250700000000" } });
 */
export class ZeroFee {
  readonly #http: HttpClient;

  constructor(secretKey: string, options: ClientOptions = {}) {
    // HttpClient refuses (AuthenticationError) a missing key or one no HTTP header can carry.
    this.#http = new HttpClient(secretKey, options);
  }

  get baseUrl(): string {
    return this.#http.baseUrl;
  }

  #get<T>(path: string, query?: Query): Promise<T> {
    return this.#http.request<T>("GET", path, { query }).then((e) => e.data);
  }

  #post<T>(path: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    return this.#http.request<T>("POST", path, { body, idempotencyKey: opts.idempotencyKey }).then((e) => e.data);
  }

  #list<T>(path: string, params: object): PagePromise<T> {
    return new PagePromise<T>((cursor) => this.#http.request<T[]>("GET", path, { query: { ...(params as Query), ...(cursor ? { cursor } : {}) } }));
  }

  readonly payments = {
    /** Starts a payment; one idempotency key per call (yours or a fresh UUID), reused by every retry. */
    create: (params: PaymentCreateParams, opts?: RequestOptions) => this.#post<Payment>("/v1/payments", params, opts),
    retrieve: (paymentId: string) => this.#get<Payment>(`/v1/payments/${id(paymentId)}`),
    /** Newest first; `for await` over the result walks every page. */
    list: (params: PaymentListParams = {}) => this.#list<Payment>("/v1/payments", params),
    cancel: (paymentId: string, opts?: RequestOptions) => this.#post<Payment>(`/v1/payments/${id(paymentId)}/cancel`, undefined, opts),
  };

  readonly checkout = {
    sessions: {
      create: (params: CheckoutSessionCreateParams, opts?: RequestOptions) => this.#post<CheckoutSessionCreated>("/v1/checkout/sessions", params, opts),
      retrieve: (sessionId: string) => this.#get<CheckoutSession>(`/v1/checkout/sessions/${id(sessionId)}`),
      expire: (sessionId: string, opts?: RequestOptions) => this.#post<CheckoutSession>(`/v1/checkout/sessions/${id(sessionId)}/expire`, undefined, opts),
    },
  };

  readonly refunds = {
    /** Full (no `amount`) or partial refund of a completed payment. */
    create: (params: RefundCreateParams, opts?: RequestOptions) => this.#post<Refund>("/v1/refunds", params, opts),
    retrieve: (refundId: string) => this.#get<Refund>(`/v1/refunds/${id(refundId)}`),
    list: (params: RefundListParams = {}) => this.#list<Refund>("/v1/refunds", params),
  };

  readonly events = {
    retrieve: (eventId: string) => this.#get<Event>(`/v1/events/${id(eventId)}`),
    list: (params: EventListParams = {}) => this.#list<Event>("/v1/events", params),
  };

  readonly settlements = {
    retrieve: (settlementId: string) => this.#get<Settlement>(`/v1/settlements/${id(settlementId)}`),
    list: (params: SettlementListParams = {}) => this.#list<Settlement>("/v1/settlements", params),
    /** The payments a settlement holds (its gross), newest first. */
    listPayments: (settlementId: string, params: ListParams = {}) => this.#list<Payment>(`/v1/settlements/${id(settlementId)}/payments`, params),
    /** The completed refunds it deducted (its `refunded_amount`), newest first. */
    listRefunds: (settlementId: string, params: ListParams = {}) => this.#list<Refund>(`/v1/settlements/${id(settlementId)}/refunds`, params),
  };

  readonly webhooks = {
    /** Verifies a delivery from its raw body and headers; resolves to the typed event or throws `WebhookVerificationError`. */
    verify: (rawBody: string | Uint8Array | ArrayBuffer, headers: HeadersLike, secret: string, opts?: VerifyOptions) =>
      verifyWebhook(rawBody, headers, secret, opts),
  };
}

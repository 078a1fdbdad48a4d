/**
 * The closed table of error codes: each with its HTTP status and type. Every error answer
 * goes through this table, so an unknown code cannot reach a client.
 */
export const ERROR_CODES = {
  validation_error: { status: 400, type: "invalid_request_error" },
  invalid_json: { status: 400, type: "invalid_request_error" },
  malformed_request: { status: 400, type: "invalid_request_error" },
  invalid_idempotency_key: { status: 400, type: "invalid_request_error" },
  url_not_allowed: { status: 400, type: "invalid_request_error" },
  webhook_unconfirmed: { status: 400, type: "invalid_request_error" },
  authentication_required: { status: 401, type: "authentication_error" },
  invalid_api_key: { status: 401, type: "authentication_error" },
  invalid_credentials: { status: 401, type: "authentication_error" },
  forbidden: { status: 403, type: "permission_error" },
  cross_site_request: { status: 403, type: "permission_error" },
  not_found: { status: 404, type: "invalid_request_error" },
  route_not_found: { status: 404, type: "invalid_request_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  request_timeout: { status: 408, type: "invalid_request_error" },
  idempotency_key_reused: { status: 409, type: "idempotency_error" },
  idempotency_key_in_use: { status: 409, type: "idempotency_error" },
  email_taken: { status: 409, type: "invalid_request_error" },
  payment_not_cancellable: { status: 409, type: "invalid_request_error" },
  checkout_payment_in_progress: { status: 409, type: "invalid_request_error" },
  body_too_large: { status: 413, type: "invalid_request_error" },
  uri_too_long: { status: 414, type: "invalid_request_error" },
  unsupported_media_type: { status: 415, type: "invalid_request_error" },
  headers_too_large: { status: 431, type: "invalid_request_error" },
  no_provider_configured: { status: 422, type: "business_error" },
  method_not_supported: { status: 422, type: "business_error" },
  invalid_otp: { status: 422, type: "business_error" },
  otp_not_expected: { status: 422, type: "business_error" },
  checkout_session_closed: { status: 422, type: "business_error" },
  client_amount_not_allowed: { status: 422, type: "business_error" },
  payment_not_refundable: { status: 422, type: "business_error" },
  refund_exceeds_payment: { status: 422, type: "business_error" },
  refund_not_supported: { status: 422, type: "business_error" },
  rate_limited: { status: 429, type: "rate_limit_error" },
  too_many_concurrent_requests: { status: 429, type: "rate_limit_error" },
  internal_error: { status: 500, type: "api_error" },
  provider_unavailable: { status: 503, type: "api_error" },
  service_unavailable: { status: 503, type: "api_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A domain error: thrown by verbs, turned into the envelope by the HTTP layer. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly param?: string;
  /** Seconds, sent as `Retry-After` (429, 409 in use, 503). */
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message: string, opts: { param?: string; retryAfter?: number } = {}) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.param = opts.param;
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  get type(): string {
    return ERROR_CODES[this.code].type;
  }
}

export const notFound = (what: string, param?: string) => new ApiError("not_found", `No such ${what}.`, { param });

export interface ErrorBody {
  success: false;
  error: { type: string; code: ErrorCode; message: string; param?: string; request_id: string };
}

export function errorBody(err: ApiError, requestId: string): ErrorBody {
  return {
    success: false,
    error: {
      type: err.type,
      code: err.code,
      message: err.message,
      ...(err.param ? { param: err.param } : {}),
      request_id: requestId,
    },
  };
}

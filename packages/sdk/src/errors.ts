/**
 * One class per `error.type` of ZeroFee's error envelope. Every error carries the server's
 * `code`, `param`, `requestId` and the HTTP `statusCode`; the message is the server's and
 * never includes the API key.
 */
export interface ErrorFields {
  type?: string;
  code?: string;
  param?: string;
  requestId?: string;
  statusCode?: number;
  retryAfterS?: number;
  /** The key a POST was sent with (yours, or the one the SDK made). */
  idempotencyKey?: string;
}

export class ZeroFeeError extends Error {
  readonly type: string | undefined;
  readonly code: string | undefined;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  readonly statusCode: number | undefined;
  /**
   * The `Idempotency-Key` a POST was sent with (yours, or the one the SDK made): retry with it
   * after an `APIConnectionError` or an `APIError` to resume that request, not make a second.
   */
  idempotencyKey: string | undefined;
  constructor(message: string, fields: ErrorFields = {}) {
    super(message);
    this.name = new.target.name;
    this.type = fields.type;
    this.code = fields.code;
    this.param = fields.param;
    this.requestId = fields.requestId;
    this.statusCode = fields.statusCode;
    this.idempotencyKey = fields.idempotencyKey;
  }
}

/** 400, 404 and 4xx validation or state errors (`invalid_request_error`). */
export class InvalidRequestError extends ZeroFeeError {}
/** 422: a business rule said no (`business_error`), e.g. `refund_exceeds_payment`. */
export class BusinessError extends InvalidRequestError {}
/** 404: the object does not exist, or is another account's or mode's. */
export class NotFoundError extends InvalidRequestError {}
/** 401: no key, or a bad one. */
export class AuthenticationError extends ZeroFeeError {}
/** 403: the key's kind, scope or mode does not allow the call. */
export class PermissionError extends ZeroFeeError {}
/** 409: the idempotency key was used with another request, or is still running. */
export class IdempotencyError extends ZeroFeeError {}
/** 429: too many requests (retried by the SDK first, honouring `Retry-After`). */
export class RateLimitError extends ZeroFeeError {}
/** 5xx, or an answer the SDK could not read. */
export class APIError extends ZeroFeeError {}
/** No answer: connection refused or reset, DNS, timeout. */
export class APIConnectionError extends ZeroFeeError {}
/** `webhooks.verify` refused the delivery (signature, timestamp or body). */
export class WebhookVerificationError extends ZeroFeeError {}

/** The class for an error envelope. */
export function errorFromResponse(status: number, body: unknown, requestId: string | undefined): ZeroFeeError {
  const e = (body as { error?: { type?: string; code?: string; message?: string; param?: string; request_id?: string } } | null)?.error;
  const fields: ErrorFields = { type: e?.type, code: e?.code, param: e?.param, requestId: e?.request_id ?? requestId, statusCode: status };
  const message = e?.message ?? `ZeroFee answered HTTP ${status}`;
  if (status === 404 || e?.code === "not_found") return new NotFoundError(message, fields);
  switch (e?.type) {
    case "invalid_request_error":
      return new InvalidRequestError(message, fields);
    case "business_error":
      return new BusinessError(message, fields);
    case "authentication_error":
      return new AuthenticationError(message, fields);
    case "permission_error":
      return new PermissionError(message, fields);
    case "idempotency_error":
      return new IdempotencyError(message, fields);
    case "rate_limit_error":
      return new RateLimitError(message, fields);
    default:
      if (status === 401) return new AuthenticationError(message, fields);
      if (status === 403) return new PermissionError(message, fields);
      if (status === 429) return new RateLimitError(message, fields);
      if (status >= 400 && status < 500) return new InvalidRequestError(message, fields);
      return new APIError(message, fields);
  }
}

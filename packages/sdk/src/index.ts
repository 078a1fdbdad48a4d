export { ZeroFee } from "./client.js";
export {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BusinessError,
  IdempotencyError,
  InvalidRequestError,
  NotFoundError,
  PermissionError,
  RateLimitError,
  WebhookVerificationError,
  ZeroFeeError,
} from "./errors.js";
export type { components, paths } from "./generated/openapi.js";
export type { ClientOptions, RequestOptions } from "./http.js";
export { Page, PagePromise } from "./pagination.js";
export type * from "./types.js";
export { VERSION } from "./version.js";
export { type HeadersLike, type VerifyOptions, verifyWebhook } from "./webhooks.js";

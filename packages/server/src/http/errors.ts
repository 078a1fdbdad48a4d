import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ApiError, errorBody } from "../lib/errors.js";

interface ValidationItem {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { keys?: string[] };
}

function validationParam(item: ValidationItem | undefined, context: string | undefined): string | undefined {
  if (!item) return undefined;
  const path = (item.instancePath ?? "").split("/").filter(Boolean);
  // An unknown member is named; one whose name is empty as `""` (still a param the caller can find).
  const unknown = item.keyword === "unrecognized_keys" ? item.params?.keys : undefined;
  if (unknown?.length) path.push(unknown.find((k) => k !== "") ?? '""');
  if (path.length > 0) return path.join(".");
  return context === "body" ? undefined : context;
}

/**
 * The database is away or refusing us for now, whatever the request: a 503 to retry, not a
 * 500. Connection failures, shutdowns and restarts, a database not taking connections
 * (`ALTER DATABASE … allow_connections false`: 55000), dropped (57P04) or not there (3D000),
 * credentials rotated under a running process (28P01, 28000), out of connections, memory or
 * disk (53xxx), the host unresolvable.
 */
const DB_DOWN = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "57P01",
  "57P02",
  "57P03",
  "57P04",
  "08000",
  "08001",
  "08003",
  "08004",
  "08006",
  "53000",
  "53100",
  "53200",
  "53300",
  "55000",
  "28000",
  "28P01",
  "3D000",
]);

function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e.code && DB_DOWN.has(e.code)) return true;
  if (
    typeof e.message === "string" &&
    /Connection terminated|connection is closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(e.message)
  )
    return true;
  return e.cause ? isDatabaseDown(e.cause) : false;
}

/** Turns anything thrown into an `ApiError`: the one place errors are translated. */
export function toApiError(err: FastifyError | Error): ApiError {
  if (err instanceof ApiError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0] as ValidationItem | undefined;
    const param = validationParam(first, err.validationContext);
    const where = param ? `${param}: ` : "";
    return new ApiError("validation_error", `${where}${first?.message ?? "invalid request"}`, param ? { param } : {});
  }
  const code = (err as FastifyError).code;
  switch (code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new ApiError("body_too_large", "The request body is too large.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new ApiError("unsupported_media_type", "Send JSON with Content-Type: application/json.");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new ApiError("invalid_json", "The body is not valid JSON.");
    case "FST_ERR_MAX_PARAM_LENGTH":
      return new ApiError("uri_too_long", "A path parameter is too long.");
    case "FST_ERR_BAD_URL":
      return new ApiError("validation_error", "The URL is not valid.");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return new ApiError("validation_error", "Content-Length does not match the body.");
  }
  if (err instanceof SyntaxError || (err as { name?: string }).name === "SyntaxError") return new ApiError("invalid_json", "The body is not valid JSON.");
  if (isDatabaseDown(err)) return new ApiError("service_unavailable", "ZeroFee is briefly unavailable; retry shortly.", { retryAfter: 1 });
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    if (status === 404) return new ApiError("route_not_found", "No such route.");
    if (status === 405) return new ApiError("method_not_allowed", "Method not allowed.");
    if (status === 413) return new ApiError("body_too_large", "The request body is too large.");
    if (status === 415) return new ApiError("unsupported_media_type", "Unsupported content type.");
    return new ApiError("validation_error", "The request could not be read.");
  }
  return new ApiError("internal_error", "Something went wrong on our side; it has been logged.");
}

export function sendError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const apiError = toApiError(err);
  if (apiError.status >= 500 && apiError.code === "internal_error") {
    // The stack goes to the log (never the body); request bodies are never logged.
    request.log.error({ err, route: request.routeOptions.url }, "unhandled error");
  } else if (apiError.code === "service_unavailable") {
    request.log.warn({ code: (err as { code?: string }).code }, "database unavailable");
  }
  if (apiError.retryAfter) reply.header("retry-after", String(apiError.retryAfter));
  return reply.code(apiError.status).type("application/json; charset=utf-8").send(errorBody(apiError, request.id));
}

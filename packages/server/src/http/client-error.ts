import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyBaseLogger } from "fastify";
import { ApiError, errorBody } from "../lib/errors.js";
import { newId } from "../lib/ids.js";

function clientError(code: string | undefined): ApiError {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return new ApiError("request_timeout", "The request took too long to arrive.");
  if (code === "HPE_HEADER_OVERFLOW") return new ApiError("headers_too_large", "The request headers are too large.");
  return new ApiError("malformed_request", "The request is not valid HTTP.");
}

/**
 * Requests Node cannot parse (a NUL in a header, a non-numeric Content-Length, a header block
 * over the limit) never reach Fastify's routing: Node raises `clientError` on the socket. They
 * get the same envelope and `X-Request-Id` as every other error (SPEC §16), not Node's own body.
 */
export function clientErrorHandler(log: () => FastifyBaseLogger) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    // A reset connection has nobody left to answer.
    if (err.code === "ECONNRESET" || socket.destroyed) return;
    const requestId = newId("request");
    const apiError = clientError(err.code);
    log().debug({ code: err.code, request_id: requestId }, "malformed request refused");
    if (socket.writable) {
      const body = JSON.stringify(errorBody(apiError, requestId));
      socket.write(
        `HTTP/1.1 ${apiError.status} ${STATUS_CODES[apiError.status]}\r\n` +
          "Connection: close\r\n" +
          "Content-Type: application/json; charset=utf-8\r\n" +
          `Content-Length: ${Buffer.byteLength(body)}\r\n` +
          `X-Request-Id: ${requestId}\r\n` +
          "X-Content-Type-Options: nosniff\r\n" +
          "Cache-Control: no-store\r\n\r\n" +
          body,
      );
    }
    socket.destroy(err);
  };
}

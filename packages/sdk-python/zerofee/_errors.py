"""One exception class per ``error.type`` of ZeroFee's error envelope."""
from typing import Any, Optional


class ZeroFeeError(Exception):
    """Base class: carries the server's ``code``, ``param``, ``request_id`` and the HTTP ``status_code``.

    ``idempotency_key`` is the key a POST was sent with (yours, or the one the SDK made): retry
    with it after an ``APIConnectionError`` or an ``APIError`` to resume the same request. The
    message is the server's; it never holds the API key.
    """

    def __init__(
        self,
        message: str,
        *,
        type: Optional[str] = None,
        code: Optional[str] = None,
        param: Optional[str] = None,
        request_id: Optional[str] = None,
        status_code: Optional[int] = None,
        idempotency_key: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.status_code = status_code
        self.idempotency_key = idempotency_key

    def __repr__(self) -> str:
        return "%s(message=%r, code=%r, param=%r, status_code=%r, request_id=%r, idempotency_key=%r)" % (
            type(self).__name__,
            self.message,
            self.code,
            self.param,
            self.status_code,
            self.request_id,
            self.idempotency_key,
        )


class InvalidRequestError(ZeroFeeError):
    """400/404/4xx: the request is wrong (``invalid_request_error``)."""


class BusinessError(InvalidRequestError):
    """422: a business rule said no (``business_error``), e.g. ``refund_exceeds_payment``."""


class NotFoundError(InvalidRequestError):
    """404: no such object, or another account's or mode's."""


class AuthenticationError(ZeroFeeError):
    """401: no key, or a bad one."""


class PermissionError(ZeroFeeError):  # noqa: A001 - the SDK's documented name (SPEC §12)
    """403: the key's kind, scope or mode does not allow the call."""


class IdempotencyError(ZeroFeeError):
    """409: the idempotency key was used with another request, or is still running."""


class RateLimitError(ZeroFeeError):
    """429: too many requests (retried first, honouring ``Retry-After``)."""


class APIError(ZeroFeeError):
    """5xx, or an answer the SDK could not read."""


class APIConnectionError(ZeroFeeError):
    """No answer: connection refused or reset, DNS, timeout."""


class WebhookVerificationError(ZeroFeeError):
    """``webhooks.verify`` refused the delivery (signature, timestamp or body)."""


_BY_TYPE = {
    "invalid_request_error": InvalidRequestError,
    "business_error": BusinessError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionError,
    "idempotency_error": IdempotencyError,
    "rate_limit_error": RateLimitError,
    "api_error": APIError,
}


def error_from_response(status: int, body: Any, request_id: Optional[str]) -> ZeroFeeError:
    err = body.get("error") if isinstance(body, dict) and isinstance(body.get("error"), dict) else {}
    fields = dict(
        type=err.get("type"),
        code=err.get("code"),
        param=err.get("param"),
        request_id=err.get("request_id") or request_id,
        status_code=status,
    )
    message = err.get("message") or "ZeroFee answered HTTP %d" % status
    if status == 404 or err.get("code") == "not_found":
        return NotFoundError(message, **fields)
    cls = _BY_TYPE.get(err.get("type") or "")
    if cls is None:
        if status == 401:
            cls = AuthenticationError
        elif status == 403:
            cls = PermissionError
        elif status == 429:
            cls = RateLimitError
        elif 400 <= status < 500:
            cls = InvalidRequestError
        else:
            cls = APIError
    return cls(message, **fields)

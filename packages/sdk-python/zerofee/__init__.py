"""ZeroFee's Python SDK: payments, checkout sessions, refunds, events, settlements, webhook verification.

Standard library only, Python 3.9+.
"""
from . import types
from ._client import Page, ZeroFee
from ._errors import (
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
)
from ._version import __version__
from ._webhooks import verify as verify_webhook

__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "BusinessError",
    "IdempotencyError",
    "InvalidRequestError",
    "NotFoundError",
    "Page",
    "PermissionError",
    "RateLimitError",
    "WebhookVerificationError",
    "ZeroFee",
    "ZeroFeeError",
    "__version__",
    "types",
    "verify_webhook",
]

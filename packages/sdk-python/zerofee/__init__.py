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

# `PermissionError` (a 403) is importable by name but not in `__all__`: `from zerofee import *`
# would otherwise hide Python's own PermissionError from the importing module.
__all__ = [
    "APIConnectionError",
    "APIError",
    "AuthenticationError",
    "BusinessError",
    "IdempotencyError",
    "InvalidRequestError",
    "NotFoundError",
    "Page",
    "RateLimitError",
    "WebhookVerificationError",
    "ZeroFee",
    "ZeroFeeError",
    "__version__",
    "types",
    "verify_webhook",
]

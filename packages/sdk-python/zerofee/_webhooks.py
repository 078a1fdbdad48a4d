"""Verification of ZeroFee's webhook deliveries, from the raw body, in both signature schemes."""
import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any, Dict, Mapping, Optional, Union

from ._errors import WebhookVerificationError

TOLERANCE_S = 300


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    getter = getattr(headers, "get", None)
    for key in (name, name.title(), name.upper()):
        value = getter(key) if getter else None
        if value is not None:
            return ",".join(value) if isinstance(value, (list, tuple)) else str(value)
    for key, value in headers.items():
        if key.lower() == name:
            return ",".join(value) if isinstance(value, (list, tuple)) else str(value)
    return None


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison of a header's signature with ours. As bytes: ``compare_digest``
    raises ``TypeError`` on a ``str`` with non-ASCII characters, and a forged header may hold any."""
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii"))


def _check_timestamp(t: Optional[str], tolerance_s: int, now: Optional[float]) -> None:
    # ASCII digits only: str.isdigit() also accepts "²" or "٣", which int() or .encode("ascii") refuse.
    if not t or not t.isascii() or not t.isdigit():
        raise WebhookVerificationError("The delivery has no valid timestamp.")
    current = time.time() if now is None else now
    if abs(current - int(t)) > tolerance_s:
        raise WebhookVerificationError("The delivery's timestamp is outside the tolerance (a replay?).")


def _verify_zerofee(body: bytes, value: str, secret: str, tolerance_s: int, now: Optional[float]) -> None:
    """``X-ZeroFee-Signature: t=<unix>,v1=<hex>[,v1=…]``: HMAC-SHA256 of ``"<t>.<raw body>"`` keyed by the whole ``whsec_…`` string."""
    t = None
    signatures = []
    for part in value.split(","):
        k, _, v = part.strip().partition("=")
        if k == "t":
            t = v
        elif k == "v1" and v:
            signatures.append(v.lower())
    _check_timestamp(t, tolerance_s, now)
    expected = hmac.new(secret.encode("utf-8"), ("%s." % t).encode("ascii") + body, hashlib.sha256).hexdigest()
    # Every v1 is compared (no early exit): the time taken does not say which one matched.
    ok = False
    for s in signatures:
        ok = _same(s, expected) or ok
    if not ok:
        raise WebhookVerificationError("No X-ZeroFee-Signature v1 matches the body.")


def _verify_standard(
    body: bytes, msg_id: Optional[str], ts: Optional[str], value: str, secret: str, tolerance_s: int, now: Optional[float]
) -> None:
    """Standard Webhooks: ``webhook-signature: v1,<base64>[ v1,…]`` over ``"<id>.<ts>.<body>"``, keyed by the bytes after ``whsec_``."""
    if not msg_id:
        raise WebhookVerificationError("The delivery has no webhook-id.")
    _check_timestamp(ts, tolerance_s, now)
    try:
        key = base64.b64decode(secret[len("whsec_"):] if secret.startswith("whsec_") else secret, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError("The secret is not a whsec_ secret.") from None
    expected = base64.b64encode(hmac.new(key, ("%s.%s." % (msg_id, ts)).encode("utf-8") + body, hashlib.sha256).digest()).decode()
    ok = False
    for entry in value.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and signature:
            ok = _same(signature, expected) or ok
    if not ok:
        raise WebhookVerificationError("No webhook-signature v1 matches the body.")


def verify(
    raw_body: Union[bytes, str],
    headers: Mapping[str, Any],
    secret: str,
    *,
    tolerance_s: int = TOLERANCE_S,
    now: Optional[float] = None,
) -> Dict[str, Any]:
    """Verifies a delivery from the raw body (the exact bytes received) and returns the event.

    Checks ``X-ZeroFee-Signature`` when present, else the Standard Webhooks headers; raises
    ``WebhookVerificationError`` otherwise. Example::

        event = zf.webhooks.verify(request_body, request_headers, os.environ["ZEROFEE_WEBHOOK_SECRET"])
        if event["type"] == "payment.completed":
            fulfil(event["data"]["reference"])
    """
    if not secret:
        raise WebhookVerificationError("No webhook secret given.")
    body = raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)
    zerofee = _header(headers, "x-zerofee-signature")
    standard = _header(headers, "webhook-signature")
    if zerofee:
        _verify_zerofee(body, zerofee, secret, tolerance_s, now)
    elif standard:
        _verify_standard(body, _header(headers, "webhook-id"), _header(headers, "webhook-timestamp"), standard, secret, tolerance_s, now)
    else:
        raise WebhookVerificationError("The delivery carries no signature header.")
    try:
        event = json.loads(body.decode("utf-8"))
    except ValueError:
        raise WebhookVerificationError("The body is not JSON.") from None
    if not isinstance(event, dict):
        raise WebhookVerificationError("The body is not an event.")
    return event

"""The transport: JSON over urllib, the key in ``Authorization``, retries with one idempotency key."""
import datetime
import email.utils
import http.client
import json
import random
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Mapping, Optional

from ._errors import APIConnectionError, APIError, AuthenticationError, InvalidRequestError, ZeroFeeError, error_from_response
from ._version import __version__

USER_AGENT = "zerofee-python/%s" % __version__


def retry_after_s(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """``Retry-After`` as seconds (a number or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, at - (time.time() if now is None else now))


def backoff_s(attempt: int, retry_after: Optional[float]) -> float:
    """Exponential backoff with jitter (between half and all of 0.5 s × 2^n, at most 8 s); a longer ``Retry-After`` wins (at most 60 s)."""
    base = min(8.0, 0.5 * 2**attempt)
    jittered = base / 2 + random.random() * base / 2
    return jittered if retry_after is None else min(60.0, max(retry_after, jittered))


def _first_invisible(value: str) -> Optional[str]:
    """The first character ZeroFee cannot read in a header (visible ASCII only), described, or None."""
    for i, c in enumerate(value):
        if not ("\x21" <= c <= "\x7e"):
            code = "U+%04X" % ord(c)
            shown = "a space" if c == " " else ('"%s" (%s)' % (c, code) if c.isprintable() else code)
            return "%s at position %d" % (shown, i + 1)
    return None


def check_api_key(key: str) -> str:
    """The API key as it will be sent: surrounding whitespace dropped (a key read from a file),
    otherwise visible ASCII only — else ``AuthenticationError`` now, since no request could carry
    it (a placeholder's "…" pasted from a README, say). Never quotes the key."""
    trimmed = key.strip() if isinstance(key, str) else ""
    if not trimmed:
        raise AuthenticationError("zerofee: an API key is required (sk_test_…, sk_live_… or pk_…).", code="invalid_api_key")
    bad = _first_invisible(trimmed)
    if bad:
        raise AuthenticationError(
            "zerofee: the API key has %s, which an HTTP header cannot carry: it is not a ZeroFee key (those are "
            'letters, digits and "_"). Copy the whole key from the dashboard rather than a placeholder such as '
            '"sk_test_…". Nothing was sent.' % bad,
            code="invalid_api_key",
        )
    return trimmed


def check_idempotency_key(key: str) -> str:
    """An Idempotency-Key as ZeroFee takes it (1 to 255 visible ASCII characters: no spaces, accents
    or line breaks), surrounding whitespace dropped — else ``InvalidRequestError`` now, before
    anything is sent."""
    trimmed = key.strip() if isinstance(key, str) else ""
    bad = _first_invisible(trimmed) if trimmed else None
    if not trimmed or len(trimmed) > 255 or bad:
        why = "it is empty" if not trimmed else ("it has " + bad if bad else "it has %d characters" % len(trimmed))
        raise InvalidRequestError(
            "zerofee: idempotency_key must be 1 to 255 visible ASCII characters (letters, digits, punctuation; "
            'no spaces, accents or line breaks), and %s. Derive it from your order\'s id, e.g. "order-1001". '
            "Nothing was sent." % why,
            code="invalid_idempotency_key",
            param="idempotency_key",
        )
    return trimmed


def _retryable(status: int, code: Optional[str]) -> bool:
    return status == 429 or status >= 500 or (status == 409 and code == "idempotency_key_in_use")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the error it is: following one would send the secret key to
    another host and, after a 301/302, turn a POST into a GET that "succeeds" with a list."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def check_base_url(raw: str) -> str:
    """The base URL as requests will use it: an http(s) address with a host and no query — else
    ``ValueError`` now ("127.0.0.1:8000" without its scheme used to read as a network failure)."""
    base = str(raw).strip().rstrip("/")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            "zerofee: base_url must be an http(s) address such as https://pay.example.com or "
            'http://127.0.0.1:8000 (got "%s").' % base
        )
    return base


class HttpClient:
    def __init__(self, key: str, base_url: str, timeout: float, max_retries: int) -> None:
        self.__key = check_api_key(key)  # name-mangled and never in a repr
        self.base_url = check_base_url(base_url)
        self.timeout = timeout
        self.max_retries = max_retries

    def __repr__(self) -> str:
        return "HttpClient(base_url=%r)" % self.base_url

    def request(
        self,
        method: str,
        path: str,
        body: Optional[Mapping[str, Any]] = None,
        query: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
    ) -> Dict[str, Any]:
        url = self.base_url + path
        params = {k: _query_value(v) for k, v in (query or {}).items() if v is not None}
        if params:
            url += "?" + urllib.parse.urlencode(params)
        # The key is added to each request object only (an unredirected header, never in a local
        # of this frame): an error reporter capturing locals does not find it.
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        key = None
        if method == "POST":
            # Checked here: a header http.client cannot send raises UnicodeEncodeError or
            # ValueError from deep inside urllib, after nothing left the process.
            key = check_idempotency_key(idempotency_key) if idempotency_key is not None else str(uuid.uuid4())
            headers["Idempotency-Key"] = key
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        attempt = 0
        while True:
            req = urllib.request.Request(url, data=data, headers=headers, method=method)
            req.add_unredirected_header("Authorization", "Bearer " + self.__key)
            try:
                try:
                    with _OPENER.open(req, timeout=self.timeout) as res:
                        status, text, res_headers = res.status, res.read(), res.headers
                except urllib.error.HTTPError as e:
                    # An error's body is read here too: cut off or reset while it is read (an
                    # IncompleteRead, a reset, a timeout), it is a lost answer like any other.
                    with e:
                        status, text, res_headers = e.code, e.read(), e.headers
            except (urllib.error.URLError, http.client.HTTPException, socket.timeout, OSError) as e:
                if attempt < self.max_retries:
                    time.sleep(backoff_s(attempt, None))
                    attempt += 1
                    continue
                where = "ZeroFee at %s (%s %s): %s" % (self.base_url, method, path, getattr(e, "reason", e))
                if key is None:
                    raise APIConnectionError("Could not reach " + where) from None
                # A connection lost after sending may have lost only the answer: the request may
                # have been carried out, and only its key resumes it rather than repeating it.
                raise APIConnectionError(
                    "No answer from %s. The request may have been carried out: "
                    "retry with idempotency_key=%r to resume it rather than make a second one." % (where, key),
                    idempotency_key=key,
                ) from None
            try:
                parsed = json.loads(text.decode("utf-8")) if text else None
            except ValueError:
                parsed = None
            if 200 <= status < 300 and isinstance(parsed, dict) and "data" in parsed:
                return parsed
            if 300 <= status < 400:
                raise APIError(
                    "ZeroFee answered a redirect (HTTP %d to %s), which the SDK does not follow: the secret key "
                    "is sent to base_url only. Check base_url (https, host, path)." % (status, res_headers.get("location")),
                    status_code=status,
                    request_id=res_headers.get("x-request-id"),
                    idempotency_key=key,
                )
            error: ZeroFeeError = error_from_response(status, parsed, res_headers.get("x-request-id"))
            error.idempotency_key = key
            if attempt < self.max_retries and _retryable(status, error.code):
                time.sleep(backoff_s(attempt, retry_after_s(res_headers.get("retry-after"))))
                attempt += 1
                continue
            raise error


def _query_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime) and v.tzinfo is None:
        # A naive datetime is read as UTC (what ``datetime.utcnow()`` gives): ZeroFee's times
        # carry their offset, and one without it is refused.
        v = v.replace(tzinfo=datetime.timezone.utc)
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()  # str() of a datetime has a space where ISO 8601 has "T"
    return str(v)

"""The ``ZeroFee`` client and its resources (SPEC §12: the same names as the TypeScript SDK, in snake_case)."""
from typing import Any, Callable, Dict, Generic, Iterator, List, Mapping, Optional, TypeVar, cast
from urllib.parse import quote

from . import _webhooks
from ._errors import InvalidRequestError
from ._generated import CheckoutSession, CheckoutSessionCreated, Event, Payment, Refund
from ._http import HttpClient

T = TypeVar("T")

try:
    from ._generated import Settlement  # type: ignore[attr-defined]
except ImportError:  # the server's document has no settlements yet: SPEC §10's object, as a plain dict
    Settlement = Dict[str, Any]  # type: ignore[misc]


def _id(value: str) -> str:
    """An object's id as one path segment. "." and ".." are path steps to a URL (and to any proxy
    that normalises one), not segments: ``settlements.list_payments("..")`` would ask
    ``/v1/payments``. They, and an empty id, are refused before anything is sent."""
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise InvalidRequestError(
            "zerofee: %r is not an object's id (such as \"txn_…\"). Nothing was sent." % (value,), code="invalid_id", param="id"
        )
    return quote(value, safe="")


class Page(Generic[T]):
    """One page of a list. Iterating it yields every object of every page, following ``next_cursor``."""

    def __init__(self, envelope: Mapping[str, Any], fetch: Callable[[Optional[str]], Mapping[str, Any]]) -> None:
        self.data: List[T] = list(envelope.get("data") or [])
        self.has_more: bool = bool(envelope.get("has_more"))
        self.next_cursor: Optional[str] = envelope.get("next_cursor")
        self._fetch = fetch

    def next_page(self) -> "Optional[Page[T]]":
        if not self.has_more or not self.next_cursor:
            return None
        return Page(self._fetch(self.next_cursor), self._fetch)

    def auto_paging_iter(self) -> Iterator[T]:
        page: Optional[Page[T]] = self
        while page is not None:
            for item in page.data:
                yield item
            page = page.next_page()

    def __iter__(self) -> Iterator[T]:
        return self.auto_paging_iter()

    def __repr__(self) -> str:
        return "Page(%d objects, has_more=%r)" % (len(self.data), self.has_more)


class _Resource:
    def __init__(self, http: HttpClient) -> None:
        self._http = http

    def _get(self, path: str) -> Any:
        return self._http.request("GET", path)["data"]

    def _post(self, path: str, body: Optional[Mapping[str, Any]], idempotency_key: Optional[str]) -> Any:
        return self._http.request("POST", path, body=body, idempotency_key=idempotency_key)["data"]

    def _list(self, path: str, filters: Mapping[str, Any]) -> Page[Any]:
        def fetch(cursor: Optional[str]) -> Mapping[str, Any]:
            query = dict(filters)
            if cursor:
                query["cursor"] = cursor
            return self._http.request("GET", path, query=query)

        return Page(fetch(None), fetch)


class Payments(_Resource):
    def create(self, params: Mapping[str, Any], idempotency_key: Optional[str] = None) -> Payment:
        """Starts a payment; one idempotency key per call (yours or a fresh UUID), reused by every retry."""
        return cast(Payment, self._post("/v1/payments", params, idempotency_key))

    def retrieve(self, payment_id: str) -> Payment:
        return cast(Payment, self._get("/v1/payments/" + _id(payment_id)))

    def list(self, **filters: Any) -> "Page[Payment]":
        """Newest first; iterating the page walks every page (``limit``, ``cursor``, ``status``, ``reference``…)."""
        return self._list("/v1/payments", filters)

    def cancel(self, payment_id: str, idempotency_key: Optional[str] = None) -> Payment:
        return cast(Payment, self._post("/v1/payments/%s/cancel" % _id(payment_id), None, idempotency_key))


class CheckoutSessions(_Resource):
    def create(self, params: Mapping[str, Any], idempotency_key: Optional[str] = None) -> CheckoutSessionCreated:
        """The session with, this once, its ``client_secret`` for the browser."""
        return cast(CheckoutSessionCreated, self._post("/v1/checkout/sessions", params, idempotency_key))

    def retrieve(self, session_id: str) -> CheckoutSession:
        return cast(CheckoutSession, self._get("/v1/checkout/sessions/" + _id(session_id)))

    def expire(self, session_id: str, idempotency_key: Optional[str] = None) -> CheckoutSession:
        return cast(CheckoutSession, self._post("/v1/checkout/sessions/%s/expire" % _id(session_id), None, idempotency_key))


class Checkout:
    def __init__(self, http: HttpClient) -> None:
        self.sessions = CheckoutSessions(http)


class Refunds(_Resource):
    def create(self, params: Mapping[str, Any], idempotency_key: Optional[str] = None) -> Refund:
        """Full (no ``amount``) or partial refund of a completed payment."""
        return cast(Refund, self._post("/v1/refunds", params, idempotency_key))

    def retrieve(self, refund_id: str) -> Refund:
        return cast(Refund, self._get("/v1/refunds/" + _id(refund_id)))

    def list(self, **filters: Any) -> "Page[Refund]":
        return self._list("/v1/refunds", filters)


class Events(_Resource):
    def retrieve(self, event_id: str) -> Event:
        return cast(Event, self._get("/v1/events/" + _id(event_id)))

    def list(self, **filters: Any) -> "Page[Event]":
        return self._list("/v1/events", filters)


class Settlements(_Resource):
    def retrieve(self, settlement_id: str) -> Settlement:
        return cast(Settlement, self._get("/v1/settlements/" + _id(settlement_id)))

    def list(self, **filters: Any) -> "Page[Settlement]":
        return self._list("/v1/settlements", filters)

    def list_payments(self, settlement_id: str, **params: Any) -> "Page[Payment]":
        """The payments a settlement holds (its gross), newest first."""
        return self._list("/v1/settlements/" + _id(settlement_id) + "/payments", params)

    def list_refunds(self, settlement_id: str, **params: Any) -> "Page[Refund]":
        """The completed refunds it deducted (its ``refunded_amount``), newest first."""
        return self._list("/v1/settlements/" + _id(settlement_id) + "/refunds", params)


class Webhooks:
    @staticmethod
    def verify(raw_body: Any, headers: Mapping[str, Any], secret: str, **options: Any) -> Dict[str, Any]:
        """Verifies a delivery; returns the event or raises ``WebhookVerificationError``."""
        return _webhooks.verify(raw_body, headers, secret, **options)


class ZeroFee:
    """ZeroFee's API with a secret key (server side).

    Example::

        zf = ZeroFee(os.environ["ZEROFEE_SECRET_KEY"], base_url="http://127.0.0.1:8000")
        payment = zf.payments.create({"amount": 1500, "payment_method": "PAYIN_ORANGE_CI", "customer": {"phone": "+2250700000000"}})
    """

    def __init__(self, secret_key: str, base_url: str = "http://127.0.0.1:8000", timeout: float = 30.0, max_retries: int = 2) -> None:
        # An empty or missing key (an unset environment variable) is refused by HttpClient
        # like any other unusable one: AuthenticationError, before anything is sent.
        self._http = HttpClient(secret_key, base_url, timeout, max_retries)
        self.payments = Payments(self._http)
        self.checkout = Checkout(self._http)
        self.refunds = Refunds(self._http)
        self.events = Events(self._http)
        self.settlements = Settlements(self._http)
        self.webhooks = Webhooks()

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def __repr__(self) -> str:
        return "ZeroFee(base_url=%r)" % self._http.base_url

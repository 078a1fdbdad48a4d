"""The Python SDK against a running ZeroFee (started by packages/sdk/test/python.test.ts).

Environment, all set by that test and named apart from the variables a developer exports for
their own app (the suite creates payments and replaces the app's webhook endpoint):
ZEROFEE_SDK_TEST_API_URL (the server), ZEROFEE_SDK_TEST_PROXY_URL (a loopback proxy in front
of it that can lose an answer), ZEROFEE_SDK_TEST_SECRET_KEY, ZEROFEE_SDK_TEST_LIST_SECRET_KEY
(an app with no payments yet), ZEROFEE_SDK_TEST_LIMITED_SECRET_KEY (a key for the 429 test),
ZEROFEE_SDK_TEST_APP_ID. Without them only the offline tests run.
"""
import concurrent.futures
import json
import os
import threading
import time
import unittest
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import zerofee
from zerofee import (
    AuthenticationError,
    InvalidRequestError,
    NotFoundError,
    WebhookVerificationError,
    ZeroFee,
)

ENV = {k[len("ZEROFEE_SDK_TEST_"):]: v for k, v in os.environ.items() if k.startswith("ZEROFEE_SDK_TEST_")}
ONLINE = ("API_URL", "PROXY_URL", "SECRET_KEY", "LIST_SECRET_KEY", "LIMITED_SECRET_KEY", "APP_ID")
API = ENV.get("API_URL", "")
PROXY = ENV.get("PROXY_URL", "")
SK = ENV.get("SECRET_KEY", "")


def payment(reference, **extra):
    body = {"amount": 1500, "payment_method": "PAYIN_ORANGE_CI", "customer": {"phone": "+225 07 00 00 00 00"}, "reference": reference}
    body.update(extra)
    return body


def eventually(check, timeout=15.0):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def raw(method, path, key, body=None, base=None):
    req = urllib.request.Request((base or API) + path, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Authorization", "Bearer " + key)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def proxy_log(arm=None):
    path = "/__proxy/seen"
    method = "GET"
    if arm:
        path = "/__proxy/lose-next?method=%s&path=%s" % arm
        method = "POST"
    with urllib.request.urlopen(urllib.request.Request(PROXY + path, method=method, data=b"" if arm else None)) as res:
        return json.loads(res.read())


@unittest.skipUnless(all(ENV.get(k) for k in ONLINE), "needs a running ZeroFee (run through npm test)")
class SdkAgainstServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zf = ZeroFee(SK, base_url=PROXY or API)

    def completed(self, payment_id):
        return eventually(lambda: (lambda p: p if p["status"] == "completed" else None)(self.zf.payments.retrieve(payment_id)))

    def test_first_payment_completes(self):
        p = self.zf.payments.create(payment("py-first"))
        self.assertEqual((p["object"], p["amount"], p["currency"]), ("payment", 1500, "XOF"))
        self.assertTrue(self.completed(p["id"])["completed_at"])

    def test_user_agent_is_zerofee_python(self):
        self.zf.payments.list(limit=1)
        self.assertEqual(proxy_log()[-1]["userAgent"], "zerofee-python/" + zerofee.__version__)

    def test_list_45_payments_20_at_a_time(self):
        zf2 = ZeroFee(ENV["LIST_SECRET_KEY"], base_url=API)
        with concurrent.futures.ThreadPoolExecutor(5) as pool:
            created = list(pool.map(lambda i: zf2.payments.create(payment("py-list-%d" % i))["id"], range(45)))
        first = zf2.payments.list(limit=20)
        self.assertEqual(len(first.data), 20)
        self.assertTrue(first.has_more)
        seen = [p for p in zf2.payments.list(limit=20)]
        self.assertEqual(len(seen), 45)
        self.assertEqual({p["id"] for p in seen}, set(created))
        times = [p["created_at"] for p in seen]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_checkout_session(self):
        s = self.zf.checkout.sessions.create({"amount": 2500, "currency": "XOF", "reference": "py-order", "success_url": "https://shop.example/ok"})
        self.assertIn("/checkout/" + s["id"], s["url"])
        self.assertTrue(s["client_secret"])
        self.assertEqual(self.zf.checkout.sessions.retrieve(s["id"])["status"], "open")
        self.assertEqual(self.zf.checkout.sessions.expire(s["id"])["status"], "expired")

    def test_typed_errors(self):
        bad = ZeroFee("sk_test_not_a_real_key_123456", base_url=API, max_retries=0)
        with self.assertRaises(AuthenticationError) as e1:
            bad.payments.retrieve("txn_nope")
        self.assertEqual((e1.exception.status_code, e1.exception.code), (401, "invalid_api_key"))
        self.assertTrue(e1.exception.request_id)
        self.assertNotIn("not_a_real_key", str(e1.exception) + repr(e1.exception) + repr(bad))
        with self.assertRaises(NotFoundError) as e2:
            self.zf.payments.retrieve("txn_01NOSUCHPAYMENT")
        self.assertEqual((e2.exception.status_code, e2.exception.code), (404, "not_found"))
        with self.assertRaises(InvalidRequestError) as e3:
            self.zf.payments.create(payment("py-invalid", amount=0))
        self.assertEqual((e3.exception.status_code, e3.exception.code, e3.exception.param), (400, "validation_error", "amount"))
        self.assertNotIn(SK, repr(self.zf) + repr(e3.exception))

    def test_lost_answer_is_retried_into_one_payment(self):
        before = len(proxy_log(arm=("POST", "/v1/payments")))
        p = self.zf.payments.create(payment("py-lost-answer"))
        creates = [s for s in proxy_log()[before:] if s["path"] == "/v1/payments"]
        self.assertEqual([(s["status"], s["dropped"]) for s in creates], [(201, True), (201, False)])
        self.assertTrue(creates[0]["idempotencyKey"])
        self.assertEqual(creates[1]["idempotencyKey"], creates[0]["idempotencyKey"])
        status, listed = raw("GET", "/v1/payments?reference=py-lost-answer", SK)
        self.assertEqual([x["id"] for x in listed["data"]], [p["id"]])

    def test_own_idempotency_key(self):
        key = "py-order-%f" % time.time()
        a = self.zf.payments.create(payment("py-own-key"), idempotency_key=key)
        b = self.zf.payments.create(payment("py-own-key"), idempotency_key=key)
        self.assertEqual(a["id"], b["id"])

    def test_429_with_retry_after_is_waited_out(self):
        key = ENV["LIMITED_SECRET_KEY"]
        # One retry only: backoff alone (<= 0.5 s) would retry inside the same one-second window; only honouring Retry-After (1 s) gets through.
        limited = ZeroFee(key, base_url=PROXY, max_retries=1)
        # Spend this key's one-second window straight at the server, then call through the proxy.
        # Under load the window may roll over before the SDK's call lands (its first answer is a
        # 200): that round proves nothing and is played again.
        for _ in range(5):
            with concurrent.futures.ThreadPoolExecutor(10) as pool:
                while not any(status == 429 for status, _ in pool.map(lambda _: raw("GET", "/v1/payments?limit=1", key), range(10))):
                    pass
            before = len(proxy_log())
            page = limited.payments.list(limit=1)
            self.assertIsInstance(page.data, list)
            statuses = [s["status"] for s in proxy_log()[before:]]
            if statuses[0] != 429:
                continue
            self.assertEqual(statuses, [429, 200])
            return
        self.fail("the SDK's call never met a full window in 5 rounds")

    def test_real_delivery_verified_and_tampered_body_refused(self):
        received = []

        class Receiver(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((body, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            status, endpoint = raw("PUT", "/v1/apps/%s/webhook" % ENV["APP_ID"], SK, {"url": "http://127.0.0.1:%d/hooks" % server.server_port})
            self.assertIn(status, (200, 201), endpoint)
            secret = endpoint["data"].get("secret") or None
            p = self.zf.payments.create(payment("py-webhook"))
            body, headers = eventually(
                lambda: next((r for r in received if p["id"].encode() in r[0] and r[1].get("x-zerofee-event") == "payment.completed"), None)
            )
            event = self.zf.webhooks.verify(body, headers, secret)
            self.assertEqual((event["type"], event["data"]["id"]), ("payment.completed", p["id"]))
            standard_only = {k: v for k, v in headers.items() if k.lower() != "x-zerofee-signature"}
            self.assertEqual(self.zf.webhooks.verify(body, standard_only, secret)["id"], event["id"])
            rotated = dict(headers, **{"x-zerofee-signature": headers["x-zerofee-signature"] + ",v1=" + "0" * 64})
            self.assertEqual(self.zf.webhooks.verify(body, rotated, secret)["id"], event["id"])
            tampered = body.replace(b'"amount":1500', b'"amount":1')
            self.assertNotEqual(tampered, body)
            for h in (headers, standard_only):
                with self.assertRaises(WebhookVerificationError):
                    self.zf.webhooks.verify(tampered, h, secret)
            with self.assertRaises(WebhookVerificationError):
                self.zf.webhooks.verify(body, headers, "whsec_d3Jvbmc=")
            with self.assertRaises(WebhookVerificationError):
                self.zf.webhooks.verify(body, headers, secret, now=time.time() + 301)
        finally:
            server.shutdown()
            server.server_close()

    def test_events(self):
        page = self.zf.events.list(limit=5)
        self.assertTrue(page.data)
        self.assertEqual(self.zf.events.retrieve(page.data[0]["id"])["id"], page.data[0]["id"])

    def test_refund(self):
        p = self.completed(self.zf.payments.create(payment("py-refund"))["id"])
        r = self.zf.refunds.create({"payment_id": p["id"], "amount": 500, "reason": "requested_by_customer"})
        self.assertEqual((r["object"], r["payment_id"], r["amount"]), ("refund", p["id"], 500))
        self.assertEqual(self.zf.refunds.retrieve(r["id"])["id"], r["id"])
        self.assertIn(r["id"], [x["id"] for x in self.zf.refunds.list(limit=1)])
        with self.assertRaises(zerofee.BusinessError) as e:
            self.zf.refunds.create({"payment_id": p["id"], "amount": 5000})
        self.assertEqual((e.exception.status_code, e.exception.code, e.exception.param), (422, "refund_exceeds_payment", "amount"))

    def test_settlements(self):
        page = self.zf.settlements.list(limit=10)
        self.assertTrue(page.data, "npm test closes one settlement before this suite runs")
        for s in page.data:
            self.assertEqual(self.zf.settlements.retrieve(s["id"])["id"], s["id"])
        with self.assertRaises(NotFoundError):
            self.zf.settlements.retrieve("stl_01NOSUCH")

    def test_settlement_payments_and_refunds(self):
        # The one closed with a refund before this suite ran: its net is its payments less its refunds.
        for s in self.zf.settlements.list(limit=10).data:
            if s["refunded_amount"] == 0:
                continue
            payments = list(self.zf.settlements.list_payments(s["id"], limit=2).auto_paging_iter())
            refunds = list(self.zf.settlements.list_refunds(s["id"]).auto_paging_iter())
            self.assertEqual(sum(p["amount"] for p in payments), s["gross_amount"])
            self.assertEqual(sum(r["amount"] for r in refunds), s["refunded_amount"])
            self.assertTrue(all(r["settlement_id"] == s["id"] for r in refunds))
            return
        self.fail("npm test closes a settlement with a refund before this suite runs")


class WebhookVerifyOffline(unittest.TestCase):
    """Signature checks that need no server: a delivery signed here the way ZeroFee signs."""

    SECRET = "whsec_dGVzdC1zZWNyZXQtZm9yLXRoZS1weXRob24tc2Rr"

    def signed(self, body, t):
        import hashlib
        import hmac

        return "t=%d,v1=%s" % (t, hmac.new(self.SECRET.encode(), b"%d." % t + body, hashlib.sha256).hexdigest())

    def test_stale_and_future_timestamps_refused(self):
        body = b'{"id":"evt_1","type":"payment.completed","data":{}}'
        now = int(time.time())
        self.assertEqual(zerofee.verify_webhook(body, {"X-ZeroFee-Signature": self.signed(body, now - 299)}, self.SECRET)["id"], "evt_1")
        for t in (now - 301, now + 301):
            with self.assertRaises(WebhookVerificationError):
                zerofee.verify_webhook(body, {"X-ZeroFee-Signature": self.signed(body, t)}, self.SECRET)
        with self.assertRaises(WebhookVerificationError):
            zerofee.verify_webhook(body, {}, self.SECRET)

    def test_non_ascii_signatures_are_refused_not_crashed(self):
        # hmac.compare_digest raises TypeError on a str with non-ASCII characters: a forged
        # header must still end in the documented WebhookVerificationError.
        body = b'{"id":"evt_2","type":"payment.completed","data":{}}'
        now = int(time.time())
        headers = [
            {"X-ZeroFee-Signature": "t=%d,v1=\u00e9\u00e9" % now},
            {"webhook-id": "msg_1", "webhook-timestamp": str(now), "webhook-signature": "v1,\u00e9t\u00e9"},
            {"X-ZeroFee-Signature": "t=%d,v1=\ud800" % now},
        ]
        for h in headers:
            with self.assertRaises(WebhookVerificationError):
                zerofee.verify_webhook(body, h, self.SECRET)


class NonAsciiTimestamps(unittest.TestCase):
    def test_refused_not_crashed(self):
        # "²" and Arabic-Indic digits pass str.isdigit(); int() or .encode("ascii") would raise.
        now = str(int(time.time()))
        arabic = "".join("\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"[int(c)] for c in now)
        for t in ("\u00b2", arabic):
            for h in ({"x-zerofee-signature": "t=%s,v1=ab" % t}, {"webhook-id": "msg_1", "webhook-timestamp": t, "webhook-signature": "v1,ab"}):
                with self.assertRaises(WebhookVerificationError):
                    zerofee.verify_webhook(b"{}", h, WebhookVerifyOffline.SECRET)


class LocalServer:
    """A loopback HTTP server answering every request with ``handle(handler)``; records what it was sent."""

    def __init__(self, handle):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                handle(self)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def answer(status, body=None, headers=None):
    def handle(h):
        payload = json.dumps(body).encode() if body is not None else b""
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)

    return handle


class TransportOffline(unittest.TestCase):
    """What the SDK sends and refuses, against loopback servers standing in for ZeroFee."""

    KEY = "sk_test_offline_0123456789abcdef"

    def test_a_redirect_is_an_error_and_the_key_goes_nowhere_else(self):
        elsewhere = LocalServer(answer(200, {"data": {"id": "txn_evil", "status": "completed", "amount": 1}}))
        for status in (301, 302, 307, 308):
            origin = LocalServer(answer(status, headers={"Location": elsewhere.url + "/v1/payments/txn_1"}))
            try:
                zf = ZeroFee(self.KEY, base_url=origin.url, max_retries=0)
                with self.assertRaises(zerofee.APIError) as e:
                    zf.payments.retrieve("txn_1")
                self.assertEqual(e.exception.status_code, status)
                self.assertIn("redirect", str(e.exception))
                with self.assertRaises(zerofee.APIError):
                    zf.payments.create({"amount": 1500})
                self.assertEqual([m for m, _, _ in origin.seen], ["GET", "POST"])
            finally:
                origin.close()
        self.assertEqual(elsewhere.seen, [])
        elsewhere.close()

    def test_a_post_without_an_answer_says_it_may_have_happened_and_gives_its_key(self):
        def hang_up(h):
            h.rfile.read(int(h.headers["Content-Length"]))
            h.close_connection = True
            h.connection.shutdown(2)

        server = LocalServer(hang_up)
        try:
            zf = ZeroFee(self.KEY, base_url=server.url, max_retries=1)
            with self.assertRaises(zerofee.APIConnectionError) as e:
                zf.payments.create({"amount": 1500})
            keys = [h["idempotency-key"] for _, _, h in server.seen]
            self.assertEqual(len(keys), 2)
            self.assertEqual(keys[0], keys[1])
            self.assertEqual(e.exception.idempotency_key, keys[0])
            self.assertIn("may have been carried out", str(e.exception))
            self.assertIn(keys[0], str(e.exception))
            self.assertNotIn(self.KEY, str(e.exception) + repr(e.exception))
            # A GET has nothing to resume.
            with self.assertRaises(zerofee.APIConnectionError) as g:
                zf.payments.retrieve("txn_1")
            self.assertIsNone(g.exception.idempotency_key)
        finally:
            server.close()

    def test_a_base_url_without_its_scheme_is_refused_when_the_client_is_made(self):
        for bad in ("127.0.0.1:8000", "pay.example.com", "ftp://pay.example.com", "https://pay.example.com/?x=1", "not a url"):
            with self.assertRaises(ValueError) as e:
                ZeroFee(self.KEY, base_url=bad)
            self.assertIn("base_url must be an http(s) address", str(e.exception))
        self.assertEqual(ZeroFee(self.KEY, base_url=" https://pay.example.com/zf/ ").base_url, "https://pay.example.com/zf")

    def test_keys_no_header_can_carry_are_refused_at_once_and_nothing_is_sent(self):
        server = LocalServer(answer(200, {"data": {}}))
        try:
            # The README's placeholder pasted as is ("…" is U+2026): refused when the client is made.
            with self.assertRaises(AuthenticationError) as e:
                ZeroFee("sk_test_\u2026", base_url=server.url)
            self.assertEqual((e.exception.code, e.exception.status_code), ("invalid_api_key", None))
            self.assertIn("U+2026", str(e.exception))
            self.assertIn("Nothing was sent", str(e.exception))
            with self.assertRaises(AuthenticationError):
                ZeroFee("sk_test_abc def", base_url=server.url)
            zf = ZeroFee(self.KEY, base_url=server.url, max_retries=2)
            for key in ("\u8ba2\u5355-1001", "order\n1001", "order 1001", "caf\u00e9", "", "k" * 256):
                with self.assertRaises(InvalidRequestError) as e:
                    zf.payments.create({"amount": 1500}, idempotency_key=key)
                self.assertNotIsInstance(e.exception, zerofee.APIConnectionError)
                self.assertEqual((e.exception.code, e.exception.param, e.exception.status_code), ("invalid_idempotency_key", "idempotency_key", None))
                self.assertIn("1 to 255 visible ASCII characters", str(e.exception))
                self.assertNotIn("may have been carried out", str(e.exception))
            self.assertEqual(server.seen, [])
            # A key read from a file with its line break still works; the idempotency key is sent as given.
            ZeroFee(self.KEY + "\n", base_url=server.url).payments.create({"amount": 1500}, idempotency_key="order:1001/a")
            self.assertEqual([(h["authorization"], h["idempotency-key"]) for _, _, h in server.seen], [("Bearer " + self.KEY, "order:1001/a")])
        finally:
            server.close()

    def test_a_5xx_error_carries_the_key_to_retry_with(self):
        body = {"error": {"type": "api_error", "code": "provider_unavailable", "message": "retry with the same Idempotency-Key."}}
        server = LocalServer(answer(503, body))
        try:
            zf = ZeroFee(self.KEY, base_url=server.url, max_retries=0)
            with self.assertRaises(zerofee.APIError) as e:
                zf.payments.create({"amount": 1500}, idempotency_key="order-77")
            self.assertEqual((e.exception.code, e.exception.idempotency_key), ("provider_unavailable", "order-77"))
        finally:
            server.close()

    def test_an_error_answer_cut_off_while_read_is_retried_with_the_same_key(self):
        calls = []

        def handle(h):
            calls.append(h.headers.get("Idempotency-Key"))
            if len(calls) == 1:
                # A 503 that announces 200 bytes, sends 11 and closes: its body is lost mid-read.
                h.send_response(503)
                h.send_header("Content-Length", "200")
                h.end_headers()
                h.wfile.write(b'{"error": {')
                h.wfile.flush()
                h.close_connection = True
                return
            answer(201, {"data": {"id": "txn_1", "status": "requires_action"}})(h)

        server = LocalServer(handle)
        try:
            zf = ZeroFee(self.KEY, base_url=server.url, max_retries=2)
            self.assertEqual(zf.payments.create({"amount": 1500}, idempotency_key="order-88")["id"], "txn_1")
            self.assertEqual(calls, ["order-88", "order-88"])
            # Without retries left it is the documented lost answer, carrying its key.
            calls.clear()
            with self.assertRaises(zerofee.APIConnectionError) as e:
                ZeroFee(self.KEY, base_url=server.url, max_retries=0).payments.create({"amount": 1500}, idempotency_key="order-89")
            self.assertEqual(e.exception.idempotency_key, "order-89")
        finally:
            server.close()

    def test_an_empty_or_missing_key_is_an_authentication_error(self):
        for key in ("", "   ", None):
            with self.assertRaises(AuthenticationError) as e:
                ZeroFee(key, base_url="http://127.0.0.1:9")  # type: ignore[arg-type]
            self.assertEqual(e.exception.code, "invalid_api_key")

    def test_an_id_a_url_reads_as_a_path_step_is_refused_before_sending(self):
        server = LocalServer(answer(200, {"data": [], "has_more": False, "next_cursor": None}))
        try:
            zf = ZeroFee(self.KEY, base_url=server.url, max_retries=0)
            calls = [
                lambda: zf.settlements.list_payments(".."),  # would ask /v1/payments: every payment
                lambda: zf.payments.retrieve("."),
                lambda: zf.payments.cancel(".."),
                lambda: zf.refunds.retrieve(""),
            ]
            for call in calls:
                with self.assertRaises(InvalidRequestError) as e:
                    call()
                self.assertEqual((e.exception.code, e.exception.param), ("invalid_id", "id"))
            self.assertEqual(server.seen, [])
        finally:
            server.close()

    def test_star_import_keeps_pythons_own_permission_error(self):
        scope = {}
        exec("from zerofee import *", scope)
        self.assertNotIn("PermissionError", scope)
        self.assertTrue(issubclass(zerofee.PermissionError, zerofee.ZeroFeeError))

    def test_the_key_is_not_in_the_failing_frames_locals(self):
        import traceback

        server = LocalServer(answer(500, {"error": {"type": "api_error", "message": "boom"}}))
        try:
            zf = ZeroFee(self.KEY, base_url=server.url, max_retries=0)
            try:
                zf.payments.retrieve("txn_1")
                self.fail("no error")
            except zerofee.APIError as e:
                text = "".join(traceback.TracebackException.from_exception(e, capture_locals=True).format())
            self.assertIn("headers", text)
            self.assertNotIn(self.KEY, text)
            self.assertEqual(server.seen[0][2]["authorization"], "Bearer " + self.KEY)
        finally:
            server.close()

    def test_dates_and_datetimes_are_sent_as_iso_8601(self):
        import datetime

        server = LocalServer(answer(200, {"data": [], "has_more": False, "next_cursor": None}))
        try:
            zf = ZeroFee(self.KEY, base_url=server.url)
            at = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.timezone.utc)
            zf.payments.list(created_from=at, created_to=datetime.date(2026, 12, 8))
            self.assertIn("created_from=2026-12-07T09%3A30%3A00%2B00%3A00", server.seen[0][1])
            self.assertIn("created_to=2026-12-08", server.seen[0][1])
            # A naive datetime (``datetime.utcnow()``) is read as UTC, not sent without an offset.
            zf.payments.list(created_from=datetime.datetime(2026, 12, 7, 9, 30))
            self.assertIn("created_from=2026-12-07T09%3A30%3A00%2B00%3A00", server.seen[1][1])
        finally:
            server.close()


class TypesModule(unittest.TestCase):
    def test_types_import_as_documented(self):
        from zerofee.types import Payment, Refund  # noqa: F401

        import zerofee.types

        self.assertIs(zerofee.types.Payment, Payment)
        # What a session's create answers: the session and, once, the secret for the browser.
        self.assertIn("client_secret", zerofee.types.CheckoutSessionCreated.__annotations__)
        self.assertIn("Payment", zerofee.types.__all__)


if __name__ == "__main__":
    unittest.main()

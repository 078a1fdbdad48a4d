"""A merchant shop in Python (standard library only) integrating ZeroFee's hosted checkout.

The same flow as examples/merchant-shop, with the Python SDK:
1. the order is stored first (the amount from the shop's own price list);
2. the checkout session is created server-side, bound to the order (reference = order id,
   idempotency key ``order:<id>``), and the customer is redirected to its ``url``;
3. the webhook is verified from the raw body by ``zf.webhooks.verify``, recorded once by event
   id, and fulfils the order exactly once (a primary key does that work);
4. the return page reconciles from the session when the webhook is late.

Run: ZEROFEE_URL=http://127.0.0.1:8000 ZEROFEE_SECRET_KEY=sk_test_… ZEROFEE_WEBHOOK_SECRET=whsec_… \
     PYTHONPATH=packages/sdk-python python3 examples/python-shop/shop.py
"""
import html
import json
import os
import re
import sqlite3
import sys
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from zerofee import WebhookVerificationError, ZeroFee

CATALOGUE = {
    "tshirt-xl": {"name": "T-shirt XL", "amount": 5000, "currency": "XOF"},
    "mug": {"name": "Mug", "amount": 2500, "currency": "XOF"},
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, sku TEXT NOT NULL, amount INTEGER NOT NULL,
  currency TEXT NOT NULL, status TEXT NOT NULL, session_id TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS webhook_events (id TEXT PRIMARY KEY, type TEXT NOT NULL, result TEXT);
CREATE TABLE IF NOT EXISTS fulfilments (order_id TEXT PRIMARY KEY REFERENCES orders(id), source TEXT NOT NULL);
"""


class Shop:
    def __init__(self, zerofee_url, secret_key, webhook_secret, public_url, db_path=":memory:"):
        self.zf = ZeroFee(secret_key, base_url=zerofee_url)
        self.webhook_secret = webhook_secret
        self.public_url = public_url
        self.db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()  # one writer at a time on the shared connection

    def query(self, sql, *args):
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    def order(self, order_id):
        rows = self.query("SELECT id, sku, amount, currency, status, session_id FROM orders WHERE id = ?", order_id)
        return dict(zip(("id", "sku", "amount", "currency", "status", "session_id"), rows[0])) if rows else None

    def start_checkout(self, sku):
        item = CATALOGUE[sku]
        order_id = "ord_" + str(uuid.uuid4())
        self.query("INSERT INTO orders (id, sku, amount, currency, status) VALUES (?, ?, ?, ?, 'pending_session')", order_id, sku, item["amount"], item["currency"])
        session = self.zf.checkout.sessions.create(
            {
                "amount": item["amount"],
                "currency": item["currency"],
                "reference": order_id,
                "description": item["name"],
                "success_url": "%s/orders/%s/return" % (self.public_url, order_id),
                "cancel_url": self.public_url + "/",
                "metadata": {"order_id": order_id},
            },
            idempotency_key="order:" + order_id,
        )
        self.query("UPDATE orders SET session_id = ?, status = 'awaiting_payment' WHERE id = ?", session["id"], order_id)
        return order_id, session["url"]

    def fulfil_once(self, order_id, source):
        """The only place value moves: one fulfilments row per order, inserted or not."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                inserted = self.db.execute("INSERT OR IGNORE INTO fulfilments (order_id, source) VALUES (?, ?)", (order_id, source)).rowcount == 1
                if inserted:
                    self.db.execute("UPDATE orders SET status = 'fulfilled' WHERE id = ?", (order_id,))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        if inserted:
            print("fulfilled %s (%s)" % (order_id, source), flush=True)
        return inserted

    def reconcile(self, order_id):
        """A late or lost webhook: ask ZeroFee (server to server) and close the order from that."""
        o = self.order(order_id)
        if not o or not o["session_id"] or o["status"] == "fulfilled":
            return o
        session = self.zf.checkout.sessions.retrieve(o["session_id"])
        if session["status"] == "complete" and session["reference"] == o["id"]:
            self.fulfil_once(o["id"], "reconciliation")
        elif session["status"] == "expired":
            self.query("UPDATE orders SET status = 'expired' WHERE id = ? AND status <> 'fulfilled'", o["id"])
        return self.order(order_id)

    def receive_webhook(self, raw, headers):
        try:
            event = self.zf.webhooks.verify(raw, headers, self.webhook_secret)
        except WebhookVerificationError:
            return 400, "bad signature"
        # Recorded after the work, not before: if the work raises, nothing is recorded, ZeroFee
        # gets a 500 and delivers again, and the retry does the work (fulfil_once makes twice harmless).
        if self.query("SELECT 1 FROM webhook_events WHERE id = ?", event["id"]):
            return 200, "duplicate"
        result = "ignored"
        data = event.get("data") or {}
        if event["type"] == "checkout.completed" and data.get("status") == "complete":
            rows = self.query("SELECT id FROM orders WHERE session_id = ?", data.get("id"))
            if rows and rows[0][0] == data.get("reference"):
                result = "fulfilled" if self.fulfil_once(rows[0][0], "webhook:" + event["id"]) else "already fulfilled"
            else:
                result = "unknown session"
        self.query("INSERT OR IGNORE INTO webhook_events (id, type, result) VALUES (?, ?, ?)", event["id"], event["type"], result)
        return 200, result

    def fulfilments(self, order_id):
        return [r[0] for r in self.query("SELECT source FROM fulfilments WHERE order_id = ?", order_id)]


def handler_for(shop):
    class Handler(BaseHTTPRequestHandler):
        def send(self, status, body, content_type="text/html; charset=utf-8", headers=None):
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(min(length, 1_000_000))

        def do_GET(self):
            # The path without its query: the hosted page comes back with `?session_id=cs_…`.
            path = urlsplit(self.path).path
            if path == "/":
                forms = "".join(
                    '<form method="post" action="/orders"><input type="hidden" name="sku" value="%s"><button>%s — %d %s</button></form>'
                    % (sku, html.escape(i["name"]), i["amount"], i["currency"])
                    for sku, i in CATALOGUE.items()
                )
                return self.send(200, "<!doctype html><meta charset=utf-8><title>Shop</title><h1>Shop</h1>" + forms)
            m = re.fullmatch(r"/orders/(ord_[0-9a-f-]{36})(/return)?", path)
            if m:
                # The redirect proves nothing: show our own state, refreshed from ZeroFee if still open.
                o = shop.reconcile(m.group(1)) if m.group(2) else shop.order(m.group(1))
                if not o:
                    return self.send(404, "no such order", "text/plain")
                if not m.group(2):
                    return self.send(200, json.dumps(dict(o, fulfilments=shop.fulfilments(o["id"]))), "application/json")
                text = "Thank you! Your order is confirmed." if o["status"] == "fulfilled" else "We are confirming your payment…"
                return self.send(200, '<!doctype html><meta charset=utf-8><h1 data-order-status="%s">%s</h1>' % (html.escape(o["status"]), text))
            self.send(404, "not found", "text/plain")

        def do_POST(self):
            path = urlsplit(self.path).path
            if path == "/orders":
                sku = (parse_qs(self.body().decode("utf-8")).get("sku") or [""])[0]
                if sku not in CATALOGUE:
                    return self.send(400, "unknown item", "text/plain")
                order_id, url = shop.start_checkout(sku)
                return self.send(303, "", "text/plain", {"Location": url, "X-Order-Id": order_id})
            if path == "/webhooks/zerofee":
                try:
                    status, text = shop.receive_webhook(self.body(), {k.lower(): v for k, v in self.headers.items()})
                except Exception:
                    # Nothing was recorded: a 500 (not a dropped connection) and ZeroFee delivers it again.
                    traceback.print_exc()
                    status, text = 500, "not handled; deliver again"
                return self.send(status, text, "text/plain")
            self.send(404, "not found", "text/plain")

        def log_message(self, *args):
            pass

    return Handler


def main():
    env = os.environ
    port = int(env.get("PORT", "3000"))
    server = ThreadingHTTPServer(("127.0.0.1", port), None)
    public_url = env.get("SHOP_PUBLIC_URL") or "http://localhost:%d" % server.server_port
    shop = Shop(env.get("ZEROFEE_URL", "http://127.0.0.1:8000"), env["ZEROFEE_SECRET_KEY"], env["ZEROFEE_WEBHOOK_SECRET"], public_url, env.get("SHOP_DB", ":memory:"))
    server.RequestHandlerClass = handler_for(shop)
    print("shop on http://127.0.0.1:%d" % server.server_port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())

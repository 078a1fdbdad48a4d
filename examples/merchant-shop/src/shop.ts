import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { PGlite } from "@electric-sql/pglite";
import { WebhookVerificationError, ZeroFee } from "zerofee";

/** Prices live on the server: the browser never chooses an amount. */
const CATALOGUE: Record<string, { name: string; amount: number; currency: string }> = {
  "tshirt-xl": { name: "T-shirt XL", amount: 5000, currency: "XOF" },
  mug: { name: "Mug", amount: 2500, currency: "XOF" },
};

export interface ShopConfig {
  db: PGlite;
  zerofeeUrl: string;
  secretKey: string;
  /**
   * The endpoint's `whsec_…` secret, read at each delivery: the shop can start before the
   * endpoint exists (ZeroFee shows the secret when the endpoint is created). While it is
   * unset, deliveries are refused with a 500 and a log line — ZeroFee keeps retrying them, so
   * none is lost once the secret is set.
   */
  webhookSecret?: string;
  /** Where customers reach the shop (success and cancel URLs). */
  publicUrl: string;
  /** Called once per order fulfilled (ship, credit, grant). */
  onFulfil?: (orderId: string, source: string) => void;
}

interface Order {
  id: string;
  sku: string;
  amount: number;
  currency: string;
  status: string;
  session_id: string | null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 1_000_000) req.destroy();
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function createShop(cfg: ShopConfig) {
  const { db } = cfg;
  const zf = new ZeroFee(cfg.secretKey, { baseUrl: cfg.zerofeeUrl });

  const order = async (id: string) => (await db.query<Order>("SELECT * FROM orders WHERE id = $1", [id])).rows[0];

  /** 1. The order is stored first; 2. the session is bound to it with one idempotency key per order. */
  async function startCheckout(sku: string): Promise<{ orderId: string; url: string }> {
    const item = CATALOGUE[sku];
    if (!item) throw new Error("unknown sku");
    const orderId = `ord_${randomUUID()}`;
    await db.query("INSERT INTO orders (id, sku, amount, currency, status) VALUES ($1, $2, $3, $4, 'pending_session')", [
      orderId,
      sku,
      item.amount,
      item.currency,
    ]);
    // One idempotency key per order: a retried call (by the SDK or by us) returns the same session.
    const session = await zf.checkout.sessions.create(
      {
        amount: item.amount,
        currency: item.currency,
        reference: orderId,
        description: item.name,
        success_url: `${cfg.publicUrl}/orders/${orderId}/return`,
        cancel_url: `${cfg.publicUrl}/`,
        metadata: { order_id: orderId },
      },
      { idempotencyKey: `order:${orderId}` },
    );
    await db.query("UPDATE orders SET session_id = $2, status = 'awaiting_payment' WHERE id = $1", [orderId, session.id]);
    return { orderId, url: session.url };
  }

  /** The only place value moves: one fulfilment row per order, inserted or not, in one transaction. */
  async function fulfilOnce(orderId: string, source: string): Promise<boolean> {
    const inserted = await db.transaction(async (tx) => {
      const r = await tx.query("INSERT INTO fulfilments (order_id, source) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING order_id", [orderId, source]);
      if (r.rows.length === 0) return false;
      await tx.query("UPDATE orders SET status = 'fulfilled' WHERE id = $1", [orderId]);
      return true;
    });
    if (inserted) cfg.onFulfil?.(orderId, source);
    return inserted;
  }

  /** A late or lost webhook: ask ZeroFee (trusted, server to server) and close the order from that. */
  async function reconcile(orderId: string): Promise<Order | undefined> {
    const o = await order(orderId);
    if (!o?.session_id || o.status === "fulfilled") return o;
    const session = await zf.checkout.sessions.retrieve(o.session_id);
    if (session.status === "complete" && session.reference === o.id) await fulfilOnce(o.id, "reconciliation");
    else if (session.status === "expired") await db.query("UPDATE orders SET status = 'expired' WHERE id = $1 AND status <> 'fulfilled'", [o.id]);
    return order(orderId);
  }

  /**
   * Verify the raw body (the SDK checks every `v1` of `X-ZeroFee-Signature`, or the Standard
   * Webhooks headers, with a 5-minute tolerance), act on known types only, then record the event
   * id. Recorded after the work, not before: if the work throws, nothing is recorded, ZeroFee
   * gets a 500 and delivers again, and the retry does the work (fulfilOnce makes twice harmless).
   */
  async function receiveWebhook(raw: string, headers: IncomingMessage["headers"]): Promise<{ status: number; body: string }> {
    let event: Awaited<ReturnType<typeof zf.webhooks.verify>>;
    if (!cfg.webhookSecret) {
      console.error(
        "shop: webhook delivery refused (500): ZEROFEE_WEBHOOK_SECRET is not set. Give the shop the endpoint's whsec_… secret; ZeroFee retries the delivery.",
      );
      return { status: 500, body: "webhook secret not configured: set ZEROFEE_WEBHOOK_SECRET" };
    }
    try {
      event = await zf.webhooks.verify(raw, headers, cfg.webhookSecret);
    } catch (err) {
      if (err instanceof WebhookVerificationError) return { status: 400, body: "bad signature" };
      throw err;
    }
    const seen = await db.query("SELECT 1 FROM webhook_events WHERE id = $1", [event.id]);
    if (seen.rows.length > 0) return { status: 200, body: "duplicate" };
    let result = "ignored";
    if (event.type === "checkout.completed" && event.data.status === "complete") {
      const o = (await db.query<Order>("SELECT * FROM orders WHERE session_id = $1", [event.data.id])).rows[0];
      if (o && o.id === event.data.reference) result = (await fulfilOnce(o.id, `webhook:${event.id}`)) ? "fulfilled" : "already fulfilled";
      else result = "unknown session";
    }
    await db.query("INSERT INTO webhook_events (id, type, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [event.id, event.type, result]);
    return { status: 200, body: result };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", cfg.publicUrl);
    const send = (status: number, body: string, type = "text/html; charset=utf-8"): void => {
      res.writeHead(status, { "content-type": type }).end(body);
    };
    if (req.method === "GET" && url.pathname === "/") {
      const items = Object.entries(CATALOGUE)
        .map(
          ([sku, i]) =>
            `<form method="post" action="/orders"><input type="hidden" name="sku" value="${sku}"><button>${esc(i.name)} — ${i.amount} ${i.currency}</button></form>`,
        )
        .join("");
      return send(200, `<!doctype html><meta charset="utf-8"><title>Shop</title><h1>Shop</h1>${items}`);
    }
    if (req.method === "POST" && url.pathname === "/orders") {
      const sku = new URLSearchParams(await readBody(req)).get("sku") ?? "";
      if (!CATALOGUE[sku]) return send(400, "unknown item");
      const { url: hosted } = await startCheckout(sku);
      res.writeHead(303, { location: hosted }).end();
      return;
    }
    const ret = /^\/orders\/(ord_[0-9a-f-]{36})\/return$/.exec(url.pathname);
    if (req.method === "GET" && ret?.[1]) {
      // The redirect proves nothing: show our own state, refreshed from ZeroFee if still open.
      const o = await reconcile(ret[1]);
      if (!o) return send(404, "no such order");
      const text = o.status === "fulfilled" ? "Thank you! Your order is confirmed." : "We are confirming your payment…";
      return send(200, `<!doctype html><meta charset="utf-8"><title>Order</title><h1 data-order-status="${esc(o.status)}">${esc(text)}</h1>`);
    }
    if (req.method === "POST" && url.pathname === "/webhooks/zerofee") {
      const r = await receiveWebhook(await readBody(req), req.headers);
      return send(r.status, r.body, "text/plain");
    }
    send(404, "not found", "text/plain");
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error("shop error:", (err as Error).message);
      if (!res.headersSent) res.writeHead(500).end("error");
    });
  });
  return { server, startCheckout, fulfilOnce, reconcile, receiveWebhook };
}

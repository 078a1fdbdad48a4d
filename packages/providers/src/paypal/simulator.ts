import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { header } from "../sandbox/http.js";
import { actionPage } from "../sandbox/page.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, sandboxWebhookUrl, seeOther, soonestDue } from "../sandbox/runtime.js";
import { outcomeForPhone, refundFails } from "../sandbox/test-numbers.js";
import { type Capture, fromValue, type Order, SANDBOX_WEBHOOK_ID, toValue } from "./wire.js";

interface OrderRecord extends Outbox {
  order: Order & { intent: string; create_time: string };
  return_url: string | null;
  cancel_url: string | null;
  /** The payer pressed decline: the capture will come back DECLINED (SPEC §14). */
  decline: boolean;
  capture_request_id?: string;
  /** Refund ids by PayPal-Request-Id (each refund is its own record). */
  refund_ids?: Record<string, string>;
}

/** A capture's refund (Payments v2): PENDING until it settles at `due_at` (epoch ms). */
interface RefundRecord extends Outbox {
  refund: {
    id: string;
    status: "PENDING" | "COMPLETED" | "FAILED";
    amount: { currency_code: string; value: string };
    invoice_id?: string;
    custom_id?: string;
    status_details?: { reason: string };
    create_time: string;
  };
  minor: number;
  due_at: number | null;
}

const upper = () => randomBytes(9).toString("hex").toUpperCase().slice(0, 17);
const json = (body: unknown, status = 200): SimResponse => ({ status, body });
const paypalError = (status: number, name: string, message: string, issue?: string): SimResponse =>
  json({ name, message, debug_id: randomBytes(6).toString("hex"), ...(issue ? { details: [{ issue }] } : {}) }, status);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
/** CRC-32 (IEEE), as PayPal's signed string uses it; `zlib.crc32` needs Node ≥ 20.15. */
export function crc32(text: string): number {
  let c = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * PayPal signs `transmission_id|transmission_time|webhook_id|crc32(body)` with its certificate's
 * key; the sandbox signs the same string with an HMAC under its secret. Either way only
 * PayPal's verify endpoint checks it, which is the check the adapter uses.
 */
export function transmissionSignature(secret: string, transmissionId: string, time: string, webhookId: string, body: string): string {
  return createHmac("sha256", secret)
    .update(`${transmissionId}|${time}|${webhookId}|${crc32(body)}`)
    .digest("base64");
}

/**
 * Sandbox of PayPal's REST API: OAuth2 token, Orders v2 (create, show, capture), capture
 * refunds, webhook postback verification, and the payer's approval page (`/checkoutnow`).
 */
export function createPayPalSimulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());
  const base = () => opts.publicBaseUrl();

  const load = async (orderId: string) => (await opts.store.get(orderId)) as OrderRecord | null;
  const save = async (r: OrderRecord, dueInMs: number | null) => {
    await opts.store.put(r.order.id, r as unknown as Record<string, unknown>, dueInMs === null ? null : new Date(Date.now() + dueInMs));
    if (dueInMs !== null) rt.schedule(dueInMs);
  };
  const queueEvent = (r: OrderRecord, type: string, resourceType: string, resource: unknown) => {
    const event = {
      id: `WH-${upper()}-${upper()}`,
      event_version: "1.0",
      create_time: new Date().toISOString(),
      resource_type: resourceType,
      event_type: type,
      resource,
    };
    queueCallback(r, JSON.stringify(event));
  };

  function issueToken(req: SimRequest): SimResponse {
    const basic = /^Basic (\S+)$/.exec(header(req, "authorization") ?? "");
    const [id, secret] = Buffer.from(basic?.[1] ?? "", "base64")
      .toString("utf8")
      .split(":");
    if (!id || !secret) return json({ error: "invalid_client", error_description: "Client Authentication failed" }, 401);
    if ((req.body as Record<string, string> | undefined)?.grant_type !== "client_credentials") {
      return json({ error: "unsupported_grant_type", error_description: "Grant Type is NULL" }, 400);
    }
    return json({
      scope: "https://uri.paypal.com/services/payments/payment",
      access_token: `A21AA${randomBytes(24).toString("base64url")}`,
      token_type: "Bearer",
      app_id: "APP-80W284485P519543T",
      expires_in: 32_400,
      nonce: `${new Date().toISOString()}${randomBytes(8).toString("hex")}`,
    });
  }

  async function create(req: SimRequest): Promise<SimResponse> {
    const requestId = header(req, "paypal-request-id");
    if (requestId) {
      const prior = (await opts.store.get(`req:${requestId}`)) as { order_id: string } | null;
      const r = prior ? await load(prior.order_id) : null;
      if (r) return json(r.order, 200);
    }
    const b = (req.body ?? {}) as {
      intent?: unknown;
      purchase_units?: Array<{ reference_id?: string; custom_id?: string; amount?: { currency_code?: string; value?: string } }>;
      payment_source?: {
        paypal?: { phone?: { phone_number?: { national_number?: string } }; experience_context?: { return_url?: string; cancel_url?: string } };
      };
    };
    const unit = b.purchase_units?.[0];
    const amount = unit?.amount;
    if (b.intent !== "CAPTURE" || !unit || !amount?.currency_code || !amount.value || fromValue(amount.value, amount.currency_code) === null) {
      return paypalError(
        422,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
        "INVALID_PARAMETER_VALUE",
      );
    }
    const phone = b.payment_source?.paypal?.phone?.phone_number?.national_number;
    if (phone && outcomeForPhone(phone) === "provider_error") return paypalError(500, "INTERNAL_SERVER_ERROR", "An internal server error has occurred.");
    const context = b.payment_source?.paypal?.experience_context;
    const id = upper();
    const payerAction = context !== undefined;
    const record: OrderRecord = {
      order: {
        id,
        intent: "CAPTURE",
        status: payerAction ? "PAYER_ACTION_REQUIRED" : "CREATED",
        create_time: new Date().toISOString(),
        purchase_units: [
          {
            reference_id: unit.reference_id ?? "default",
            ...(unit.custom_id ? { custom_id: unit.custom_id } : {}),
            amount: { currency_code: amount.currency_code, value: amount.value },
          },
        ],
        links: [
          { href: `${base()}/v2/checkout/orders/${id}`, rel: "self", method: "GET" },
          { href: `${base()}/checkoutnow?token=${id}`, rel: payerAction ? "payer-action" : "approve", method: "GET" },
          { href: `${base()}/v2/checkout/orders/${id}/capture`, rel: "capture", method: "POST" },
        ],
      },
      return_url: context?.return_url ?? null,
      cancel_url: context?.cancel_url ?? null,
      decline: false,
    };
    await save(record, null);
    if (requestId) await opts.store.put(`req:${requestId}`, { order_id: id }, null);
    return json(record.order, 200);
  }

  async function capture(r: OrderRecord, req: SimRequest): Promise<SimResponse> {
    const requestId = header(req, "paypal-request-id");
    if (r.order.status === "COMPLETED") {
      if (requestId && requestId === r.capture_request_id) return json(r.order, 201);
      return paypalError(422, "UNPROCESSABLE_ENTITY", "Order already captured.", "ORDER_ALREADY_CAPTURED");
    }
    if (r.order.status !== "APPROVED")
      return paypalError(422, "UNPROCESSABLE_ENTITY", "Payer has not yet approved the Order for payment.", "ORDER_NOT_APPROVED");
    const unit = r.order.purchase_units?.[0];
    const cap: Capture & { final_capture: boolean } = {
      id: upper(),
      status: r.decline ? "DECLINED" : "COMPLETED",
      ...(unit?.amount ? { amount: unit.amount } : {}),
      ...(unit?.custom_id ? { custom_id: unit.custom_id } : {}),
      final_capture: true,
      ...(r.decline ? { status_details: { reason: "DECLINED_BY_RISK_FRAUD_FILTERS" } } : {}),
      supplementary_data: { related_ids: { order_id: r.order.id } },
    };
    if (unit) unit.payments = { captures: [cap] };
    r.order.status = "COMPLETED";
    if (requestId) r.capture_request_id = requestId;
    queueEvent(r, r.decline ? "PAYMENT.CAPTURE.DECLINED" : "PAYMENT.CAPTURE.COMPLETED", "capture", cap);
    await opts.store.put(`cap:${cap.id}`, { order_id: r.order.id }, null);
    await save(r, 0);
    return json(r.order, 201);
  }

  const loadRefund = async (id: string) => {
    const r = (await opts.store.get(id)) as RefundRecord | OrderRecord | null;
    return r && "refund" in r ? r : null;
  };
  const saveRefund = (r: RefundRecord, dueInMs: number | null) => rt.put(r.refund.id, r, soonestDue(dueInMs, r.due_at));
  /**
   * The refund's time has come: COMPLETED, with PayPal's `PAYMENT.CAPTURE.REFUNDED` event, or
   * FAILED for an amount ending in 01 (SPEC §10), which only the refund's status call shows.
   */
  const settleRefund = (r: RefundRecord): boolean => {
    if (r.due_at === null || r.due_at > Date.now()) return false;
    r.due_at = null;
    if (refundFails(r.minor)) {
      r.refund.status = "FAILED";
      r.refund.status_details = { reason: "REFUND_FAILED_INSUFFICIENT_FUNDS" };
      return true;
    }
    r.refund.status = "COMPLETED";
    queueCallback(
      r,
      JSON.stringify({
        id: `WH-${upper()}-${upper()}`,
        event_version: "1.0",
        create_time: new Date().toISOString(),
        resource_type: "refund",
        event_type: "PAYMENT.CAPTURE.REFUNDED",
        resource: r.refund,
      }),
    );
    return true;
  };

  async function refund(captureId: string, req: SimRequest): Promise<SimResponse> {
    const key = (await opts.store.get(`cap:${captureId}`)) as { order_id: string } | null;
    const r = key ? await load(key.order_id) : null;
    const cap = r?.order.purchase_units?.[0]?.payments?.captures?.[0];
    if (!r || !cap?.amount) return paypalError(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", "INVALID_RESOURCE_ID");
    const requestId = header(req, "paypal-request-id") ?? upper();
    const priorId = r.refund_ids?.[requestId];
    const prior = priorId ? await loadRefund(priorId) : null;
    if (prior) return json(prior.refund, 201);
    if (cap.status !== "COMPLETED" && cap.status !== "PARTIALLY_REFUNDED") {
      return paypalError(422, "UNPROCESSABLE_ENTITY", "Capture cannot be refunded.", "CAPTURE_FULLY_REFUNDED");
    }
    const currency = cap.amount.currency_code;
    const total = fromValue(cap.amount.value, currency) ?? 0;
    let done = 0;
    for (const rid of Object.values(r.refund_ids ?? {})) {
      const other = await loadRefund(rid);
      if (other && other.refund.status !== "FAILED") done += other.minor;
    }
    const body = (req.body ?? {}) as { amount?: { value?: string }; invoice_id?: string };
    const asked = body.amount?.value;
    const amount = asked === undefined ? total - done : fromValue(asked, currency);
    if (amount === null || amount < 1 || amount > total - done) {
      return paypalError(422, "UNPROCESSABLE_ENTITY", "The refund amount must be less than or equal to the capture amount.", "REFUND_AMOUNT_EXCEEDED");
    }
    const made: RefundRecord = {
      refund: {
        id: upper(),
        status: "PENDING",
        amount: { currency_code: currency, value: asked ?? toValue(amount, currency) },
        ...(body.invoice_id ? { invoice_id: body.invoice_id } : {}),
        ...(cap.custom_id ? { custom_id: cap.custom_id } : {}),
        create_time: new Date().toISOString(),
      },
      minor: amount,
      due_at: Date.now() + opts.confirmMs,
    };
    await saveRefund(made, null);
    r.refund_ids = { ...(r.refund_ids ?? {}), [requestId]: made.refund.id };
    cap.status = done + amount === total ? "REFUNDED" : "PARTIALLY_REFUNDED";
    await save(r, null);
    return json(made.refund, 201);
  }

  function verify(req: SimRequest): SimResponse {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const fields = ["auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id"] as const;
    if (fields.some((f) => typeof b[f] !== "string") || typeof b.webhook_event !== "object" || b.webhook_event === null) {
      return paypalError(400, "VALIDATION_ERROR", "Invalid request - see details.", "MISSING_REQUIRED_PARAMETER");
    }
    const s = b as Record<(typeof fields)[number], string>;
    const expected = Buffer.from(
      transmissionSignature(opts.webhookSecret, s.transmission_id, s.transmission_time, s.webhook_id, JSON.stringify(b.webhook_event)),
    );
    const given = Buffer.from(s.transmission_sig);
    const ok = s.webhook_id === SANDBOX_WEBHOOK_ID && given.length === expected.length && timingSafeEqual(given, expected);
    return json({ verification_status: ok ? "SUCCESS" : "FAILURE" });
  }

  // ------------------------------------------------------------ payer's page
  async function payerPage(req: SimRequest): Promise<SimResponse> {
    const token = req.method === "GET" ? req.query.token : (req.body as Record<string, string> | undefined)?.token;
    const r = token ? await load(token) : null;
    if (!r) return { status: 404, headers: { "content-type": "text/plain" }, body: "Things don't appear to be working at the moment." };
    const unit = r.order.purchase_units?.[0];
    if (req.method === "GET") {
      return actionPage({
        title: "PayPal sandbox — Log in and pay",
        lines: [
          `Pay ${unit?.amount?.value ?? "?"} ${unit?.amount?.currency_code ?? ""} with PayPal`,
          "Approve pays; Decline approves but the capture is declined; Cancel goes back without paying.",
        ],
        action: `${base()}/checkoutnow`,
        hidden: { token: r.order.id },
      });
    }
    const action = (req.body as Record<string, string> | undefined)?.action;
    const back = (url: string | null, params: Record<string, string>) => {
      if (!url) return { status: 200, headers: { "content-type": "text/plain" }, body: "Done: no return URL was given for this order." } as SimResponse;
      const target = new URL(url);
      for (const [k, v] of Object.entries(params)) target.searchParams.set(k, v);
      return seeOther(target.toString());
    };
    if (action === "cancel") return back(r.cancel_url, { token: r.order.id });
    if (action !== "approve" && action !== "decline") return paypalError(400, "INVALID_REQUEST", "unknown action");
    if (r.order.status === "CREATED" || r.order.status === "PAYER_ACTION_REQUIRED") {
      r.order.status = "APPROVED";
      r.decline = action === "decline";
      queueEvent(r, "CHECKOUT.ORDER.APPROVED", "checkout-order", r.order);
      await save(r, 0);
    }
    return back(r.return_url, { token: r.order.id, PayerID: "SANDBOXPAYER01" });
  }

  async function api(req: SimRequest, parts: string[]): Promise<SimResponse> {
    await rt.delay();
    if (rt.control.down) return paypalError(503, "SERVICE_UNAVAILABLE", "Service Unavailable.");
    const path = parts.join("/");
    if (req.method === "POST" && path === "v1/oauth2/token") return issueToken(req);
    if (!/^Bearer A21AA\S+$/.test(header(req, "authorization") ?? "")) {
      return json({ error: "invalid_token", error_description: "Token signature verification failed" }, 401);
    }
    if (req.method === "POST" && path === "v1/notifications/verify-webhook-signature") return verify(req);
    if (req.method === "POST" && path === "v2/checkout/orders") return create(req);
    const [v, group, kind, id, verb] = parts;
    if (v === "v2" && group === "checkout" && kind === "orders" && id) {
      const r = await load(id);
      if (!r) return paypalError(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", "INVALID_RESOURCE_ID");
      if (req.method === "GET" && !verb) return json(r.order);
      if (req.method === "POST" && verb === "capture") return capture(r, req);
    }
    if (v === "v2" && group === "payments" && kind === "captures" && id && verb === "refund" && req.method === "POST") return refund(id, req);
    if (v === "v2" && group === "payments" && kind === "refunds" && id && !verb && req.method === "GET") {
      const r = await loadRefund(id);
      return r ? json(r.refund) : paypalError(404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", "INVALID_RESOURCE_ID");
    }
    return paypalError(404, "NOT_FOUND", "The specified resource does not exist.");
  }

  /** PayPal's transmission headers for one webhook body. */
  const signedHeaders = (body: string): Record<string, string> => {
    const transmissionId = randomBytes(16).toString("hex");
    const time = new Date().toISOString();
    return {
      "paypal-auth-algo": "SHA256withRSA",
      "paypal-cert-url": `${base()}/v1/notifications/certs/CERT-sandbox`,
      "paypal-transmission-id": transmissionId,
      "paypal-transmission-time": time,
      "paypal-transmission-sig": transmissionSignature(opts.webhookSecret, transmissionId, time, SANDBOX_WEBHOOK_ID, body),
    };
  };

  const sim = rt.simulator({
    async handle(req, parts) {
      if (parts[0] === "checkoutnow" && parts.length === 1) return payerPage(req);
      return api(req, parts);
    },

    async tick() {
      const url = sandboxWebhookUrl(base());
      await deliverDue<OrderRecord | RefundRecord>({
        store: opts.store,
        // Index entries (`req:…`, `cap:…`) are never due; orders and refunds are stored under their id.
        read: async (key) => (key.includes(":") ? null : ((await opts.store.get(key)) as OrderRecord | RefundRecord | null)),
        save: (r, dueInMs) => ("refund" in r ? saveRefund(r, dueInMs) : save(r, dueInMs)),
        send: (body) => postCallback(url, body, signedHeaders(body)),
        drop: rt.control.dropCallbacks,
        exclusive: rt.exclusive,
        onDue: (r) => ("refund" in r ? settleRefund(r) : false),
      });
    },
  });
  return sim;
}

import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { header } from "../sandbox/http.js";
import { actionPage } from "../sandbox/page.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, seeOther, soonestDue } from "../sandbox/runtime.js";
import { signPayload } from "../sandbox/signature.js";
import { deadlinePassed, MAX_OTP_ATTEMPTS, outcomeForPhone, SANDBOX_OTP, unansweredDeadline } from "../sandbox/test-numbers.js";
import {
  BUI_API_PREFIX,
  BUI_SERVICES,
  BUI_SIGNATURE_HEADER,
  type BuiStatus,
  isOtpService,
  isRedirectService,
  type Payment,
  PaymentRequest,
  serviceCurrency,
} from "./wire.js";

interface SimPayment extends Payment, Outbox {
  idempotenceKey: string | null;
  returnUrl: string | null;
  callbackUrl: string | null;
  otpAttempts: number;
  /** Where a right OTP leads (the phone's last two digits still decide, SPEC §14). */
  afterOtp: BuiStatus;
  /** Status the simulated customer reaches when the record falls due. */
  dueStatus: BuiStatus | null;
  /** A payment still waiting on its customer (prompt, OTP, Wave page) expires then (epoch ms). */
  deadline?: number | null;
}

const FINAL: readonly BuiStatus[] = ["succeeded", "failed", "cancelled", "expired"];
const REF = (reference: string) => `ref:${reference}`;
const ID = (id: string) => `id:${id}`;

const publicView = (p: SimPayment): Payment => ({
  id: p.id,
  reference: p.reference,
  service: p.service,
  amount: p.amount,
  currency: p.currency,
  recipient: p.recipient,
  status: p.status,
  paymentUrl: p.paymentUrl,
  failureReason: p.failureReason,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
const ok = (p: SimPayment, status = 200): SimResponse => ({ status, body: { payments: publicView(p) } });
/** BUI's documented error body: `{statusCode, message}` plus the failing field. */
const error = (statusCode: number, message: string, field?: string): SimResponse => ({
  status: statusCode,
  body: { statusCode, message, ...(field ? { field } : {}) },
});

/**
 * Sandbox of BUI Corporation's pay-in API at `/sandbox/bui/v1.0/…`. Outcomes follow the
 * phone's last two digits (SPEC §14); Orange Money CI (and any `…03` number) waits for an
 * OTP; Wave sends the customer to a page with approve/decline/cancel.
 */
export function createBuiSimulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());

  async function load(idOrReference: string): Promise<SimPayment | null> {
    const direct = (await opts.store.get(REF(idOrReference))) as SimPayment | null;
    if (direct) return direct;
    const pointer = (await opts.store.get(ID(idOrReference))) as { reference?: string } | null;
    return pointer?.reference ? ((await opts.store.get(REF(pointer.reference))) as SimPayment | null) : null;
  }
  // A payment still waiting on its customer stays due at its deadline.
  const save = (p: SimPayment, dueInMs: number | null) => {
    p.updatedAt = new Date().toISOString();
    return rt.put(REF(p.reference), p, soonestDue(dueInMs, FINAL.includes(p.status) ? null : p.deadline));
  };
  async function settle(p: SimPayment, status: BuiStatus, reason: string | null) {
    p.status = status;
    p.failureReason = reason;
    p.dueStatus = null;
    // BUI documents events for success and failure only; a cancelled Wave page is seen by a status call.
    const notify = status === "succeeded" || status === "failed";
    if (notify) queueEvent(p);
    await save(p, notify ? 0 : null);
  }

  async function create(req: SimRequest): Promise<SimResponse> {
    const parsed = PaymentRequest.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return error(422, issue?.message ?? "invalid request", issue?.path.join("."));
    }
    const { mobileMoney: mm } = parsed.data;
    if (!(BUI_SERVICES as readonly string[]).includes(mm.service)) return error(422, `unknown service ${mm.service}`, "mobileMoney.service");
    const key = header(req, "x-idempotence-key") ?? null;
    const existing = await load(mm.reference);
    if (existing) {
      // The same request again (same key, or none) answers the same payment; a new key is a clash.
      return !key || existing.idempotenceKey === null || existing.idempotenceKey === key
        ? ok(existing)
        : error(409, "reference already used", "mobileMoney.reference");
    }
    const outcome = outcomeForPhone(mm.recipient);
    // Test number …05: BUI is down for this call and keeps nothing (its status call says 404).
    if (outcome === "provider_error") return error(503, "Service temporarily unavailable, please retry later");
    const id = `pay_${randomBytes(12).toString("hex")}`;
    const now = new Date().toISOString();
    const redirect = isRedirectService(mm.service);
    const otp = !redirect && (isOtpService(mm.service) || outcome === "otp");
    const p: SimPayment = {
      id,
      reference: mm.reference,
      service: mm.service,
      amount: mm.amount,
      currency: serviceCurrency(mm.service),
      recipient: mm.recipient,
      status: otp ? "otp_required" : "pending",
      paymentUrl: redirect ? `${opts.publicBaseUrl()}/checkout/${id}` : null,
      failureReason: null,
      createdAt: now,
      updatedAt: now,
      idempotenceKey: key,
      returnUrl: mm.returnUrl ?? null,
      callbackUrl: mm.callbackUrl ?? null,
      otpAttempts: 0,
      afterOtp: outcome === "fail" ? "failed" : outcome === "never_answer" ? "processing" : "succeeded",
      dueStatus: redirect || otp ? null : outcome === "fail" ? "failed" : outcome === "never_answer" ? null : "succeeded",
    };
    p.deadline = p.dueStatus ? null : unansweredDeadline(opts);
    await opts.store.put(ID(id), { reference: p.reference }, null);
    await save(p, p.dueStatus ? opts.confirmMs : null);
    return ok(p, 201);
  }

  async function submitOtp(p: SimPayment, body: unknown): Promise<SimResponse> {
    if (p.status !== "otp_required") return error(409, "payment is not awaiting an OTP");
    const code = (body as { otpCode?: unknown } | null)?.otpCode;
    if (code === SANDBOX_OTP) {
      if (p.afterOtp === "processing") {
        p.status = "processing";
        await save(p, null);
      } else await settle(p, p.afterOtp, p.afterOtp === "failed" ? "insufficient funds" : null);
      return ok(p);
    }
    p.otpAttempts += 1;
    if (p.otpAttempts >= MAX_OTP_ATTEMPTS) await settle(p, "failed", "too many wrong OTPs");
    else await save(p, null);
    return error(422, "invalid OTP code", "otpCode");
  }

  function page(p: SimPayment): SimResponse {
    return actionPage({
      title: "Wave — BUI sandbox",
      lines: [`Pay ${p.amount} ${p.currency} to the merchant with Wave (${p.recipient}).`],
      action: `${opts.publicBaseUrl()}/checkout/${encodeURIComponent(p.id)}`,
      hidden: { payment: p.id },
    });
  }

  async function pageAction(p: SimPayment, body: unknown): Promise<SimResponse> {
    const action = (body as { action?: unknown } | null)?.action;
    if (action !== "approve" && action !== "decline" && action !== "cancel") return error(400, "unknown action", "action");
    if (p.status === "pending") {
      if (action === "approve") await settle(p, "succeeded", null);
      else if (action === "decline") await settle(p, "failed", "payment declined in Wave");
      else await settle(p, "cancelled", null);
    }
    if (!p.returnUrl) return { status: 200, headers: { "content-type": "text/plain; charset=utf-8" }, body: `Payment ${p.status}.` };
    return seeOther(p.returnUrl);
  }

  /** The event owed for a final status, to the payment's own `callbackUrl` (none given: none owed). */
  function queueEvent(p: SimPayment) {
    if (!p.callbackUrl) return;
    p.updatedAt = new Date().toISOString();
    queueCallback(
      p,
      JSON.stringify({
        id: `evt_${p.id}_${p.status}`,
        event: p.status === "succeeded" ? "payment.succeeded" : "payment.failed",
        createdAt: new Date().toISOString(),
        data: publicView(p),
      }),
    );
  }

  async function api(req: SimRequest, parts: string[]): Promise<SimResponse> {
    await rt.delay();
    if (rt.control.down) return error(503, "Service temporarily unavailable, please retry later");
    if (!/^Bearer \S+/.test(header(req, "authorization") ?? "")) return error(401, "missing or invalid API key");
    if (parts[0] !== "payments") return error(404, "not found");
    if (req.method === "POST" && parts.length === 1) return create(req);
    const p = parts[1] ? await load(parts[1]) : null;
    if (!p) return error(404, "payment not found");
    if (req.method === "GET" && parts.length === 2) return ok(p);
    if (req.method === "POST" && parts[2] === "otp" && parts.length === 3) return submitOtp(p, req.body);
    return error(404, "not found");
  }

  const sim = rt.simulator({
    async handle(req, parts) {
      if (parts[0] === "checkout" && parts[1] && parts.length === 2) {
        const p = await load(parts[1]);
        if (!p) return error(404, "payment not found");
        return req.method === "GET" ? page(p) : pageAction(p, req.body);
      }
      if (`/${parts[0]}` === BUI_API_PREFIX) return api(req, parts.slice(1));
      return error(404, "not found");
    },

    async tick() {
      await deliverDue({
        store: opts.store,
        // `id:…` keys are pointers; payments are stored under `ref:…`.
        read: async (id) => (id.startsWith("ref:") ? ((await opts.store.get(id)) as SimPayment | null) : null),
        save,
        send: (body, p) =>
          postCallback(p.callbackUrl ?? "", body, { [BUI_SIGNATURE_HEADER]: signPayload(opts.webhookSecret, body, Math.floor(Date.now() / 1000)) }),
        drop: rt.control.dropCallbacks,
        exclusive: rt.exclusive,
        // The simulated customer's deadline: the payment reaches the status it was due.
        onDue: (p) => {
          if (!p.dueStatus && deadlinePassed(p.deadline) && !FINAL.includes(p.status)) {
            // Nobody finished it: BUI expires the payment (seen by a status call; no event for it).
            p.status = "expired";
            p.failureReason = "the customer did not complete the payment in time";
            p.deadline = null;
            return true;
          }
          if (!p.dueStatus || FINAL.includes(p.status)) return false;
          p.status = p.dueStatus;
          p.failureReason = p.dueStatus === "failed" ? "insufficient funds" : null;
          p.dueStatus = null;
          queueEvent(p);
          return true;
        },
      });
    },
  });
  return sim;
}

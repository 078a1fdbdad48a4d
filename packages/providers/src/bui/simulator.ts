import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorControl, SimulatorOptions } from "../contract.js";
import { header, sleep } from "../sandbox/http.js";
import { renderActionPage } from "../sandbox/page.js";
import { applyControl, CALLBACK_MAX_ATTEMPTS, callbackRetryMs, createScheduler, deliverCallback, isControlRequest } from "../sandbox/scheduler.js";
import { signPayload } from "../sandbox/signature.js";
import { MAX_OTP_ATTEMPTS, outcomeForPhone, SANDBOX_OTP } from "../sandbox/test-numbers.js";
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

interface SimPayment extends Payment {
  idempotenceKey: string | null;
  returnUrl: string | null;
  callbackUrl: string | null;
  otpAttempts: number;
  /** Where a right OTP leads (the phone's last two digits still decide, SPEC §14). */
  afterOtp: BuiStatus;
  /** Status the simulated customer reaches when the record falls due. */
  dueStatus: BuiStatus | null;
  /** A callback is owed for the current (final) status. */
  notify: boolean;
  callbackAttempts: number;
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
  const control: SimulatorControl = { down: false, latencyMs: 0, dropCallbacks: false };
  const scheduler = createScheduler(opts, () => sim.tick());

  async function load(idOrReference: string): Promise<SimPayment | null> {
    const direct = (await opts.store.get(REF(idOrReference))) as SimPayment | null;
    if (direct) return direct;
    const pointer = (await opts.store.get(ID(idOrReference))) as { reference?: string } | null;
    return pointer?.reference ? ((await opts.store.get(REF(pointer.reference))) as SimPayment | null) : null;
  }
  const save = (p: SimPayment, dueInMs: number | null) => {
    p.updatedAt = new Date().toISOString();
    return scheduler.save(REF(p.reference), p, dueInMs);
  };
  async function settle(p: SimPayment, status: BuiStatus, reason: string | null) {
    p.status = status;
    p.failureReason = reason;
    p.dueStatus = null;
    // BUI documents events for success and failure only; a cancelled Wave page is seen by a status call.
    p.notify = status === "succeeded" || status === "failed";
    p.callbackAttempts = 0;
    await save(p, p.notify ? 0 : null);
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
      notify: false,
      callbackAttempts: 0,
    };
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
    return renderActionPage({
      title: "Wave — BUI sandbox",
      summary: `Pay ${p.amount} ${p.currency} to the merchant with Wave (${p.recipient}).`,
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
    return { status: 303, headers: { location: p.returnUrl } };
  }

  async function sendCallback(p: SimPayment): Promise<boolean> {
    if (!p.callbackUrl) return true;
    const body = JSON.stringify({
      id: `evt_${p.id}_${p.status}`,
      event: p.status === "succeeded" ? "payment.succeeded" : "payment.failed",
      createdAt: new Date().toISOString(),
      data: publicView(p),
    });
    return deliverCallback(p.callbackUrl, body, {
      "content-type": "application/json",
      [BUI_SIGNATURE_HEADER]: signPayload(opts.webhookSecret, body, Math.floor(Date.now() / 1000)),
    });
  }

  async function api(req: SimRequest, parts: string[]): Promise<SimResponse> {
    if (control.latencyMs > 0) await sleep(control.latencyMs);
    if (control.down) return error(503, "Service temporarily unavailable, please retry later");
    if (!/^Bearer \S+/.test(header(req, "authorization") ?? "")) return error(401, "missing or invalid API key");
    if (parts[0] !== "payments") return error(404, "not found");
    if (req.method === "POST" && parts.length === 1) return create(req);
    const p = parts[1] ? await load(parts[1]) : null;
    if (!p) return error(404, "payment not found");
    if (req.method === "GET" && parts.length === 2) return ok(p);
    if (req.method === "POST" && parts[2] === "otp" && parts.length === 3) return submitOtp(p, req.body);
    return error(404, "not found");
  }

  const sim: Simulator = {
    async handle(req) {
      if (isControlRequest(req)) return applyControl(control, req);
      const parts = req.path.split("/").filter(Boolean).map(decodeURIComponent);
      if (parts[0] === "checkout" && parts[1] && parts.length === 2) {
        const p = await load(parts[1]);
        if (!p) return error(404, "payment not found");
        return req.method === "GET" ? page(p) : pageAction(p, req.body);
      }
      if (`/${parts[0]}` === BUI_API_PREFIX) return api(req, parts.slice(1));
      return error(404, "not found");
    },

    async tick() {
      if (scheduler.stopped) return;
      for (const { id, data } of await opts.store.claimDue(new Date())) {
        if (!id.startsWith("ref:")) continue;
        const p = data as unknown as SimPayment;
        if (p.dueStatus && !FINAL.includes(p.status)) {
          p.status = p.dueStatus;
          p.failureReason = p.dueStatus === "failed" ? "insufficient funds" : null;
          p.dueStatus = null;
          p.notify = true;
          p.callbackAttempts = 0;
        }
        if (p.notify && !control.dropCallbacks) {
          const delivered = await sendCallback(p);
          p.callbackAttempts += 1;
          p.notify = !delivered && p.callbackAttempts < CALLBACK_MAX_ATTEMPTS;
          await save(p, p.notify ? callbackRetryMs(p.callbackAttempts) : null);
        } else {
          p.notify = false;
          await save(p, null);
        }
      }
    },

    stop: () => scheduler.stop(),
  };
  return sim;
}

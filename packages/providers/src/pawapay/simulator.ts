import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { header } from "../sandbox/http.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, sandboxWebhookUrl, soonestDue } from "../sandbox/runtime.js";
import { deadlinePassed, outcomeForPhone, refundFails, unansweredDeadline } from "../sandbox/test-numbers.js";
import { fromPawapayAmount } from "./amount.js";
import { createPaymentPageSim } from "./payment-page.js";
import { sandboxSigningKey, signMessage } from "./signature.js";
import { type DepositRecord, DIAL_CODE, failure, ok, queueDepositCallback, rejected } from "./sim-shared.js";
import { type Deposit, DepositRequest, type DepositStatus, PAWAPAY_PROVIDERS, RefundRequest } from "./wire.js";

const PROVIDERS = new Map<string, { country: string; currency: string }>(Object.values(PAWAPAY_PROVIDERS).map((p) => [p.provider, p]));

interface RefundRecord extends Outbox {
  kind: "refund";
  refundId: string;
  depositId: string;
  amount: string;
  currency: string;
  created: string;
  /** ACCEPTED until it settles at `due_at` (epoch ms); absent on records made before refunds settled. */
  status?: DepositStatus;
  due_at?: number | null;
  failureReason?: { failureCode: string; failureMessage: string };
}

const refundView = (r: RefundRecord) => ({
  refundId: r.refundId,
  depositId: r.depositId,
  status: r.status ?? "COMPLETED",
  amount: r.amount,
  currency: r.currency,
  created: r.created,
  ...(r.failureReason ? { failureReason: r.failureReason } : {}),
});

/**
 * Sandbox of PawaPay's v2 deposits API: same paths, bearer auth, bodies, statuses and signed
 * callbacks (RFC 9421, key served at `/v2/public-key/http`). The last two digits of the payer's
 * number choose the outcome (SPEC §14); state lives in the injected store.
 */
/** A deposit not final yet: its customer may still approve it, until its deadline. */
const waiting = (r: DepositRecord) => r.deposit.status === "PROCESSING" || r.deposit.status === "ACCEPTED";

export function createPawapaySimulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());
  const signing = sandboxSigningKey(opts.webhookSecret);
  const load = async (id: string) => (await opts.store.get(id)) as DepositRecord | RefundRecord | null;
  const { createPage, paywith } = createPaymentPageSim(opts, rt, load);
  async function initiate(req: SimRequest): Promise<SimResponse> {
    const parsed = DepositRequest.safeParse(req.body);
    if (!parsed.success) return failure(400, "INVALID_INPUT", parsed.error.issues[0]?.message ?? "invalid request");
    const input = parsed.data;
    const existing = await load(input.depositId);
    // The depositId is the idempotency key: a repeat changes nothing.
    if (existing?.kind === "deposit") return ok({ depositId: input.depositId, status: "DUPLICATE_IGNORED", created: existing.deposit.created });
    const target = PROVIDERS.get(input.payer.accountDetails.provider);
    if (!target) return rejected(input.depositId, "INVALID_PROVIDER", "unknown provider");
    if (target.currency !== input.currency)
      return rejected(input.depositId, "INVALID_CURRENCY", `${input.payer.accountDetails.provider} takes ${target.currency}`);
    const minor = fromPawapayAmount(input.amount, input.currency);
    if (minor === null || minor <= 0) return rejected(input.depositId, "INVALID_AMOUNT", "amount is not valid for this currency");
    const phone = input.payer.accountDetails.phoneNumber;
    if (!/^\d{8,15}$/.test(phone) || !phone.startsWith(DIAL_CODE[target.country] ?? "-")) {
      return rejected(input.depositId, "INVALID_PHONE_NUMBER", "phone number must be digits with the country code");
    }
    const outcome = outcomeForPhone(phone);
    if (outcome === "provider_error") return failure(500, "UNKNOWN_ERROR", "simulated internal error; nothing was processed");
    const deposit: Deposit = {
      depositId: input.depositId,
      status: "ACCEPTED",
      amount: input.amount,
      currency: input.currency,
      country: target.country,
      payer: input.payer,
      created: new Date().toISOString(),
      ...(input.customerMessage ? { customerMessage: input.customerMessage } : {}),
      ...(input.clientReferenceId ? { clientReferenceId: input.clientReferenceId } : {}),
    };
    // PawaPay has no OTP step for deposits: `03` gets the PIN prompt like any other number.
    const due: DepositStatus = outcome === "fail" ? "FAILED" : outcome === "never_answer" ? "PROCESSING" : "COMPLETED";
    const record: DepositRecord = { kind: "deposit", deposit, due, refunded: 0, deadline: outcome === "never_answer" ? unansweredDeadline(opts) : null };
    await rt.put(input.depositId, record, opts.confirmMs);
    return ok({ depositId: input.depositId, status: "ACCEPTED", created: deposit.created });
  }

  async function refund(req: SimRequest): Promise<SimResponse> {
    const parsed = RefundRequest.safeParse(req.body);
    if (!parsed.success) return failure(400, "INVALID_INPUT", parsed.error.issues[0]?.message ?? "invalid request");
    const input = parsed.data;
    const no = (code: string, message: string) =>
      ok({ refundId: input.refundId, status: "REJECTED", failureReason: { failureCode: code, failureMessage: message } });
    if ((await load(input.refundId))?.kind === "refund") return ok({ refundId: input.refundId, status: "DUPLICATE_IGNORED" });
    const d = await load(input.depositId);
    if (d?.kind !== "deposit" || d.deposit.status !== "COMPLETED") return no("DEPOSIT_NOT_FOUND", "no completed deposit with this depositId");
    const amount = fromPawapayAmount(input.amount, input.currency);
    const paid = fromPawapayAmount(d.deposit.amount, d.deposit.currency) ?? 0;
    // What is taken: refunds not failed (older records kept only the running total).
    let taken = d.refund_ids ? 0 : d.refunded;
    for (const id of d.refund_ids ?? []) {
      const other = await load(id);
      if (other?.kind === "refund" && other.status !== "FAILED") taken += fromPawapayAmount(other.amount, other.currency) ?? 0;
    }
    if (taken >= paid) return no("DEPOSIT_ALREADY_REFUNDED", "the deposit is fully refunded");
    if (amount === null || amount <= 0 || input.currency !== d.deposit.currency || taken + amount > paid) {
      return no("AMOUNT_TOO_LARGE", "amount exceeds what is left to refund");
    }
    d.refunded = taken + amount;
    d.refund_ids = [...(d.refund_ids ?? []), input.refundId];
    await rt.put(input.depositId, d, null);
    const record: RefundRecord = {
      kind: "refund",
      refundId: input.refundId,
      depositId: input.depositId,
      amount: input.amount,
      currency: input.currency,
      created: new Date().toISOString(),
      status: "ACCEPTED",
      due_at: Date.now() + opts.confirmMs,
    };
    await rt.put(input.refundId, record, opts.confirmMs);
    return ok({ refundId: input.refundId, status: "ACCEPTED", created: record.created });
  }

  /** The refund's time has come: COMPLETED, or FAILED for an amount ending in 01 (SPEC §10); a callback is owed either way. */
  const settleRefund = (r: RefundRecord): boolean => {
    if (r.due_at === undefined || r.due_at === null || r.due_at > Date.now()) return false;
    r.due_at = null;
    const minor = fromPawapayAmount(r.amount, r.currency) ?? 0;
    r.status = refundFails(minor) ? "FAILED" : "COMPLETED";
    if (r.status === "FAILED")
      r.failureReason = { failureCode: "RECIPIENT_NOT_ALLOWED_TO_RECEIVE", failureMessage: "The refund could not be paid to the customer." };
    queueCallback(r, JSON.stringify(refundView(r)));
    return true;
  };

  async function route(req: SimRequest, parts: string[]): Promise<SimResponse> {
    const [version, resource, id] = parts;
    if (version !== "v2") return failure(404, "NOT_FOUND", "unknown path");
    if (req.method === "POST" && resource === "deposits" && parts.length === 2) return initiate(req);
    if (req.method === "GET" && resource === "deposits" && id && parts.length === 3) {
      const r = await load(id);
      return ok(r?.kind === "deposit" ? { status: "FOUND", data: r.deposit } : { status: "NOT_FOUND" });
    }
    if (req.method === "POST" && resource === "deposits" && id === "resend-callback" && parts[3]) {
      const r = await load(parts[3]);
      if (r?.kind !== "deposit")
        return ok({ depositId: parts[3], status: "REJECTED", failureReason: { failureCode: "NOT_FOUND", failureMessage: "no such deposit" } });
      if (r.deposit.status !== "COMPLETED" && r.deposit.status !== "FAILED") {
        return ok({ depositId: parts[3], status: "REJECTED", failureReason: { failureCode: "INVALID_STATE", failureMessage: "deposit is not final" } });
      }
      queueDepositCallback(r);
      await rt.put(parts[3], r, 0);
      return ok({ depositId: parts[3], status: "ACCEPTED" });
    }
    if (req.method === "POST" && resource === "paymentpage" && parts.length === 2) return createPage(req);
    if (req.method === "POST" && resource === "refunds" && parts.length === 2) return refund(req);
    if (req.method === "GET" && resource === "refunds" && id) {
      const r = await load(id);
      if (r?.kind !== "refund") return ok({ status: "NOT_FOUND" });
      return ok({ status: "FOUND", data: refundView(r) });
    }
    if (req.method === "GET" && resource === "public-key" && id === "http") return ok([{ id: signing.keyId, key: signing.publicKeyPem }]);
    return failure(404, "NOT_FOUND", "unknown path");
  }

  const sim = rt.simulator({
    async handle(req, parts) {
      await rt.delay();
      // The hosted page is the customer's browser, not the API: no token, no outage switch.
      if (parts[0] === "paywith") return paywith(req);
      if (rt.control.down) {
        // PawaPay's "not processed" answer: a deposit REJECTED with PROVIDER_TEMPORARILY_UNAVAILABLE.
        const depositId = (req.body as { depositId?: unknown } | null)?.depositId;
        if (req.method === "POST" && (parts.join("/") === "v2/deposits" || parts.join("/") === "v2/paymentpage")) {
          return rejected(typeof depositId === "string" ? depositId : "", "PROVIDER_TEMPORARILY_UNAVAILABLE", "provider unavailable, request not processed");
        }
        return failure(503, "PROVIDER_TEMPORARILY_UNAVAILABLE", "provider unavailable, request not processed");
      }
      if (!/^Bearer \S+/.test(header(req, "authorization") ?? "")) return failure(401, "AUTHENTICATION_ERROR", "missing or invalid API token");
      return route(req, parts);
    },

    async tick() {
      // Callback URLs are set per account in PawaPay's Dashboard; the sandbox account's is
      // ZeroFee's own inbound route next to where the sandbox is mounted.
      const url = sandboxWebhookUrl(opts.publicBaseUrl());
      await deliverDue<DepositRecord | RefundRecord>({
        store: opts.store,
        read: async (id) => {
          const r = await load(id);
          return r?.kind === "deposit" || r?.kind === "refund" ? r : null;
        },
        // A deposit still waiting on its customer stays due at its deadline.
        save: (r, dueInMs) =>
          r.kind === "refund" ? rt.put(r.refundId, r, dueInMs) : rt.put(r.deposit.depositId, r, soonestDue(dueInMs, waiting(r) ? r.deadline : null)),
        send: (body) => postCallback(url, body, { ...signMessage({ url, body, keyId: signing.keyId, privateKey: signing.privateKey, date: new Date() }) }),
        drop: rt.control.dropCallbacks,
        exclusive: rt.exclusive,
        // The simulated customer's deadline: the deposit reaches the status it was due.
        onDue: (r) => {
          if (r.kind === "refund") return settleRefund(r);
          if (!r.due && deadlinePassed(r.deadline) && waiting(r)) {
            // Nobody approved the prompt: PawaPay fails the deposit and calls back.
            r.deposit.status = "FAILED";
            r.deposit.failureReason = { failureCode: "PAYMENT_NOT_APPROVED", failureMessage: "The customer did not approve the payment in time." };
            r.deadline = null;
            queueDepositCallback(r);
            return true;
          }
          if (!r.due) return false;
          r.deposit.status = r.due;
          if (r.due === "FAILED") r.deposit.failureReason = { failureCode: "INSUFFICIENT_BALANCE", failureMessage: "The customer does not have enough funds." };
          if (r.due === "COMPLETED") r.deposit.providerTransactionId = `SBX${randomBytes(6).toString("hex").toUpperCase()}`;
          // Callbacks are sent for final states only.
          if (r.due !== "PROCESSING") queueDepositCallback(r);
          r.due = null;
          return true;
        },
      });
    },
  });
  return sim;
}

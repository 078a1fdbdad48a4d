import { createHmac, randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, Simulator, SimulatorOptions } from "../contract.js";
import { actionPage, CARD_INPUT, NOT_A_TEST_CARD, TEST_CARDS, testCard } from "../sandbox/page.js";
import { createSimRuntime, deliverDue, type Outbox, postCallback, queueCallback, seeOther, soonestDue } from "../sandbox/runtime.js";
import { deadlinePassed, outcomeForPhone, unansweredDeadline } from "../sandbox/test-numbers.js";
import { INIT_PATH, InitRequest, PAGE_PATH, PP_CURRENCIES, type ResponseCode, STATUS_PATH, type StatusBody } from "./wire.js";

interface SimTransaction extends Outbox {
  sessionid: string;
  merchantId: string;
  referenceNumber: string;
  amount: number;
  channel: string;
  countryCurrencyCode: string;
  notificationURL: string;
  returnURL: string;
  returnContext: string | null;
  /** What PaiementPro's status API reports; `null` until the outcome is final there. */
  responsecode: ResponseCode | null;
  /** The customer's choice on the page, reported by the status API from `settleAt` on. */
  pendingCode: ResponseCode | null;
  settleAt: number | null;
  payId: string | null;
  date: string | null;
  /** A session nobody completes fails then (epoch ms), as PaiementPro's sessions lapse. */
  deadline?: number | null;
}

const REF = (reference: string) => `ref:${reference}`;
const SID = (sessionid: string) => `sid:${sessionid}`;
const ACTION_CODES: Record<string, ResponseCode> = { approve: "0", decline: "-1", cancel: "-2" };

/** PaiementPro answers in French; `success:false` is its documented refusal. */
const refuse = (message: string, status = 200): SimResponse => ({ status, body: { success: false, message } });
const unavailable = () => refuse("Service momentanément indisponible, veuillez réessayer", 503);

/**
 * Sandbox of PaiementPro at `/sandbox/paiementpro/…`: the JSON init, the hosted page with
 * approve/decline/cancel, the status API and the notification. Like the real one, its
 * status reports the outcome a little after the customer is sent back (`statusLagMs`).
 */
export function createPaiementproSimulator(opts: SimulatorOptions): Simulator {
  const rt = createSimRuntime(opts, () => sim.tick());
  // Short enough for fast tests, long enough that a return checked only once can miss it.
  const statusLagMs = Math.min(opts.confirmMs, 1000);

  async function load(reference: string) {
    return (await opts.store.get(REF(reference))) as SimTransaction | null;
  }
  async function bySession(sessionid: string) {
    const pointer = (await opts.store.get(SID(sessionid))) as { reference?: string } | null;
    return pointer?.reference ? load(pointer.reference) : null;
  }
  const untouched = (t: SimTransaction) => t.responsecode === null && t.pendingCode === null;
  const save = (t: SimTransaction, dueInMs: number | null) => {
    // A choice whose lag has not passed yet is also due when it settles; a session nobody
    // touched, when it lapses.
    const settles = t.pendingCode !== null ? t.settleAt : null;
    return rt.put(REF(t.referenceNumber), t, soonestDue(soonestDue(dueInMs, settles), untouched(t) ? t.deadline : null));
  };

  /** The session lapsed with nobody paying: a failure at PaiementPro, notified like any outcome. */
  function lapsed(t: SimTransaction, now = Date.now()): boolean {
    if (!untouched(t) || !deadlinePassed(t.deadline)) return false;
    t.responsecode = "-1";
    t.deadline = null;
    t.date = new Date(now).toISOString().replace("T", " ").slice(0, 19);
    queueNotification(t);
    return true;
  }

  /** Applies the customer's choice once its lag has passed (status calls may come before the tick), owing the notification. */
  function settled(t: SimTransaction, now = Date.now()): boolean {
    if (t.pendingCode === null || t.settleAt === null || now < t.settleAt) return false;
    t.responsecode = t.pendingCode;
    t.pendingCode = null;
    t.settleAt = null;
    t.payId = `CI${new Date(now).toISOString().replace(/\D/g, "").slice(0, 14)}${randomBytes(2).toString("hex")}`;
    t.date = new Date(now).toISOString().replace("T", " ").slice(0, 19);
    queueNotification(t);
    return true;
  }

  async function init(req: SimRequest): Promise<SimResponse> {
    const parsed = InitRequest.safeParse(req.body);
    if (!parsed.success) return refuse(`Paramètres insuffisants: ${parsed.error.issues[0]?.path.join(".") ?? "?"}`);
    const b = parsed.data;
    if (!Object.values(PP_CURRENCIES).some((c) => c.numeric === b.countryCurrencyCode)) return refuse("Devise non supportée");
    const existing = await load(b.referenceNumber);
    if (existing) {
      // Our id is idempotent: the same order again gets the same session, a different one is refused.
      const same = existing.merchantId === b.merchantId && existing.amount === b.amount;
      return same ? { status: 200, body: { success: true, message: "OK", url: pageUrl(existing.sessionid) } } : refuse("Numéro de référence déjà utilisé");
    }
    // Test number …05: down for this call, nothing kept (its status call then says 404).
    if (outcomeForPhone(b.customerPhoneNumber ?? "") === "provider_error") return unavailable();
    const t: SimTransaction = {
      sessionid: randomBytes(16).toString("hex"),
      merchantId: b.merchantId,
      referenceNumber: b.referenceNumber,
      amount: b.amount,
      channel: b.channel,
      countryCurrencyCode: b.countryCurrencyCode,
      notificationURL: b.notificationURL,
      returnURL: b.returnURL,
      returnContext: b.returnContext ?? null,
      responsecode: null,
      pendingCode: null,
      settleAt: null,
      payId: null,
      date: null,
      deadline: unansweredDeadline(opts),
    };
    await opts.store.put(SID(t.sessionid), { reference: t.referenceNumber }, null);
    await save(t, null);
    return { status: 200, body: { success: true, message: "OK", url: pageUrl(t.sessionid) } };
  }

  const pageUrl = (sessionid: string) => `${opts.publicBaseUrl()}${PAGE_PATH}?sessionid=${sessionid}`;

  function page(t: SimTransaction, error?: string): SimResponse {
    return actionPage({
      ...(error ? { error } : {}),
      title: "PaiementPro — sandbox",
      lines: [`Pay ${t.amount} F CFA${t.channel ? ` (${t.channel})` : ""}, order ${t.referenceNumber}.`],
      action: pageUrl(t.sessionid),
      hidden: { sessionid: t.sessionid },
      ...(t.channel === "CARD" ? { inputs: CARD_INPUT } : {}),
    });
  }

  /**
   * The card page's test cards (SPEC §14): `…0002` is declined, `…3220` asks for 3-D Secure
   * first, any number that is not a test card is refused (the page asks again).
   */
  function cardStep(t: SimTransaction, form: Record<string, unknown>): "declined" | "challenge" | "refused" | null {
    if (t.channel !== "CARD" || form.action !== "approve") return null;
    const card = testCard(form.card_number);
    if (card === null) return "refused";
    if (card === TEST_CARDS.declined) return "declined";
    return card === TEST_CARDS.threeDSecure && form.step !== "3ds" ? "challenge" : null;
  }

  function challengePage(t: SimTransaction, card: string): SimResponse {
    return actionPage({
      title: "3-D Secure — PaiementPro sandbox",
      lines: [`Your bank asks you to confirm ${t.amount} F CFA (approve = the right code).`],
      action: pageUrl(t.sessionid),
      hidden: { sessionid: t.sessionid, step: "3ds", card_number: card },
    });
  }

  async function pageAction(t: SimTransaction, body: unknown): Promise<SimResponse> {
    const form = (body ?? {}) as Record<string, unknown>;
    const action = String(form.action ?? "");
    const step = cardStep(t, form);
    if (step === "refused" && t.responsecode === null && t.pendingCode === null) return page(t, NOT_A_TEST_CARD);
    if (step === "challenge" && t.responsecode === null && t.pendingCode === null) return challengePage(t, String(form.card_number));
    const code = step === "declined" ? "-1" : Object.hasOwn(ACTION_CODES, action) ? ACTION_CODES[action] : undefined;
    if (!code) return refuse("Action inconnue", 400);
    if (t.responsecode === null && t.pendingCode === null) {
      t.pendingCode = code;
      t.settleAt = Date.now() + statusLagMs;
      await save(t, statusLagMs);
    }
    const target = new URL(t.returnURL);
    target.searchParams.set("responsecode", t.pendingCode ?? t.responsecode ?? code);
    target.searchParams.set("referenceNumber", t.referenceNumber);
    return seeOther(target.toString());
  }

  function statusView(t: SimTransaction): StatusBody & { token: string } {
    return {
      success: t.responsecode === "0",
      responsecode: t.responsecode,
      reference: t.referenceNumber,
      pay_id: t.payId,
      marchant_id: t.merchantId,
      amount: t.amount,
      channel: t.channel,
      date: t.date,
      token: t.sessionid,
    };
  }

  function queueNotification(t: SimTransaction): void {
    const amount = String(t.amount);
    // [U] The `hashcode` scheme is not published; this one is a guess the adapter does not rely on.
    const hashcode = createHmac("sha256", opts.webhookSecret).update(`${t.merchantId}${t.referenceNumber}${amount}`).digest("hex");
    const body = JSON.stringify({
      merchantId: t.merchantId,
      countryCurrencyCode: t.countryCurrencyCode,
      referenceNumber: t.referenceNumber,
      amount: t.amount,
      transactiondt: t.date,
      ...(t.returnContext ? { returnContext: t.returnContext } : {}),
      responsecode: Number(t.responsecode),
      hashcode,
    });
    queueCallback(t, body);
  }

  async function api(req: SimRequest, path: string): Promise<SimResponse> {
    await rt.delay();
    if (rt.control.down) return unavailable();
    if (req.method === "POST" && path === INIT_PATH) return init(req);
    const status = path.startsWith(`${STATUS_PATH}/`) ? decodeURIComponent(path.slice(STATUS_PATH.length + 1)) : null;
    if (req.method === "GET" && status) {
      const t = await load(status);
      if (!t) return refuse("Transaction introuvable", 404);
      if (settled(t) || lapsed(t)) await save(t, 0);
      return { status: 200, body: statusView(t) };
    }
    return refuse("Not found", 404);
  }

  const sim = rt.simulator({
    async handle(req) {
      const path = req.path.replace(/\/+$/, "");
      if (path === PAGE_PATH) {
        const sessionid = String((req.body as { sessionid?: unknown } | null)?.sessionid ?? req.query.sessionid ?? "");
        const t = sessionid ? await bySession(sessionid) : null;
        if (!t) return refuse("Session invalide ou expirée", 404);
        return req.method === "GET" ? page(t) : pageAction(t, req.body);
      }
      return api(req, path);
    },

    async tick() {
      await deliverDue({
        store: opts.store,
        // `sid:…` keys are pointers; transactions are stored under `ref:…`.
        read: async (id) => (id.startsWith("ref:") ? ((await opts.store.get(id)) as SimTransaction | null) : null),
        save,
        send: (body, t) => postCallback(t.notificationURL, body, {}),
        drop: rt.control.dropCallbacks,
        exclusive: rt.exclusive,
        onDue: (t) => settled(t) || lapsed(t),
      });
    },
  });
  return sim;
}

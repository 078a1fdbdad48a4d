import { randomBytes } from "node:crypto";
import type { SimRequest, SimResponse, SimulatorOptions } from "../contract.js";
import { actionPage } from "../sandbox/page.js";
import { type SimRuntime, seeOther } from "../sandbox/runtime.js";
import { outcomeForPhone } from "../sandbox/test-numbers.js";
import { fromPawapayAmount } from "./amount.js";
import { type DepositRecord, DIAL_CODE, failure, ok, queueDepositCallback, rejected } from "./sim-shared.js";
import { type Deposit, PAWAPAY_PROVIDERS, PaymentPageRequest } from "./wire.js";

/** A Payment Page session: the deposit is made only when the customer pays on the page. */
interface PageRecord {
  kind: "page";
  depositId: string;
  returnUrl: string;
  amount: string;
  currency: string;
  country: string;
  phoneNumber: string | null;
  closed: boolean;
}

/**
 * PawaPay's hosted Payment Page in the sandbox: `POST /v2/paymentpage` opens a session, the
 * customer's browser gets a plain form at `/paywith/v2?token=…`, and their button makes (or
 * not) the deposit before the 303 back to `returnUrl?depositId=…`.
 */
export function createPaymentPageSim(opts: SimulatorOptions, rt: SimRuntime, load: (id: string) => Promise<unknown>) {
  const loadPage = async (depositId: string) => {
    const r = (await opts.store.get(`page:${depositId}`)) as PageRecord | null;
    return r?.kind === "page" ? r : null;
  };
  const pageUrl = (depositId: string) => `${opts.publicBaseUrl()}/paywith/v2?token=${encodeURIComponent(depositId)}`;

  async function createPage(req: SimRequest): Promise<SimResponse> {
    const parsed = PaymentPageRequest.safeParse(req.body);
    if (!parsed.success) return failure(400, "INVALID_INPUT", parsed.error.issues[0]?.message ?? "invalid request");
    const input = parsed.data;
    if ((await loadPage(input.depositId)) || (await load(input.depositId))) return ok({ redirectUrl: pageUrl(input.depositId) });
    const country = input.country ?? "";
    if (!Object.values(PAWAPAY_PROVIDERS).some((p) => p.country === country && p.currency === input.amountDetails.currency)) {
      return rejected(input.depositId, "INVALID_CURRENCY", "no provider takes this currency in this country");
    }
    const minor = fromPawapayAmount(input.amountDetails.amount, input.amountDetails.currency);
    if (minor === null || minor <= 0) return rejected(input.depositId, "INVALID_AMOUNT", "amount is not valid for this currency");
    // On a page the customer's choices decide; only 05 (provider failure) applies.
    if (input.phoneNumber && outcomeForPhone(input.phoneNumber) === "provider_error")
      return failure(500, "UNKNOWN_ERROR", "simulated internal error; nothing was processed");
    const page: PageRecord = {
      kind: "page",
      depositId: input.depositId,
      returnUrl: input.returnUrl,
      amount: input.amountDetails.amount,
      currency: input.amountDetails.currency,
      country,
      phoneNumber: input.phoneNumber ?? null,
      closed: false,
    };
    await rt.put(`page:${input.depositId}`, page, null);
    return ok({ redirectUrl: pageUrl(input.depositId) });
  }

  /** The customer's choice on the page: approve pays, decline makes a FAILED deposit, cancel makes none. */
  async function pageAction(page: PageRecord, action: unknown): Promise<SimResponse> {
    if (!page.closed && (action === "approve" || action === "decline")) {
      const provider = Object.values(PAWAPAY_PROVIDERS).find((p) => p.country === page.country && p.provider.startsWith("WAVE_"))?.provider ?? "WAVE_CIV";
      const deposit: Deposit = {
        depositId: page.depositId,
        status: action === "approve" ? "COMPLETED" : "FAILED",
        amount: page.amount,
        currency: page.currency,
        country: page.country,
        payer: { type: "MMO", accountDetails: { phoneNumber: page.phoneNumber ?? `${DIAL_CODE[page.country] ?? ""}000000000`, provider } },
        created: new Date().toISOString(),
        ...(action === "approve"
          ? { providerTransactionId: `SBX${randomBytes(6).toString("hex").toUpperCase()}` }
          : { failureReason: { failureCode: "PAYMENT_NOT_APPROVED", failureMessage: "The customer declined the payment." } }),
      };
      const record: DepositRecord = { kind: "deposit", deposit, due: null, refunded: 0 };
      queueDepositCallback(record);
      await rt.put(page.depositId, record, 0);
    } else if (!page.closed && action !== "cancel") {
      return failure(400, "INVALID_INPUT", "unknown action");
    }
    await rt.put(`page:${page.depositId}`, { ...page, closed: true }, null);
    const target = new URL(page.returnUrl);
    target.searchParams.set("depositId", page.depositId);
    return seeOther(target.toString());
  }

  async function paywith(req: SimRequest): Promise<SimResponse> {
    const token = req.method === "GET" ? req.query.token : (req.body as { token?: unknown } | null)?.token;
    const page = typeof token === "string" ? await loadPage(token) : null;
    if (!page) return failure(404, "NOT_FOUND", "no such payment page");
    if (req.method === "POST") return pageAction(page, (req.body as { action?: unknown } | null)?.action);
    if (page.closed) return pageAction(page, "cancel");
    return actionPage({
      title: "PawaPay sandbox — Payment Page",
      lines: [`Pay ${page.amount} ${page.currency} with Wave`],
      action: `${opts.publicBaseUrl()}/paywith/v2`,
      hidden: { token: page.depositId },
    });
  }

  return { createPage, paywith };
}

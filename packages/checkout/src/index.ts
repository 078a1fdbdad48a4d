import { Api, ApiError, attemptKey } from "./api.js";
import { adoptStyles, focusables, h, type Kid, trapTab } from "./dom.js";
import { fill, money, pickLocale, type Strings, strings } from "./i18n.js";
import { formatNational, isValid, nationalNumber, operatorFor } from "./phone.js";
import { listenForReturn, openBlankPopup } from "./redirect.js";
import { CSS } from "./styles.js";
import type { Catalogue, CheckoutOptions, Country, Method, PaymentStatus, PayResult, State } from "./types.js";

export type { CheckoutOptions, State } from "./types.js";

/** Where this script was loaded from: the API it talks to unless `apiUrl` says otherwise. */
const SCRIPT_ORIGIN = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();
const POLL_MS = 2000;
const REDIRECT_TIMEOUT_MS = 600_000;
const TERMINAL: PaymentStatus[] = ["completed", "failed", "expired", "cancelled"];

type Step = "loading" | "country" | "method" | "details" | "otp" | "wait";

/**
 * ZeroFee's checkout widget. Renders in an open shadow root, inside `role="dialog"`.
 * Callbacks are UX only: fulfil orders from ZeroFee's signed webhook or a server-side read.
 *
 * @example
 * const checkout = new ZeroFeeCheckout({ publicKey: "pk_test_…", amount: 5000, currency: "XOF",
 *   onSuccess: (r) => console.log(r.transactionId) });
 * checkout.open();
 */
class ZeroFeeCheckout {
  private readonly o: CheckoutOptions;
  private t: Strings;
  private locale: "fr" | "en";
  private readonly api: Api;
  private readonly origin: string;
  private host?: HTMLElement;
  private root?: ShadowRoot;
  private dlg?: HTMLElement;
  /** What render() replaces; the live region beside it stays, so screen readers keep listening. */
  private content?: HTMLElement;
  private live?: HTMLElement;
  /** "Connection lost" / "restored": shown and announced. */
  private note?: HTMLElement;
  /** The view last drawn: drawing it again moves no focus. */
  private view = "";
  /** Page elements made inert while open. */
  private inerted: Element[] = [];
  private cat?: Catalogue;
  private s: State = "idle";
  private step: Step = "loading";
  private countries: Country[] = [];
  private country?: Country;
  private method?: Method;
  private phone = "";
  private err = "";
  private pay?: PayResult;
  private redirectUrl = "";
  private popup: Window | null = null;
  private timers: number[] = [];
  private unlisten?: () => void;
  private prevFocus: Element | null = null;
  private prevOverflow = "";
  private busy = false;
  /** The redirect method's window was closed before the payment ended. */
  private popupClosed = false;
  /** The payment followed was started elsewhere (another tab or device): this page only watches it. */
  private elsewhere = false;
  /** Status polls failed in a row (the network or the server is away). */
  private missedPolls = 0;
  /**
   * The Idempotency-Key of the last « Payer » and what it sent: pressing it again with the
   * same details after a network error or a 5xx resumes that payment instead of starting a
   * second one (a 503 leaves the payment waiting for exactly that retry).
   */
  private attempt?: { body: string; key: string };
  private readonly onKey = (e: KeyboardEvent) => {
    // Only the modal traps Tab: a (framed) full page must let it out (WCAG 2.1.2).
    if (this.o.hosted || !this.root || !this.dlg) return;
    if (e.key === "Escape") {
      e.preventDefault();
      this.close();
    } else if (e.key === "Tab") trapTab(e, this.root, this.dlg);
  };

  constructor(options: CheckoutOptions) {
    if (!options || (!options.publicKey && !options.clientSecret)) throw new Error("ZeroFeeCheckout: publicKey or clientSecret is required");
    if (!options.clientSecret) {
      // The page's own mistakes, told to its developer at once rather than to the customer later.
      if (!Number.isSafeInteger(options.amount) || (options.amount as number) <= 0) {
        throw new Error("ZeroFeeCheckout: amount must be a positive integer in the currency's minor unit (XOF has none: 5000 is 5 000 F CFA)");
      }
      if (options.currency !== undefined && !/^[A-Za-z]{3}$/.test(options.currency))
        throw new Error('ZeroFeeCheckout: currency must be an ISO 4217 code such as "XOF"');
    }
    this.o = options;
    this.locale = pickLocale(options.locale);
    this.t = strings(this.locale);
    const base = (options.apiUrl ?? SCRIPT_ORIGIN).replace(/\/+$/, "");
    this.origin = new URL(base).origin;
    this.api = new Api(base, (options.clientSecret ?? options.publicKey) as string);
  }

  /** One of SPEC §8's seven states. */
  get state(): State {
    return this.s;
  }

  open(): void {
    if (this.host) return;
    this.prevFocus = document.activeElement;
    this.host = h("div", { "data-zerofee-checkout": "", role: this.o.hosted && "main" });
    this.root = this.host.attachShadow({ mode: "open" });
    adoptStyles(this.root, CSS, this.o.cspNonce);
    this.content = h("div");
    this.live = h("div", { class: "sr", role: "status", "aria-live": "polite" });
    this.note = h("div", { class: "e n", role: "status", "aria-live": "polite" });
    this.dlg = h("div", { class: "d", role: "dialog", "aria-modal": "true", "aria-labelledby": "zf-t", lang: this.locale }, this.content, this.note, this.live);
    const overlay = h("div", { class: this.o.hosted ? "o h" : "o" }, this.dlg);
    this.root.append(overlay);
    this.root.addEventListener("keydown", this.onKey as EventListener);
    document.body.append(this.host);
    if (!this.o.hosted) {
      this.prevOverflow = document.documentElement.style.overflow;
      document.documentElement.style.overflow = "hidden";
      for (const el of Array.from(document.body.children)) {
        if (el === this.host || el.hasAttribute("inert")) continue;
        el.setAttribute("inert", "");
        this.inerted.push(el);
      }
    }
    this.view = "";
    this.render();
    void this.load();
  }

  close(): void {
    if (!this.host) return;
    this.stop();
    this.host.remove();
    this.host = undefined;
    for (const el of this.inerted) el.removeAttribute("inert");
    this.inerted = [];
    if (!this.o.hosted) document.documentElement.style.overflow = this.prevOverflow;
    (this.prevFocus as HTMLElement | null)?.focus?.();
    this.o.onClose?.();
  }

  // ------------------------------------------------------------------ flow

  private get amount(): number {
    return this.cat?.amount ?? this.o.amount ?? 0;
  }

  private get currency(): string {
    return this.cat?.currency ?? this.o.currency ?? "XOF";
  }

  private get testMode(): boolean {
    return (this.o.publicKey ?? "").startsWith("pk_test_") || this.cat?.livemode === false;
  }

  private get pendingKey(): string {
    // Simple mode: the same key, amount and currency in this tab is the same purchase.
    return `zerofee:pending:${this.cat?.session?.id ?? `${this.o.publicKey}:${this.o.amount}:${this.o.currency}`}`;
  }

  private async load(): Promise<void> {
    try {
      this.cat = await this.api.catalogue(this.o.clientSecret ? undefined : this.o.currency);
    } catch (e) {
      return this.fail(e);
    }
    const c = this.cat;
    // The session's locale, where the page passed none (as its hosted page does).
    const l = c.session?.locale;
    if (!this.o.locale && (l === "fr" || l === "en")) {
      this.locale = l;
      this.t = strings(l);
      if (this.dlg) this.dlg.lang = l;
    }
    if (c.session && c.session.status !== "open") {
      const complete = c.session.status === "complete";
      this.go(complete ? "completed" : "expired", "wait", this.t.closed);
      if (!complete) this.o.onError?.({ code: "checkout_session_closed", message: this.t.closed });
      return;
    }
    this.countries = c.countries.filter((x) => !this.o.country || x.code === this.o.country);
    if (this.countries.length === 1) this.country = this.countries[0];
    if (await this.resume()) return;
    this.go("idle", this.countries.length > 1 ? "country" : "method");
  }

  /** A reload during a payment resumes it instead of starting another (the id is all that is kept). */
  private async resume(): Promise<boolean> {
    let saved: { id: string; url?: string } | null = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(this.pendingKey) ?? "null");
    } catch {
      saved = null;
    }
    // Not started in this tab, but the session has a payment under way: follow that one.
    const inProgress = this.cat?.session?.payment_in_progress;
    this.elsewhere = !saved?.id && Boolean(inProgress);
    if (this.elsewhere && inProgress) saved = { id: inProgress };
    if (!saved?.id) return false;
    try {
      const st = await this.api.status(saved.id);
      this.pay = { id: saved.id, status: st.status, amount: st.amount, currency: st.currency, next_action: null };
      if (TERMINAL.includes(st.status)) {
        this.forget();
        return false;
      }
      this.redirectUrl = saved.url ?? "";
      // A reload lost the window, but nothing blocked it: the link to the page is offered.
      this.popup = null;
      this.follow(saved.url ? "redirect_waiting" : "processing");
      return true;
    } catch {
      return false;
    }
  }

  private methods(): Method[] {
    return [...(this.country?.methods ?? []), ...(this.cat?.global_methods ?? [])];
  }

  private name(x: { name: string; name_fr: string }): string {
    return this.locale === "fr" ? x.name_fr : x.name;
  }

  private go(state: State, step: Step, err = ""): void {
    this.s = state;
    this.step = step;
    this.err = err;
    this.render();
  }

  private fail(e: unknown): void {
    const code = e instanceof ApiError ? e.code : "error";
    const message = this.message(e);
    this.go(code === "checkout_session_closed" ? "expired" : "idle", this.step === "loading" ? "wait" : this.step, message);
    if (code === "checkout_session_closed") this.o.onError?.({ code, message });
  }

  /**
   * What the customer reads for a refusal, in their language. The server's own words are for
   * the integration's developer: they go to the console, never onto the customer's screen.
   */
  private message(e: unknown): string {
    if (!(e instanceof ApiError)) return this.t.error;
    const known: Record<string, string> = {
      checkout_payment_in_progress: this.t.busy,
      checkout_session_closed: this.t.closed,
      invalid_otp: this.t.badOtp,
      provider_unavailable: this.t.unavailable,
      network_error: this.t.offline,
    };
    const said = known[e.code];
    if (said) return said;
    if (e.param?.startsWith("customer.phone") && this.country) return fill(this.t.badPhone, this.country.phone.example);
    console.warn(`ZeroFeeCheckout: the server answered ${e.status} ${e.code}: ${e.message}`);
    return this.t.error;
  }

  /** The « Payer » click: a popup first (synchronously) for redirect methods, then the payment. */
  private async submit(input?: HTMLInputElement): Promise<void> {
    const m = this.method;
    if (!m || this.busy) return;
    const body: Record<string, unknown> = { payment_method: m.code };
    if (this.o.customer) body.customer = { ...this.o.customer };
    if (m.kind === "mobile_money" && this.country) {
      const f = this.country.phone;
      const nsn = nationalNumber(input?.value ?? this.phone, f);
      if (!isValid(nsn, f)) {
        this.err = fill(this.t.badPhone, f.example);
        this.render();
        return;
      }
      this.phone = formatNational(nsn, f);
      body.customer = { ...(body.customer as object), phone: `+${f.dial_code}${nsn}` };
    }
    if (!this.o.clientSecret)
      Object.assign(body, { amount: this.o.amount, currency: this.o.currency, reference: this.o.reference, description: this.o.description });
    const popup = m.flow === "redirect" ? openBlankPopup() : null;
    const sent = JSON.stringify(body);
    const key = this.attempt?.body === sent ? this.attempt.key : attemptKey();
    this.attempt = { body: sent, key };
    this.busy = true;
    this.err = "";
    this.render();
    try {
      this.pay = await this.api.pay(body, key);
    } catch (e) {
      popup?.close();
      this.busy = false;
      // Unanswered, rate-limited or a 5xx (none of them stored for the key): the same « Payer »
      // again resumes this attempt. Anything else — a 409 or 422 is stored and would be replayed
      // for this key forever — makes the next « Payer » a new attempt.
      const resumable = e instanceof ApiError && (e.status === 0 || e.status === 429 || e.status >= 500);
      if (!resumable) this.attempt = undefined;
      // Started in another tab or device: follow that payment (see resume()).
      if (e instanceof ApiError && e.code === "checkout_payment_in_progress" && this.cat) {
        this.cat.session = (await this.api.catalogue().catch(() => this.cat))?.session ?? null;
        if (await this.resume()) return;
      }
      return this.fail(e);
    }
    this.attempt = undefined;
    this.busy = false;
    const na = this.pay.next_action;
    this.redirectUrl = na?.type === "redirect" ? na.redirect_url : "";
    try {
      sessionStorage.setItem(this.pendingKey, JSON.stringify({ id: this.pay.id, url: this.redirectUrl || undefined }));
    } catch {
      // Storage can be off (private mode, sandboxed frames): only the reload resume is lost.
    }
    if (TERMINAL.includes(this.pay.status)) return this.settle(this.pay.status);
    if (na?.type === "redirect") {
      if (popup && !popup.closed) {
        this.popup = popup;
        popup.location.href = na.redirect_url;
        return this.follow("redirect_waiting");
      }
      // A window asked for in the click and not given: the browser blocked it. None asked for
      // (the catalogue said push, and routing sent the payment to a page anyway, e.g. after a
      // cascade): nothing was blocked, the customer opens the page from a link.
      this.popup = null;
      return this.follow(m.flow === "redirect" ? "redirect_blocked" : "redirect_waiting");
    }
    popup?.close();
    this.follow("processing", na?.type === "otp" ? "otp" : "wait");
  }

  /** Waits for the outcome: status polling every 2 s, plus the return page's message for redirects. */
  private follow(state: State, step: Step = "wait"): void {
    const pay = this.pay;
    if (!pay) return;
    this.popupClosed = false;
    this.missedPolls = 0;
    this.go(state, step);
    this.stop();
    if (state === "redirect_waiting") {
      // A window closed before the end: say so, and offer it again (never a silent wait).
      const watch = window.setInterval(() => {
        if (this.pay !== pay || this.s !== "redirect_waiting" || this.popupClosed || !this.popup?.closed) return;
        this.popupClosed = true;
        this.render();
      }, 500);
      this.timers.push(watch);
    }
    const tick = () => {
      this.timers.push(
        window.setTimeout(async () => {
          await this.check();
          if (this.pay === pay && !TERMINAL.includes(this.pay.status)) tick();
        }, POLL_MS),
      );
    };
    tick();
    if (state !== "processing") {
      this.unlisten = listenForReturn(this.origin, pay.id, () => void this.check());
      this.timers.push(window.setTimeout(() => this.settle("expired"), REDIRECT_TIMEOUT_MS));
    }
  }

  /** Asks the server — the only source of truth — and acts on a final status. */
  private async check(): Promise<void> {
    const pay = this.pay;
    if (!pay) return;
    try {
      const st = await this.api.status(pay.id);
      // Another payment started meanwhile, or this one was already settled: nothing to do.
      if (this.pay !== pay || TERMINAL.includes(pay.status)) return;
      pay.status = st.status;
      if (this.missedPolls > 1) this.say(this.t.reconnected);
      this.missedPolls = 0;
      if (TERMINAL.includes(st.status)) this.settle(st.status);
    } catch {
      // A failed poll is retried at the next tick; from the second one in a row, the customer is told.
      if (this.pay !== pay) return;
      if (++this.missedPolls === 2) this.say(this.t.reconnecting);
    }
  }

  private say(text: string): void {
    if (this.note) this.note.textContent = text;
  }

  private settle(status: PaymentStatus): void {
    const pay = this.pay;
    if (!pay) return;
    pay.status = status;
    this.stop();
    this.forget();
    if (this.popup && !this.popup.closed) this.popup.close();
    this.popup = null;
    if (status === "completed") {
      this.go("completed", "wait");
      this.o.onSuccess?.({ transactionId: pay.id, status: "completed" });
      return;
    }
    const expired = status === "expired";
    this.go(expired ? "expired" : "failed", "wait");
    this.o.onError?.({ code: `payment_${status}`, message: expired ? this.t.expired : status === "cancelled" ? this.t.cancelled : this.t.failed });
  }

  private async submitOtp(input: HTMLInputElement): Promise<void> {
    const pay = this.pay;
    if (!pay || this.busy) return;
    this.busy = true;
    this.err = "";
    this.render();
    try {
      const r = await this.api.otp(pay.id, input.value.replace(/\D/g, ""), attemptKey());
      this.busy = false;
      if (TERMINAL.includes(r.status)) return this.settle(r.status);
      this.follow("processing");
    } catch (e) {
      this.busy = false;
      this.go("processing", "otp", this.message(e));
      await this.check();
    }
  }

  private chooseCountry(c: Country): void {
    this.country = c;
    this.go("idle", "method");
  }

  private methodButton(m: Method): HTMLElement {
    return h("button", { type: "button", onclick: () => this.chooseMethod(m) }, h("img", { src: m.logo, alt: "" }), this.name(m));
  }

  private chooseMethod(m: Method): void {
    this.method = m;
    this.go("idle", "details");
  }

  private retry(): void {
    this.pay = undefined;
    this.elsewhere = false;
    this.method = undefined;
    this.go("idle", this.countries.length > 1 && !this.country ? "country" : "method");
  }

  private stop(): void {
    for (const id of this.timers) clearTimeout(id);
    this.timers = [];
    this.unlisten?.();
    this.unlisten = undefined;
  }

  private forget(): void {
    try {
      sessionStorage.removeItem(this.pendingKey);
    } catch {
      // see submit()
    }
  }

  // ------------------------------------------------------------------ views

  private render(): void {
    const { dlg, content, live } = this;
    if (!dlg || !content || !live || !this.root) return;
    const t = this.t;
    dlg.setAttribute("data-state", this.s);
    dlg.setAttribute("data-step", this.step);
    dlg.setAttribute("aria-busy", String(this.busy || this.step === "loading"));
    // The hosted page's × leaves the checkout for the merchant's cancel URL: only when it has
    // one, and not while a payment is under way (it would cancel nothing and could still charge).
    const inFlight = this.busy || this.s === "processing" || this.s === "redirect_waiting" || this.s === "redirect_blocked";
    const closable = !this.o.hosted || (this.o.cancelable === true && !inFlight);
    const header = h(
      "header",
      {},
      h(this.o.hosted ? "h1" : "h2", { id: "zf-t" }, t.title),
      this.testMode && h("span", { class: "tm" }, t.test),
      closable && h("button", { type: "button", class: "x", "aria-label": this.o.hosted ? t.cancel : t.close, onclick: () => this.close() }, "×"),
    );
    const amount = this.cat || this.o.amount ? h("p", { class: "amt" }, money(this.amount, this.currency, this.locale)) : null;
    const view = [this.s, this.step, this.popupClosed, this.elsewhere, !this.popup].join();
    const same = view === this.view;
    this.view = view;
    // The same view drawn again (busy, an error) keeps focus and what was typed.
    const sig = (el: Element) => el.id || el.tagName + el.textContent;
    const had = this.root.activeElement;
    const key = had && content.contains(had) ? sig(had) : "";
    const typed = new Map(Array.from(content.querySelectorAll("input"), (i) => [i.id, i.value]));
    content.replaceChildren(header, amount ?? "", ...(this.body().filter(Boolean) as (Node | string)[]));
    const heading = content.querySelector<HTMLElement>("h3");
    heading?.setAttribute("tabindex", "-1");
    if (same) {
      for (const i of Array.from(content.querySelectorAll("input"))) i.value ||= typed.get(i.id) ?? "";
      if (key)
        Array.from(content.querySelectorAll<HTMLElement>("*"))
          .find((el) => sig(el) === key)
          ?.focus();
      return;
    }
    this.say("");
    // A new view: focus to its field, else its heading (read out); never to a button that
    // would go back, close or pay (an Enter pressed twice on « Payer » lands here).
    const target = content.querySelector<HTMLElement>("[data-f]") ?? heading ?? focusables(content)[0];
    target?.focus();
    // Errors are announced by their role="alert" only.
    live.textContent = "";
    setTimeout(() => {
      live.textContent = target === heading ? "" : (heading?.textContent ?? "");
    }, 50);
  }

  private body(): Kid[] {
    const t = this.t;
    const err = h("p", { class: "e", id: "zf-e", role: "alert" }, this.err);
    const back = (to: Step) => h("button", { type: "button", class: "l", onclick: () => this.go("idle", to) }, `← ${t.back}`);
    const spinner = h("div", { class: "sp", "aria-hidden": "true" });
    switch (this.s) {
      case "completed":
        return [
          h("p", { class: "big", "aria-hidden": "true" }, "✓"),
          h("h3", {}, t.success),
          h("p", { class: "m" }, this.pay ? fill(t.ref, this.pay.id) : this.err),
          !this.o.hosted && h("button", { type: "button", class: "p", "data-f": true, onclick: () => this.close() }, t.close),
        ];
      case "failed": {
        const cancelled = this.pay?.status === "cancelled";
        return [
          !cancelled && h("p", { class: "big", "aria-hidden": "true" }, "✕"),
          h("h3", {}, cancelled ? t.cancelled : t.failed),
          h("button", { type: "button", class: "p", "data-f": true, onclick: () => this.retry() }, t.retry),
        ];
      }
      case "expired":
        // The session ended: the way back, not a new payment.
        return this.err === t.closed
          ? [h("h3", {}, t.closed), this.leave()]
          : [h("h3", {}, t.expired), h("button", { type: "button", class: "p", "data-f": true, onclick: () => this.retry() }, t.restart)];
      case "redirect_waiting":
        // No window of ours (see submit()): the page is one link away.
        if (!this.popup) return this.pageLink(t.onPage, t.onPageHelp);
        if (this.popupClosed) {
          return [
            h("h3", {}, t.popupClosed),
            h("p", { class: "m" }, t.popupClosedHelp),
            h("button", { type: "button", class: "p", "data-f": true, onclick: () => this.reopen() }, t.reopen),
            h("button", { type: "button", onclick: () => void this.check() }, t.iPaid),
          ];
        }
        return [
          spinner,
          h("h3", {}, t.waiting),
          h("button", { type: "button", onclick: () => this.reopen() }, t.reopen),
          h("button", { type: "button", class: "p", onclick: () => void this.check() }, t.iPaid),
        ];
      case "redirect_blocked":
        return this.pageLink(t.blocked);
      case "processing":
        // No way out to a second payment here: a push can still be approved until it is final
        // (SPEC §8), in simple mode as in a session. Closing keeps it; reopening resumes it.
        return this.step === "otp"
          ? this.otpView(err)
          : this.elsewhere
            ? [spinner, h("h3", {}, t.elsewhere), h("p", { class: "m" }, t.elsewhereHelp)]
            : [spinner, h("h3", {}, t.ussd), this.phone ? h("p", { class: "m" }, fill(t.ussdHelp, this.phone)) : "", err, h("p", { class: "m" }, t.ussdWait)];
      default:
        return this.idleView(err, back);
    }
  }

  /**
   * The provider page as a link (« Ouvrir la page de paiement ») and « J'ai effectué le
   * paiement », both at once, while the status poll runs: the popup was blocked, or none was opened.
   */
  private pageLink(title: string, help?: string): Kid[] {
    const t = this.t;
    return [
      h("h3", {}, title),
      help && h("p", { class: "m" }, help),
      h("a", { class: "b", href: this.redirectUrl, target: "_blank", rel: "noopener", "data-f": true }, t.openPage),
      h("button", { type: "button", class: "p", onclick: () => void this.check() }, t.iPaid),
      h("p", { class: "m" }, t.checking),
      h("div", { class: "sp", "aria-hidden": "true" }),
    ];
  }

  private leave(): HTMLElement | false {
    const url = this.o.returnUrl;
    if (url && /^https?:\/\//i.test(url)) return h("a", { class: "b", href: url, target: "_top" }, this.t.shop);
    return !this.o.hosted && h("button", { type: "button", class: "p", onclick: () => this.close() }, this.t.close);
  }

  private idleView(err: HTMLElement, back: (to: Step) => HTMLElement): Kid[] {
    const t = this.t;
    if (this.step === "loading" || this.step === "wait") {
      if (!this.err) return [h("div", { class: "sp", "aria-hidden": "true" }), h("p", { class: "m" }, t.loading)];
      // The methods never arrived (network, server): the customer can ask again.
      const again = !this.cat && h("button", { type: "button", class: "p", "data-f": true, onclick: () => this.reload() }, t.tryAgain);
      return [err, again];
    }
    if (this.step === "country") {
      return [
        h("h3", {}, t.country),
        ...this.countries.map((c) => h("button", { type: "button", onclick: () => this.chooseCountry(c) }, this.name(c))),
        // Card and PayPal need no country: offered here too.
        ...(this.cat?.global_methods ?? []).map((m) => this.methodButton(m)),
        err,
      ];
    }
    const canBack = this.countries.length > 1;
    if (this.step === "method" || !this.method) {
      return [canBack && back("country"), h("h3", {}, t.method), ...this.methods().map((m) => this.methodButton(m)), err];
    }
    const m = this.method;
    const f = this.country?.phone;
    const payLabel = fill(t.pay, money(this.amount, this.currency, this.locale));
    // aria-disabled: a disabled button would lose focus.
    const submit = h("button", { type: "submit", class: "p", "aria-disabled": this.busy && "true" }, payLabel);
    const form = h("form", { novalidate: true }) as HTMLFormElement;
    const op = h("p", { class: "m", id: "zf-op" }, m.kind === "mobile_money" ? fill(t.operator, m.name) : t.redirectHint);
    let input: HTMLInputElement | undefined;
    if (m.kind === "mobile_money" && f) {
      input = h("input", {
        id: "zf-phone",
        name: "phone",
        type: "tel",
        autocomplete: "tel-national",
        inputmode: "tel",
        placeholder: f.example,
        "aria-describedby": "zf-op zf-e",
        // Field errors only.
        "aria-invalid": String(this.err === fill(t.badPhone, f.example)),
        "data-f": true,
        oninput: () => {
          this.detect(input as HTMLInputElement, op);
          this.fixed(input as HTMLInputElement, err);
        },
        onblur: () => {
          const el = input as HTMLInputElement;
          const nsn = nationalNumber(el.value, f);
          if (isValid(nsn, f)) el.value = formatNational(nsn, f);
        },
      }) as HTMLInputElement;
      input.value = this.phone;
      form.append(h("label", { for: "zf-phone" }, t.phone), h("div", { class: "ph" }, h("span", { "aria-hidden": "true" }, `+${f.dial_code}`), input));
    }
    form.append(op, err, submit);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (input) this.phone = input.value;
      void this.submit(input);
    });
    return [back("method"), h("h3", { id: "zf-m" }, h("img", { src: m.logo, alt: "" }), " ", this.name(m)), form];
  }

  private fixed(input: HTMLInputElement, err: HTMLElement): void {
    if (!this.err) return;
    this.err = "";
    err.textContent = "";
    input.setAttribute("aria-invalid", "false");
  }

  /** Pre-selects the operator that owns the typed prefix (same flow only: a push stays a push). */
  private detect(input: HTMLInputElement, op: HTMLElement): void {
    const f = this.country?.phone;
    const m = this.method;
    if (!f || !m || !this.country) return;
    const found = operatorFor(nationalNumber(input.value, f), this.country.methods);
    if (found && found !== m && found.flow === m.flow) {
      this.method = found;
      op.textContent = fill(this.t.operator, found.name);
      this.content?.querySelector("#zf-m")?.replaceChildren(h("img", { src: found.logo, alt: "" }), " ", this.name(found));
    }
  }

  private otpView(err: HTMLElement): Kid[] {
    const t = this.t;
    const input = h("input", {
      id: "zf-otp",
      name: "otp",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      "aria-describedby": "zf-oh zf-e",
      "aria-invalid": String(this.err === t.badOtp),
      "data-f": true,
      oninput: () => this.fixed(input, err),
    }) as HTMLInputElement;
    const form = h(
      "form",
      { novalidate: true },
      h("label", { for: "zf-otp" }, t.otp),
      input,
      h("p", { class: "m", id: "zf-oh" }, this.otpHelp()),
      err,
      h("button", { type: "submit", class: "p", "aria-disabled": this.busy && "true" }, t.otpSubmit),
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submitOtp(input);
    });
    return [h("h3", {}, t.otpTitle), form];
  }

  /**
   * How to get the code: the provider's own words in English; in French the widget's, since
   * providers write theirs in English (Orange Money CI has the customer dial for a code).
   */
  private otpHelp(): string {
    const t = this.t;
    const na = this.pay?.next_action;
    if (this.locale === "en" && na?.type === "otp") return na.instructions;
    const help = this.method?.code === "PAYIN_ORANGE_CI" ? t.orangeOtp : t.otpHelp;
    return this.testMode ? `${help} ${t.sandboxOtp}` : help;
  }

  private reopen(): void {
    if (this.popup && !this.popup.closed) {
      this.popup.focus();
      return;
    }
    this.popup = window.open(this.redirectUrl, "zerofee_payment");
    if (!this.popup) {
      this.go("redirect_blocked", "wait");
      return;
    }
    this.popupClosed = false;
    this.render();
  }

  /** The catalogue again, after it failed to load. */
  private reload(): void {
    this.go("idle", "loading");
    void this.load();
  }
}

export default ZeroFeeCheckout;

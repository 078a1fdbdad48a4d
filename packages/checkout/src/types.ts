/** What the widget knows of ZeroFee's answers (a subset of the API's shapes). */
export interface PhoneFormat {
  dial_code: string;
  national_prefix: string | null;
  example: string;
  mobile_pattern: string;
  lengths: number[];
  formats: Array<{ pattern: string; format: string; leading: string | null }>;
}

export interface Method {
  code: string;
  name: string;
  name_fr: string;
  kind: "mobile_money" | "card" | "paypal";
  flow: "ussd_push" | "redirect";
  logo: string;
  prefixes: string[];
}

export interface Country {
  code: string;
  name: string;
  name_fr: string;
  currency: string;
  phone: PhoneFormat;
  methods: Method[];
}

export interface Catalogue {
  livemode: boolean;
  currency: string | null;
  amount: number | null;
  session: { id: string; status: "open" | "complete" | "expired"; locale: string | null; expires_at: string; payment_in_progress?: string | null } | null;
  countries: Country[];
  global_methods: Method[];
}

export type NextAction =
  | { type: "ussd_push"; instructions: string }
  | { type: "redirect"; redirect_url: string }
  | { type: "otp"; instructions: string }
  | null;

export type PaymentStatus = "pending" | "requires_action" | "processing" | "completed" | "failed" | "expired" | "cancelled";

export interface PayResult {
  id: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  next_action: NextAction;
}

/** The seven states of SPEC §8. */
export type State = "idle" | "processing" | "redirect_waiting" | "redirect_blocked" | "completed" | "failed" | "expired";

export interface CheckoutOptions {
  /** `pk_test_…` / `pk_live_…`: simple mode, the page sets amount and currency. */
  publicKey?: string;
  /** A server-created session's client secret: amount and terms come from the session. */
  clientSecret?: string;
  /** Minor units (XOF has none). Simple mode only. */
  amount?: number;
  currency?: string;
  reference?: string;
  description?: string;
  /** Skip the country step. */
  country?: string;
  customer?: { phone?: string; name?: string; email?: string };
  /** Default: from the browser (`fr*` → French, else English). */
  locale?: "fr" | "en";
  /** Default: the origin checkout.js was loaded from. */
  apiUrl?: string;
  /** Full-page mode (ZeroFee's hosted page): no overlay, Escape does not close. */
  hosted?: boolean;
  /** Full-page mode: the page has a cancel URL to go back to, so « Annuler le paiement » is offered (never while a payment is under way). */
  cancelable?: boolean;
  /**
   * Where « Retour à la boutique » / "Back to the shop" leads once the checkout has ended (an
   * http(s) URL of yours; the hosted page passes the session's cancel URL, else its success
   * URL). Without it the widget offers « Fermer » / "Close" there.
   */
  returnUrl?: string;
  /** A nonce for the widget's `<style>` where the page's CSP needs one (browsers without constructable stylesheets). */
  cspNonce?: string;
  /** UX only: confirm the payment on your server (webhook or GET) before fulfilling. */
  onSuccess?: (result: { transactionId: string; status: "completed" }) => void;
  onError?: (error: { code: string; message: string }) => void;
  onClose?: () => void;
}

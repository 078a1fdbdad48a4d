import { ApiFailure } from "./api";
import { type MessageKey, t, tf } from "./i18n";

/**
 * The form field a `param` of the API names (SPEC §4 error envelope), for a validation error
 * the merchant can act on: "Amount from: this value is not valid." A nested param
 * (`events.1`) names its field.
 */
const FIELDS: Record<string, MessageKey> = {
  amount: "refund.amount",
  amount_from: "tx.amountFrom",
  amount_to: "tx.amountTo",
  company: "auth.company",
  country: "common.country",
  created_from: "tx.createdFrom",
  created_to: "tx.createdTo",
  current_password: "settings.current",
  customer_phone: "tx.customerPhone",
  email: "auth.email",
  events: "webhook.events",
  name: "common.name",
  new_password: "settings.new",
  password: "auth.password",
  payment_method: "common.method",
  priority: "providers.priority",
  provider: "common.provider",
  reference: "common.reference",
  rules: "routing.rules",
  since: "webhook.resendSince",
  status: "common.status",
  url: "webhook.url",
};

/**
 * The message a merchant reads for an API error, in their language: the error codes the
 * dashboard can meet are translated (by code, never by the server's English text); a code it
 * does not know shows the server's message, which is still better than nothing.
 */
function apiMessage(e: ApiFailure): string {
  switch (e.code) {
    case "network_error":
      return t("error.network");
    case "authentication_required":
    case "invalid_api_key":
      return t("error.sessionEnded");
    case "invalid_credentials":
      return e.param === "current_password" ? t("error.badCurrentPassword") : t("error.badLogin");
    case "refund_exceeds_payment":
      return t("error.refundExceeds");
    case "payment_not_refundable":
      return t("error.notRefundable");
    case "refund_not_supported":
      return t("error.refundNotSupported");
    case "not_found":
      return t("error.notFound");
    case "url_not_allowed":
      return t("error.urlNotAllowed");
    case "rate_limited":
    case "too_many_concurrent_requests":
      return t("error.rateLimited");
    case "email_taken":
      return t("error.emailTaken");
    case "forbidden":
    case "cross_site_request":
      return t("error.forbidden");
    case "service_unavailable":
    case "internal_error":
      return t("error.unavailable");
    case "validation_error": {
      if (e.param === "cursor") return t("error.badPage");
      const field = FIELDS[e.param?.split(".")[0] ?? ""];
      return field ? tf("error.invalidField", { field: t(field) }) : e.message;
    }
    default:
      return e.message || `${t("error.generic")} (HTTP ${e.status})`;
  }
}

/**
 * The error message to show for anything a call threw. Computed when shown, so it follows a
 * change of language; an error a page has made more precise (a refund's amount left, in the
 * payment's currency) carries its own `localized` text.
 */
export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) return error.localized?.() ?? apiMessage(error);
  if (error instanceof LocalError) return error.localized();
  if (error instanceof Error && error.message) return error.message;
  return t("error.generic");
}

/** An error the page itself raises (a bad amount, bad JSON), shown in the merchant's language. */
export class LocalError extends Error {
  constructor(readonly localized: () => string) {
    super("local");
  }
}

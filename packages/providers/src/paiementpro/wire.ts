import { z } from "zod";
import type { ProviderPaymentStatus } from "../contract.js";

/**
 * PaiementPro's wire format (its integration guide; docs/providers/paiementpro.md).
 * Documented: the JSON init `POST /webservice/onlinepayment/init/curl-init.php` (no auth
 * header, `merchantId` in the body), its fields and `{success, message, url}` answer, the
 * hosted page at `…/sandbox.php?sessionid=…`, channel codes, `countryCurrencyCode` "952".
 * Corroborated only: the notification fields (`responsecode`, `referenceNumber`,
 * `returnContext`, `amount`, `merchantId`, `hashcode`), the status API
 * `GET https://api.paiementpro.net/status/{referenceNumber}` and its body.
 * Unconfirmed [U]: response codes other than 0 / -1, a signature on the notification.
 */

export const INIT_PATH = "/webservice/onlinepayment/init/curl-init.php";
export const PAGE_PATH = "/webservice/onlinepayment/sandbox.php";
export const STATUS_PATH = "/status";
/** The status API lives on its own host in production. */
export const LIVE_BASE_URL = "https://www.paiementpro.net";
export const LIVE_STATUS_BASE_URL = "https://api.paiementpro.net";

/** Currencies PaiementPro takes: ISO-4217 exponent and the numeric code it wants. */
export const PP_CURRENCIES = { XOF: { exponent: 0, numeric: "952" } } as const;
export type PpCurrency = keyof typeof PP_CURRENCIES;
export const isPpCurrency = (c: string): c is PpCurrency => Object.hasOwn(PP_CURRENCIES, c);

/**
 * ZeroFee method → PaiementPro `channel`. An empty channel lets the customer choose on
 * PaiementPro's page: used where no code is published (Free SN, Moov BF and ML).
 */
export const CHANNELS = {
  PAYIN_ORANGE_CI: "OMCIV2",
  PAYIN_MTN_CI: "MOMOCI",
  PAYIN_MOOV_CI: "FLOOZ",
  PAYIN_WAVE_CI: "WAVECI",
  PAYIN_ORANGE_SN: "OMSN",
  PAYIN_WAVE_SN: "WAVESN",
  PAYIN_FREE_SN: "",
  PAYIN_MTN_BJ: "MOMOBJ",
  PAYIN_MOOV_BJ: "FLOOZBJ",
  PAYIN_ORANGE_BF: "OMBF",
  PAYIN_MOOV_BF: "",
  PAYIN_ORANGE_ML: "OMML",
  PAYIN_MOOV_ML: "",
  PAYIN_AIRTEL_NE: "AIRTELNG",
  PAYIN_ORANGE_GW: "OMGN",
  PAYIN_CARD: "CARD",
} as const satisfies Record<string, string>;
export type PpMethod = keyof typeof CHANNELS;
export const PP_METHODS = Object.keys(CHANNELS) as PpMethod[];
export const isPpMethod = (m: string): m is PpMethod => Object.hasOwn(CHANNELS, m);

export const InitRequest = z.object({
  merchantId: z.string().min(1),
  amount: z.number().int().positive(),
  description: z.string().max(255).optional(),
  channel: z.string(),
  countryCurrencyCode: z.string().regex(/^\d{3}$/),
  referenceNumber: z.string().min(1).max(100),
  customerEmail: z.string().optional(),
  customerFirstName: z.string().optional(),
  customerLastname: z.string().optional(),
  customerPhoneNumber: z.string().optional(),
  notificationURL: z.url(),
  returnURL: z.url(),
  returnContext: z.string().max(1000).optional(),
});
export type InitRequest = z.infer<typeof InitRequest>;

export const InitResponse = z.union([
  z.object({ success: z.literal(true), message: z.string().optional(), url: z.string() }),
  z.object({ success: z.literal(false), message: z.string() }),
]);

/**
 * Response codes as data. `0` and `-1` are corroborated; `1` (a second failure code) comes
 * from one integration; `-2` (customer cancelled) is the sandbox's choice [U]. `null`: no
 * outcome yet. Typed as a full `Record`, so a new code fails the build until it is mapped.
 */
export const RESPONSE_CODES = ["0", "-1", "1", "-2"] as const;
export type ResponseCode = (typeof RESPONSE_CODES)[number];
export const STATUS_MAP: Readonly<Record<ResponseCode, ProviderPaymentStatus>> = {
  "0": "completed",
  "-1": "failed",
  "1": "failed",
  "-2": "cancelled",
};
export function mapResponseCode(code: ResponseCode | null): ProviderPaymentStatus {
  return code === null ? "pending" : STATUS_MAP[code];
}

/** Codes arrive as numbers in some payloads and strings in others. */
const Code = z.union([z.string(), z.number()]).transform(String).pipe(z.enum(RESPONSE_CODES));

export const StatusBody = z.object({
  success: z.boolean(),
  responsecode: Code.nullable(),
  reference: z.string(),
  pay_id: z.string().nullable(),
  // sic: PaiementPro spells it "marchant".
  marchant_id: z.string(),
  amount: z.number(),
  channel: z.string(),
  date: z.string().nullable(),
});
export type StatusBody = z.infer<typeof StatusBody>;

export const Notification = z.object({
  merchantId: z.string(),
  countryCurrencyCode: z.string().optional(),
  referenceNumber: z.string().min(1),
  amount: z.union([z.string(), z.number()]),
  transactiondt: z.string().optional(),
  customerId: z.string().optional(),
  returnContext: z.string().optional(),
  responsecode: Code,
  hashcode: z.string().optional(),
});

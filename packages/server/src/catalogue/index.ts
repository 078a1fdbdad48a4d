import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js/max";
import { ApiError } from "../lib/errors.js";
import { type Currency, isCurrency } from "../lib/money.js";
import data from "./catalogue.json" with { type: "json" };

interface OperatorEntry {
  name: string;
  prefixes: string[];
}
interface CountryEntry {
  name: string;
  name_fr: string;
  currency: string;
  dial_code: string;
  example: string;
  operators: Record<string, OperatorEntry>;
}
interface GlobalMethodEntry {
  name: string;
  name_fr: string;
  currencies: string[];
}

const COUNTRIES = data.countries as Record<string, CountryEntry>;
const GLOBAL_METHODS = data.global_methods as Record<string, GlobalMethodEntry>;

/** What a method code resolves to: country-bound mobile money, or a global method. */
export interface ResolvedMethod {
  code: string;
  kind: "mobile_money" | "card" | "paypal";
  country: string | null;
  operator: string | null;
  /** Currencies the method takes; the first is the default. */
  currencies: Currency[];
}

const METHOD_RE = /^PAYIN_([A-Z0-9]+)_([A-Z]{2})$/;

/**
 * @example resolveMethod("PAYIN_ORANGE_CI") // { kind: "mobile_money", country: "CI", currencies: ["XOF"], … }
 */
export function resolveMethod(code: string): ResolvedMethod | null {
  const global = Object.hasOwn(GLOBAL_METHODS, code) ? GLOBAL_METHODS[code] : undefined;
  if (global) {
    return {
      code,
      kind: code === "PAYIN_PAYPAL" ? "paypal" : "card",
      country: null,
      operator: null,
      currencies: global.currencies.filter(isCurrency),
    };
  }
  const match = METHOD_RE.exec(code);
  if (!match) return null;
  const [, operator = "", country = ""] = match;
  const entry = Object.hasOwn(COUNTRIES, country) ? COUNTRIES[country] : undefined;
  const op = entry && Object.hasOwn(entry.operators, operator) ? entry.operators[operator] : undefined;
  if (!entry || !op || !isCurrency(entry.currency)) return null;
  return { code, kind: "mobile_money", country, operator, currencies: [entry.currency] };
}

/**
 * Parses a customer's phone for a country (national format or E.164) into E.164, or throws
 * a 400 naming `customer.phone`. Valid numbers are remembered (`PHONES`): libphonenumber's
 * parse and validation cost a create ~4 % of its time, and customers pay again and again.
 */
export function normalisePhone(phone: string, country: string): string {
  const key = `${country}:${phone}`;
  const known = PHONES.get(key);
  if (known !== undefined) return known;
  const parsed = parsePhoneNumberFromString(phone, country as CountryCode);
  if (!parsed?.isValid() || parsed.country !== country) {
    const example = COUNTRIES[country]?.example;
    throw new ApiError("validation_error", `Not a valid ${COUNTRIES[country]?.name ?? country} phone number${example ? ` (e.g. ${example})` : ""}.`, {
      param: "customer.phone",
    });
  }
  if (PHONES.size >= PHONES_KEPT) PHONES.delete(PHONES.keys().next().value as string);
  PHONES.set(key, parsed.number);
  return parsed.number;
}

/** The last valid numbers parsed, as typed (with their country) → E.164; the oldest go first. */
const PHONES = new Map<string, string>();
export const PHONES_KEPT = 10_000;
/** How many numbers are remembered (tests: the memory stays bounded). */
export const rememberedPhones = () => PHONES.size;

/** The operator a number belongs to, from its prefix, where the country allows it. */
export function detectOperator(e164: string, country: string): string | null {
  const entry = COUNTRIES[country];
  if (!entry) return null;
  const national = e164.replace(`+${entry.dial_code}`, "");
  let best: { operator: string; length: number } | null = null;
  for (const [operator, op] of Object.entries(entry.operators)) {
    for (const prefix of op.prefixes) {
      if (national.startsWith(prefix) && (!best || prefix.length > best.length)) best = { operator, length: prefix.length };
    }
  }
  return best?.operator ?? null;
}

export function countryEntry(country: string): CountryEntry | undefined {
  return Object.hasOwn(COUNTRIES, country) ? COUNTRIES[country] : undefined;
}

export function listCountries(): string[] {
  return Object.keys(COUNTRIES);
}

/** Every method code the catalogue knows: each country's mobile-money operators, then the global methods. */
export function listMethodCodes(): string[] {
  const mobile = Object.entries(COUNTRIES).flatMap(([country, entry]) => Object.keys(entry.operators).map((op) => `PAYIN_${op}_${country}`));
  return [...mobile, ...Object.keys(GLOBAL_METHODS)];
}

/**
 * Whether a checkout session takes a method: the method takes the session's currency, is among
 * its allowed methods, and its country among its allowed countries (global methods — card,
 * PayPal — have none and pass). Null lists limit nothing. One rule for `/v1/checkout/pay` and
 * for refusing, at creation, a session no method could pay.
 */
export function sessionTakes(
  session: { currency: string; allowedMethods: readonly string[] | null; allowedCountries: readonly string[] | null },
  code: string,
): boolean {
  const method = resolveMethod(code);
  if (!method?.currencies.includes(session.currency as never)) return false;
  const countryOk = !session.allowedCountries || method.country === null || session.allowedCountries.includes(method.country);
  return countryOk && (!session.allowedMethods || session.allowedMethods.includes(code));
}

/** Masks a phone for logs and non-owner views: `+225 07•••••00`. */
export function maskPhone(phone: string | undefined | null): string | undefined {
  if (!phone) return undefined;
  return phone.length <= 6 ? "•••" : `${phone.slice(0, 6)}${"•".repeat(Math.max(phone.length - 8, 0))}${phone.slice(-2)}`;
}

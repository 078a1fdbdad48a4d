import { ApiError } from "./errors.js";

/**
 * Validates a merchant redirect URL (success/cancel/error/pending). The raw string must start
 * with `http://` or `https://`: WHATWG parsing would otherwise turn `http:evil.com` or
 * `/\evil.com` into something navigable. Live mode wants https.
 */
export function validateMerchantUrl(raw: string, param: string, livemode: boolean): string {
  const bad = (why: string) => new ApiError("validation_error", `${param} ${why}.`, { param });
  if (raw.length > 2048) throw bad("is too long (2048 characters at most)");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\s\\]/.test(raw)) throw bad("must not contain spaces, backslashes or control characters");
  if (!/^https?:\/\/[^/]/i.test(raw)) throw bad("must be an absolute http(s) URL");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw bad("is not a valid URL");
  }
  if (url.username || url.password) throw bad("must not contain credentials");
  if (livemode && url.protocol !== "https:") throw bad("must use https in live mode");
  return url.toString();
}

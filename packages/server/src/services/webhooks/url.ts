import { ApiError } from "../../lib/errors.js";
import { type AddressClass, addressAllowed, classifyAddress, type Resolver } from "./address.js";

const refuse = (why: string) => new ApiError("url_not_allowed", `url ${why}.`, { param: "url" });

/** `localhost` and its subdomains are loopback by definition (RFC 6761), whatever DNS says. */
const isLocalhostName = (host: string) => host === "localhost" || host.endsWith(".localhost");

/**
 * Checks a webhook URL when it is saved (SPEC §7): absolute http(s), no credentials, https in
 * live mode, and every address the host resolves to public — loopback too in test mode. The
 * same rule runs again on the address actually dialled (`post.ts`), which defeats DNS
 * rebinding.
 * @example await checkWebhookUrl("https://shop.example/hooks", true, systemResolver)
 */
export async function checkWebhookUrl(raw: string, livemode: boolean, resolve: Resolver): Promise<string> {
  if (raw.length > 2048) throw refuse("is too long (2048 characters at most)");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f\s\\]/.test(raw)) throw refuse("must not contain spaces, backslashes or control characters");
  if (!/^https?:\/\/[^/]/i.test(raw)) throw refuse("must be an absolute http(s) URL");
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse("is not a valid URL");
  }
  if (url.username || url.password) throw refuse("must not contain credentials");
  if (livemode && url.protocol !== "https:") throw refuse("must use https in live mode");
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  let classes: AddressClass[];
  const literal = classifyAddress(host);
  if (literal) classes = [literal];
  else if (isLocalhostName(host)) classes = ["loopback"];
  else {
    let addresses: Array<{ address: string }>;
    try {
      addresses = await resolve(host);
    } catch {
      throw refuse("host does not resolve");
    }
    if (addresses.length === 0) throw refuse("host does not resolve");
    classes = addresses.map((a) => classifyAddress(a.address) ?? "blocked");
  }
  for (const cls of classes) {
    if (!addressAllowed(cls, livemode)) {
      throw refuse(cls === "loopback" ? "must reach a public address in live mode (loopback is for test mode)" : "must reach a public address");
    }
  }
  return url.toString();
}

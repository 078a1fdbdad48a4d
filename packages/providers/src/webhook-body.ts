import type { z } from "zod";
import type { WebhookOutput } from "./contract.js";

type Invalid = Extract<WebhookOutput, { kind: "invalid" }>;

/**
 * A provider message's body, read once its signature is checked: JSON, then the provider's
 * schema. Either the parsed body or the `invalid` answer for `parseWebhook` to return.
 * @example const body = parseWebhookBody(input.rawBody, CallbackBody, "callback"); if ("invalid" in body) return body.invalid;
 */
export function parseWebhookBody<S extends z.ZodType>(rawBody: string, schema: S, what: string): { data: z.infer<S> } | { invalid: Invalid } {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody);
  } catch {
    return { invalid: { kind: "invalid", reason: "body is not JSON" } };
  }
  const parsed = schema.safeParse(payload);
  return parsed.success ? { data: parsed.data } : { invalid: { kind: "invalid", reason: `unexpected ${what} shape` } };
}

/**
 * What /openapi.json says beyond the route schemas, so generated clients and readers of /docs
 * see it: the `Idempotency-Key` header on every POST a key may send, the headers every answer
 * carries, `Retry-After` where an answer may ask for a wait, `Idempotent-Replayed` on a
 * replayed answer, and the provider return route's 303.
 */
type Json = Record<string, unknown>;

const KEYED = new Set(["secret", "publishable", "client_secret"]);

const header = (description: string, schema: Json = { type: "string" }) => ({ description, schema });

const HEADERS = {
  "X-Request-Id": header("This request's id (`req_…`), also in an error's `request_id`: quote it to support."),
  "X-ZeroFee-Latency": header("Milliseconds ZeroFee itself spent on the request, provider calls excluded.", { type: "string", pattern: "^\\d+\\.\\d{2}$" }),
  "Retry-After": header("Seconds to wait before sending the request again (429, 503; 409 `idempotency_key_in_use`).", { type: "integer" }),
  "Idempotent-Replayed": header("`true` when this is the stored answer of an earlier request with the same Idempotency-Key.", {
    type: "string",
    enum: ["true"],
  }),
};
const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

export function withDocumentedHeaders(doc: Json): Json {
  const components = (doc.components ?? {}) as Json;
  components.headers = { ...((components.headers as Json | undefined) ?? {}), ...HEADERS };
  doc.components = components;
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== "object" || op === null || !("responses" in op)) continue;
      const auth = (op["x-zerofee-auth"] as string[] | undefined) ?? [];
      const keyed = method === "post" && auth.some((a) => KEYED.has(a));
      if (keyed) {
        op.parameters = [
          ...((op.parameters as Json[] | undefined) ?? []),
          {
            name: "Idempotency-Key",
            in: "header",
            required: false,
            description:
              "Up to 255 characters, unique per operation you mean once: the same key and body answer the first answer again (`Idempotent-Replayed: true`); another body is 409 `idempotency_key_reused`. Kept 24 h.",
            schema: { type: "string", maxLength: 255 },
          },
        ];
      }
      if (path === "/v1/payments/{id}/return" && method === "get") {
        op.responses = {
          303: {
            description: "Verified with the provider: to the merchant's success, cancel or error URL, with `transaction_id` and `status`",
            headers: { Location: header("The merchant's URL") },
          },
          200: {
            description: "An HTML page: the result relayed to the widget's window, or the status when the payment has no URL to go back to",
            content: { "text/html": { schema: { type: "string" } } },
          },
        };
      }
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const headers: Json = {
          "X-Request-Id": ref("X-Request-Id"),
          "X-ZeroFee-Latency": ref("X-ZeroFee-Latency"),
          ...((response.headers as Json | undefined) ?? {}),
        };
        if (status === "429" || status === "503" || (status === "409" && keyed)) headers["Retry-After"] = ref("Retry-After");
        if (keyed && status.startsWith("2")) headers["Idempotent-Replayed"] = ref("Idempotent-Replayed");
        response.headers = headers;
      }
    }
  }
  return doc;
}

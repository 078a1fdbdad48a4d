/** The two ZeroFee calls the shop makes, with its secret key (server side only). */
export interface Session {
  id: string;
  url: string;
  status: "open" | "complete" | "expired";
  reference: string;
  payment_id: string | null;
}

export function zerofeeClient(baseUrl: string, secretKey: string) {
  async function call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${secretKey}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    // One key per order: a retry after a timeout gets the same session, never a second one.
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as { success: boolean; data: T; error?: { code: string; message: string } };
    if (!json.success) throw new Error(`ZeroFee ${method} ${path}: ${json.error?.code} ${json.error?.message}`);
    return json.data;
  }
  return {
    createSession: (input: Record<string, unknown>, idempotencyKey: string) => call<Session>("POST", "/v1/checkout/sessions", input, idempotencyKey),
    getSession: (id: string) => call<Session>("GET", `/v1/checkout/sessions/${encodeURIComponent(id)}`),
  };
}

import type { Catalogue, PaymentStatus, PayResult } from "./types.js";

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** The request field the server named (`customer.phone`…), when it named one. */
    readonly param?: string,
  ) {
    super(message);
  }
}

/** A random Idempotency-Key per payment attempt (crypto.randomUUID needs a secure context; this does not). */
export function attemptKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The few ZeroFee calls the browser makes, with the publishable key or client secret. */
export class Api {
  constructor(
    readonly base: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, key?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (key) headers["idempotency-key"] = key;
    let res: Response;
    try {
      res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "omit" });
    } catch {
      throw new ApiError("network_error", "network", 0);
    }
    const json = await res.json().catch(() => null);
    if (!res.ok || !json?.success)
      throw new ApiError(json?.error?.code ?? "api_error", json?.error?.message ?? `HTTP ${res.status}`, res.status, json?.error?.param);
    return json.data as T;
  }

  catalogue(currency?: string): Promise<Catalogue> {
    return this.call("GET", `/v1/checkout/methods${currency ? `?currency=${encodeURIComponent(currency)}` : ""}`);
  }

  pay(body: Record<string, unknown>, key: string): Promise<PayResult> {
    return this.call("POST", "/v1/checkout/pay", body, key);
  }

  status(id: string): Promise<{ status: PaymentStatus; amount: number; currency: string }> {
    return this.call("GET", `/v1/payments/${encodeURIComponent(id)}/status`);
  }

  otp(id: string, otp: string, key: string): Promise<{ id: string; status: PaymentStatus }> {
    return this.call("POST", `/v1/payments/${encodeURIComponent(id)}/authenticate`, { otp }, key);
  }
}

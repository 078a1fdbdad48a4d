import type { ProviderContext, SimRequest } from "../contract.js";
import type { Transport } from "./transport.js";

export function header(req: SimRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export { sleep };

/** Escapes text for HTML; sandbox pages echo amounts and references. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A `fetch` through the context's transport (the host's in-process simulator), else the global
 * one, with the context's deadline; it tells "never sent" (connection refused: safe to cascade)
 * apart from "sent, no answer" (timeout: ambiguous).
 */
export async function callProvider(
  url: string,
  init: RequestInit,
  ctx: Pick<ProviderContext, "timeoutMs" | "transport">,
): Promise<{ kind: "response"; status: number; body: unknown } | { kind: "not_sent"; message: string } | { kind: "timeout"; message: string }> {
  try {
    const transport: Transport = ctx.transport ?? fetch;
    // An in-process simulator answers without Request/Response objects (or an AbortSignal) when it can.
    const direct = transport.exchange?.(url, { ...init, redirect: "manual" }, ctx.timeoutMs);
    let status: number;
    let text: string;
    if (direct) {
      const res = await direct;
      status = res.status;
      text = res.body ?? "";
    } else {
      const res = await transport(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(ctx.timeoutMs) });
      status = res.status;
      text = await res.text();
    }
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // keep the text
    }
    return { kind: "response", status, body };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    if (cause?.code === "ECONNREFUSED" || cause?.code === "ENOTFOUND" || cause?.code === "EAI_AGAIN") {
      return { kind: "not_sent", message: `connection failed (${cause.code})` };
    }
    return { kind: "timeout", message: (err as Error).name === "TimeoutError" ? "provider timed out" : "connection lost" };
  }
}

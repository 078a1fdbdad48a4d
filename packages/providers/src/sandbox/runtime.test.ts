import { describe, expect, it } from "vitest";
import type { SimulatorStore } from "../contract.js";
import { callbackRetryDelayMs, createSimRuntime, redirectPage } from "./runtime.js";

// `_control` and pages touch no state: a store call here would be a bug.
const unusedStore: SimulatorStore = {
  get: () => Promise.reject(new Error("store not expected")),
  put: () => Promise.reject(new Error("store not expected")),
  claimDue: () => Promise.resolve([]),
};

describe("sandbox runtime", () => {
  it("_control sets down, latency (bounded) and drop_callbacks; other paths are not its business", () => {
    const rt = createSimRuntime({ store: unusedStore, confirmMs: 1, webhookSecret: "s", publicBaseUrl: () => "http://x" }, async () => {});
    expect(rt.handleControl({ method: "POST", path: "/v2/deposits", query: {}, headers: {}, body: {} })).toBeNull();
    expect(rt.handleControl({ method: "GET", path: "/_control", query: {}, headers: {}, body: {} })).toBeNull();
    const res = rt.handleControl({
      method: "POST",
      path: "/_control/",
      query: {},
      headers: {},
      body: { down: true, latency_ms: 10_000_000, drop_callbacks: true },
    });
    expect(res).toEqual({ status: 200, body: { down: true, latency_ms: 120_000, drop_callbacks: true } });
    expect(rt.control).toEqual({ down: true, latencyMs: 120_000, dropCallbacks: true });
    rt.handleControl({ method: "POST", path: "/_control", query: {}, headers: {}, body: { down: false, latency_ms: -5 } });
    expect(rt.control).toEqual({ down: false, latencyMs: 0, dropCallbacks: true });
    rt.stop();
    expect(rt.stopped).toBe(true);
  });

  it("redirect pages are plain forms with the three actions, every echoed value escaped", () => {
    const page = redirectPage({ title: "T <b>", summary: 'Pay "1500"', action: "http://x/pay?a=1&b=2", hidden: { token: '"><script>x</script>' }, card: true });
    const html = String(page.body);
    expect(page.headers?.["content-type"]).toMatch(/^text\/html/);
    expect(html).not.toContain("<script>");
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;x&#60;/script&#62;"');
    expect(html).toContain('action="http://x/pay?a=1&#38;b=2"');
    for (const action of ["approve", "decline", "cancel"]) expect(html).toContain(`data-action="${action}"`);
    expect(html).toContain('name="card_number" value="4242 4242 4242 4242"');
    expect(String(redirectPage({ title: "t", summary: "s", action: "/", hidden: {} }).body)).not.toContain("card_number");
  });

  it("callback retries back off", () => {
    expect([1, 2, 3, 4].map(callbackRetryDelayMs)).toEqual([2000, 4000, 8000, 16000]);
  });
});

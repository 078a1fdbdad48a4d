import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimulatorStore } from "../contract.js";
import { actionPage, CARD_INPUT } from "./page.js";
import {
  applyControl,
  callbackRetryDelayMs,
  createLock,
  createSimRuntime,
  deliverClaimed,
  flushOutbox,
  type Outbox,
  postCallback,
  queueCallback,
  sandboxWebhookUrl,
} from "./runtime.js";

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

  it("_control ignores values of the wrong type and a latency that is not finite", () => {
    const c = { down: false, latencyMs: 0, dropCallbacks: false };
    expect(applyControl(c, { down: true, latency_ms: 1e9, drop_callbacks: true }).body).toEqual({ down: true, latency_ms: 120_000, drop_callbacks: true });
    expect(applyControl(c, { down: "yes", latency_ms: Number.NaN }).body).toEqual({ down: true, latency_ms: 120_000, drop_callbacks: true });
    expect(applyControl(c, null).body).toEqual({ down: true, latency_ms: 120_000, drop_callbacks: true });
  });

  it("a sandbox account's webhook URL is ZeroFee's inbound route beside the sandbox", () => {
    expect(sandboxWebhookUrl("http://127.0.0.1:8000/sandbox/stripe")).toBe("http://127.0.0.1:8000/v1/webhooks/providers/stripe");
    expect(sandboxWebhookUrl("https://pay.example/zf/sandbox/paypal/")).toBe("https://pay.example/zf/v1/webhooks/providers/paypal");
    expect(() => sandboxWebhookUrl("http://127.0.0.1:8000/elsewhere")).toThrow();
  });

  it("callback retries back off", () => {
    expect([1, 2, 3, 4].map(callbackRetryDelayMs)).toEqual([2000, 4000, 8000, 16000]);
  });
});

describe("action page", () => {
  it("is a plain form: three data-action buttons inside it, state in hidden inputs, every echoed value escaped", () => {
    const page = actionPage({
      title: "T <b>",
      lines: ['Pay "1500"', '<b>"x"</b>'],
      action: "http://x/pay?a=1&b=2",
      hidden: { token: '"><script>x</script>' },
      inputs: CARD_INPUT,
    });
    const html = String(page.body);
    expect(page.headers?.["content-type"]).toMatch(/^text\/html/);
    expect(html).not.toContain("<script>");
    expect(html).not.toContain('<b>"x"</b>');
    expect(html).not.toContain("formaction");
    const form = /<form method="post" action="http:\/\/x\/pay\?a=1&#38;b=2">([\s\S]*)<\/form>/.exec(html)?.[1] ?? "";
    for (const a of ["approve", "decline", "cancel"]) expect(form).toContain(`data-action="${a}"`);
    expect(form).toContain('<input type="hidden" name="token" value="&#34;&#62;&#60;script&#62;x&#60;/script&#62;">');
    expect(form).toContain('name="card_number" value="4242 4242 4242 4242"');
    expect(String(actionPage({ title: "t", lines: ["s"], action: "/", hidden: {} }).body)).not.toContain("card_number");
  });
});

describe("callback delivery", () => {
  const received: Array<{ body: string; sig: string | undefined; type: string | undefined }> = [];
  let failNext = 0;
  let redirect = false;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      if (redirect) {
        res.writeHead(302, { location: "/elsewhere" }).end();
        return;
      }
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end();
        return;
      }
      received.push({ body, sig: req.headers["x-sig"] as string | undefined, type: req.headers["content-type"] });
      res.writeHead(200).end();
    });
  });
  let url = "";
  const send = (body: string) => postCallback(url, body, { "x-sig": `sig-${body}` });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("postCallback is true for a 2xx only: a redirect is not followed, a refused connection is false", async () => {
    expect(await postCallback(url, "{}", {})).toBe(true);
    expect(received.splice(0)).toEqual([{ body: "{}", sig: undefined, type: "application/json" }]);
    redirect = true;
    expect(await postCallback(url, "{}", {})).toBe(false);
    redirect = false;
    failNext = 1;
    expect(await postCallback(url, "{}", {})).toBe(false);
    expect(await postCallback("http://127.0.0.1:1/hook", "{}", {})).toBe(false);
    expect(received).toEqual([]);
  });

  it("flushOutbox delivers in order, signing each body when sent", async () => {
    const rec: Outbox = {};
    queueCallback(rec, "a");
    queueCallback(rec, "b");
    expect(await flushOutbox(rec, send, false)).toBeNull();
    expect(received.splice(0)).toEqual([
      { body: "a", sig: "sig-a", type: "application/json" },
      { body: "b", sig: "sig-b", type: "application/json" },
    ]);
    expect(rec.outbox).toEqual([]);
  });

  it("flushOutbox backs off after a failure and keeps the body; drop discards the queue", async () => {
    failNext = 1;
    const rec: Outbox = { outbox: ["c"] };
    expect(await flushOutbox(rec, send, false)).toBe(2000);
    expect(rec).toEqual({ outbox: ["c"], callback_attempts: 1 });
    expect(await flushOutbox(rec, send, false)).toBeNull();
    expect(received.splice(0).map((r) => r.body)).toEqual(["c"]);
    const dropped: Outbox = { outbox: ["d"] };
    expect(await flushOutbox(dropped, send, true)).toBeNull();
    expect(received).toEqual([]);
  });

  it("flushOutbox gives a body up after the fifth failed delivery and goes on with the next", async () => {
    const rec: Outbox = { outbox: ["e", "f"] };
    failNext = 5;
    const waits: Array<number | null> = [];
    for (let i = 0; i < 5; i++) waits.push(await flushOutbox(rec, send, false));
    expect(waits).toEqual([2000, 4000, 8000, 16000, null]);
    expect(received.splice(0).map((r) => r.body)).toEqual(["f"]);
    expect(rec).toEqual({ outbox: [], callback_attempts: 0 });
  });
});

// `deliverDue` end to end, on the real sandbox store: packages/server/test/providers/sandbox-runtime.test.ts.
describe("deliverClaimed", () => {
  type Rec = Outbox & { status: string };
  const saved: Array<{ rec: Outbox; dueInMs: number | null }> = [];
  const save = async (rec: Outbox, dueInMs: number | null) => {
    saved.push({ rec, dueInMs });
  };

  it("keeps what changed while a callback was in flight, and owes the bodies queued meanwhile", async () => {
    const claimed: Rec = { status: "APPROVED", outbox: ["approved"] };
    // While "approved" is being delivered, a capture completes the order and queues its event.
    const stored: Rec = { status: "COMPLETED", outbox: ["approved", "captured"] };
    const sent: string[] = [];
    await deliverClaimed(claimed, {
      send: async (progress) => {
        sent.push(...(progress.outbox ?? []));
        progress.outbox = [];
        return null;
      },
      reload: async () => structuredClone(stored),
      save,
    });
    expect(sent).toEqual(["approved"]);
    expect(saved.splice(0)).toEqual([{ rec: { status: "COMPLETED", outbox: ["captured"], callback_attempts: 0 }, dueInMs: 0 }]);
  });

  it("a failed delivery keeps the body and its back-off", async () => {
    await deliverClaimed({ outbox: ["x"] } as Outbox, {
      send: async (progress) => {
        progress.callback_attempts = 1;
        return 2000;
      },
      reload: async () => ({ outbox: ["x"] }),
      save,
    });
    expect(saved.splice(0)).toEqual([{ rec: { outbox: ["x"], callback_attempts: 1 }, dueInMs: 2000 }]);
  });

  it("re-reads and saves under the lock, but sends outside it (the receiver may call the simulator back)", async () => {
    const lock = createLock();
    const steps: string[] = [];
    let release: () => void = () => {};
    const inFlight = new Promise<void>((r) => {
      release = r;
    });
    const delivery = deliverClaimed({ outbox: ["y"] } as Outbox, {
      send: async (progress) => {
        steps.push("send");
        await inFlight;
        progress.outbox = [];
        return null;
      },
      reload: async () => {
        steps.push("reload");
        return { outbox: ["y"] };
      },
      save: async (rec, dueInMs) => {
        steps.push("save");
        await save(rec, dueInMs);
      },
      exclusive: lock.exclusive,
    });
    // A request handled while the callback is in flight is not blocked by it.
    await lock.exclusive(async () => {
      steps.push("request");
    });
    release();
    await delivery;
    expect(steps).toEqual(["send", "request", "reload", "save"]);
    expect(saved.splice(0)).toEqual([{ rec: { outbox: [], callback_attempts: 0 }, dueInMs: null }]);
  });
});

describe("createLock", () => {
  it("runs sections one at a time, in order; pause lets the others run meanwhile", async () => {
    const lock = createLock();
    const steps: string[] = [];
    let wake: () => void = () => {};
    const slow = new Promise<void>((r) => {
      wake = r;
    });
    const a = lock.exclusive(async () => {
      steps.push("a:start");
      await lock.pause(slow);
      steps.push("a:end");
    });
    const b = lock.exclusive(async () => {
      steps.push("b");
    });
    await b;
    wake();
    await a;
    const failing = lock.exclusive(async () => {
      throw new Error("boom");
    });
    await expect(failing).rejects.toThrow("boom");
    // A section that threw released the lock.
    await lock.exclusive(async () => {
      steps.push("c");
    });
    expect(steps).toEqual(["a:start", "b", "a:end", "c"]);
  });
});

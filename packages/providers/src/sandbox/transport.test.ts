import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimRequest, SimResponse, Simulator, SimulatorStore } from "../contract.js";
import { callProvider } from "./http.js";
import { createRecordLocks, createSimRuntime } from "./runtime.js";
import { inProcessTransport } from "./transport.js";

/** A record's store in memory, with `insert` left out so the runtime's fallback is what runs. */
function memoryStore(): SimulatorStore & { data: Map<string, Record<string, unknown>> } {
  const data = new Map<string, Record<string, unknown>>();
  return {
    data,
    get: async (id) => data.get(id) ?? null,
    put: async (id, rec) => {
      data.set(id, rec);
    },
    claimDue: async () => [],
  };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("record locks", () => {
  it("sections on one key run one at a time in arrival order; other keys do not wait", async () => {
    const locks = createRecordLocks();
    const log: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a1 = locks.for("a")(async () => {
      log.push("a1 start");
      await gate;
      log.push("a1 end");
    });
    const a2 = locks.for("a")(async () => {
      log.push("a2");
    });
    const b = locks.for("b")(async () => {
      log.push("b");
    });
    await b;
    await tick();
    // b ran while a1 held "a"; a2 still waits for a1.
    expect(log).toEqual(["a1 start", "b"]);
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(["a1 start", "b", "a1 end", "a2"]);
    expect(locks.size).toBe(0);
  });

  it("a section that throws frees its key", async () => {
    const locks = createRecordLocks();
    await expect(locks.for("k")(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await locks.for("k")(async () => 42)).toBe(42);
  });

  it("rt.insert stores once: racing creates of one id, one wins, the others find it", async () => {
    const store = memoryStore();
    const rt = createSimRuntime({ store, confirmMs: 1, webhookSecret: "s", publicBaseUrl: () => "http://x" }, async () => {});
    const results = await Promise.all([1, 2, 3, 4].map((n) => rt.insert("ref-1", { n }, null)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(store.data.size).toBe(1);
    rt.stop();
  });
});

describe("in-process transport", () => {
  const seen: SimRequest[] = [];
  let answer: (req: SimRequest) => Promise<SimResponse> = async () => ({ status: 201, body: { ok: true } });
  const sim: Simulator = {
    handle: async (req) => {
      seen.push(req);
      return answer(req);
    },
    tick: async () => {},
    stop: () => {},
  };
  const transport = inProcessTransport(sim, () => "http://zf.test/sandbox/demo");

  it("hands the adapter's request to the simulator (path below the base, query, headers, decoded body) and answers a real Response", async () => {
    const res = await callProvider(
      "http://zf.test/sandbox/demo/v1/things?x=1",
      { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer k" }, body: JSON.stringify({ a: 1 }) },
      { timeoutMs: 1000, transport },
    );
    expect(res).toEqual({ kind: "response", status: 201, body: { ok: true } });
    expect(seen.splice(0)).toEqual([
      {
        method: "POST",
        path: "/v1/things",
        query: { x: "1" },
        headers: expect.objectContaining({ authorization: "Bearer k", "content-type": "application/json" }),
        body: { a: 1 },
      },
    ]);
  });

  it("the direct exchange (no Request/Response objects) hands the simulator exactly what the Request path does", async () => {
    answer = async () => ({ status: 202, headers: { "x-sim": "1" }, body: { done: true } });
    const init = { method: "post", headers: { "Content-Type": "application/json", Authorization: " Bearer k ", "X-Trace": "7" }, body: '{"a":[1,2]}' };
    const url = "http://zf.test/sandbox/demo/v1/things/%7Bid%7D?x=1&y=%C3%A9";
    seen.length = 0;
    const viaRequest = await transport(url, init);
    expect(viaRequest.status).toBe(202);
    expect(await viaRequest.json()).toEqual({ done: true });
    expect(transport.exchange?.(url, init)).toBeInstanceOf(Promise);
    const direct = await callProvider(url, init, { timeoutMs: 1000, transport });
    expect(direct).toEqual({ kind: "response", status: 202, body: { done: true } });
    const [a, b, c] = seen.splice(0);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(a).toMatchObject({ method: "POST", path: "/v1/things/%7Bid%7D", query: { x: "1", y: "é" }, body: { a: [1, 2] } });
    expect(a?.headers).toMatchObject({ authorization: "Bearer k", "content-type": "application/json", "x-trace": "7" });
    // A body that is not text, or Headers, takes the Request path; another URL is not served.
    expect(transport.exchange?.(url, { method: "POST", body: new URLSearchParams({ a: "1" }) })).toBeNull();
    expect(transport.exchange?.(url, { headers: new Headers({ a: "1" }) })).toBeNull();
    expect(transport.exchange?.("http://zf.test/sandbox/demo2/x", {})).toBeNull();
  });

  it("a form body is decoded as the HTTP host does; a simulator that throws answers 500, outcome unknown", async () => {
    answer = async () => {
      throw new Error("write committed, connection lost");
    };
    const res = await callProvider(
      "http://zf.test/sandbox/demo/token",
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials" },
      { timeoutMs: 1000, transport },
    );
    expect(res).toMatchObject({ kind: "response", status: 500, body: { error: "INTERNAL_ERROR" } });
    expect(seen.splice(0)[0]?.body).toEqual({ grant_type: "client_credentials" });
  });

  it("a simulator slower than the deadline reads as a timeout (sent, outcome unknown), as over a socket", async () => {
    answer = () => new Promise((r) => setTimeout(() => r({ status: 200, body: {} }), 300));
    const res = await callProvider("http://zf.test/sandbox/demo/slow", { method: "GET" }, { timeoutMs: 20, transport });
    expect(res).toEqual({ kind: "timeout", message: "provider timed out" });
  });

  describe("other URLs", () => {
    const server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end('{"from":"network"}'));
    let url = "";
    beforeAll(async () => {
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("go over the network, as does a call whose context names no transport", async () => {
      seen.length = 0;
      expect(await callProvider(`${url}/sandbox/demo/v1/x`, { method: "GET" }, { timeoutMs: 1000, transport })).toEqual({
        kind: "response",
        status: 200,
        body: { from: "network" },
      });
      // A prefix that is only a string prefix (`demo2`) is not the simulator's.
      expect((await callProvider(`${url}/sandbox/demo2`, {}, { timeoutMs: 1000, transport: inProcessTransport(sim, () => `${url}/sandbox/demo`) })).kind).toBe(
        "response",
      );
      expect(await callProvider(`${url}/sandbox/demo/v1/x`, { method: "GET" }, { timeoutMs: 1000 })).toMatchObject({ body: { from: "network" } });
      expect(seen).toEqual([]);
    });
  });
});

/**
 * A request that reaches a process already shutting down (pipelined behind one it is still
 * answering, on a kept-alive connection) is refused in ZeroFee's envelope — 503
 * `service_unavailable`, `Retry-After`, `Connection: close` — like every other error, not in
 * Fastify's own body.
 */
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { createMerchant, eventually, paymentBody, startTestApp } from "../harness.js";

describe("draining", () => {
  it("a request pipelined behind one in flight when the process starts closing gets the envelope's 503", { timeout: 60_000 }, async () => {
    const t = await startTestApp();
    try {
      const m = await createMerchant(t, "drain");
      // The sandbox answers the create after 1.5 s: the first request is still in flight when stop() begins.
      await t.call("POST", "/sandbox/test/_control", { body: { latency_ms: 1500 } });
      const { hostname, port } = new URL(t.url);
      const socket = connect(Number(port), hostname);
      let received = "";
      socket.on("data", (c: Buffer) => (received += c.toString("utf8")));
      const ended = new Promise<void>((r) => socket.on("close", () => r()));
      const body = JSON.stringify(paymentBody("00"));
      const host = `Host: ${hostname}:${port}\r\n`;
      socket.write(
        `POST /v1/payments HTTP/1.1\r\n${host}Authorization: Bearer ${m.sk}\r\nContent-Type: application/json\r\nIdempotency-Key: drain-1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      const stopping = t.app.stop();
      // Closing: the listener takes no new connection (the kept-alive one stays, busy).
      await eventually(async () =>
        fetch(`${t.url}/healthz`).then(
          () => false,
          () => true,
        ),
      );
      socket.write(`GET /v1/payments?limit=1 HTTP/1.1\r\n${host}Authorization: Bearer ${m.sk}\r\n\r\n`);
      await ended;
      await stopping;
      const answers = received.split(/(?=HTTP\/1\.1 )/);
      expect(answers[0]).toMatch(/^HTTP\/1\.1 201/);
      expect(answers[1]).toMatch(/^HTTP\/1\.1 503/);
      expect(answers[1]).toMatch(/retry-after: 1/i);
      expect(answers[1]).toMatch(/connection: close/i);
      expect(answers[1]).toContain('"code":"service_unavailable"');
    } finally {
      await t.stop();
    }
  });
});

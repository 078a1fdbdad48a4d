/**
 * Behind a load balancer every request arrives from the balancer's address. Untrusted (the
 * default), `X-Forwarded-For` is ignored — a client cannot pick its own address — and every
 * client shares one per-IP budget. With ZEROFEE_TRUST_PROXY naming the proxy, each client is
 * counted on its own, and a spoofed header from anywhere else still is not believed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../harness.js";

const PER_IP = 3;
const call = (t: TestApp, client: string) => t.call("GET", "/v1/checkout/methods?country=CI", { headers: { "x-forwarded-for": client } });
/** Twelve requests at once, each claiming another client address (four times the per-IP budget). */
const twelveClients = async (t: TestApp) => (await Promise.all(Array.from({ length: 12 }, (_, i) => call(t, `198.51.100.${i + 1}`)))).map((r) => r.status);

let trusting: TestApp;
let plain: TestApp;
beforeAll(async () => {
  trusting = await startTestApp({ env: { ZEROFEE_RATE_LIMIT_PER_IP: String(PER_IP), ZEROFEE_TRUST_PROXY: "127.0.0.1" } });
  plain = await startTestApp({ env: { ZEROFEE_RATE_LIMIT_PER_IP: String(PER_IP) } });
});
afterAll(async () => {
  await trusting?.stop();
  await plain?.stop();
});

describe("client addresses behind a proxy", () => {
  it("ZEROFEE_TRUST_PROXY=<the proxy>: each forwarded client has its own per-IP budget", async () => {
    expect(await twelveClients(trusting)).not.toContain(429);
    // One client over its own budget is still limited.
    const one = await Promise.all(Array.from({ length: 12 }, () => call(trusting, "198.51.100.200")));
    expect(one.map((r) => r.status)).toContain(429);
  });

  it("untrusted (the default): the header is ignored, so claiming other addresses buys no budget", async () => {
    expect(await twelveClients(plain)).toContain(429);
  });
});

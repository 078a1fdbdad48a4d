/**
 * What the dashboard relies on from the server, without a browser: the SPA's serving rules
 * and the `object_id` filter of `GET /v1/events` (a payment's events on its detail page).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, eventually, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "dash-serving");
});
afterAll(async () => {
  await t?.stop();
});

describe("GET /v1/events?object_id=", () => {
  it("lists one payment's events only, for a secret key and for a dashboard user naming the app", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody() })).body.data.id);
    const [first, second] = ids as [string, string];
    await eventually(async () => (await t.call("GET", `/v1/payments/${first}`, { token: m.sk })).body.data.status === "completed");
    const byKey = await t.call("GET", `/v1/events?object_id=${first}`, { token: m.sk });
    expect(byKey.status, byKey.text).toBe(200);
    const types = byKey.body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(["payment.completed", "payment.created"]);
    expect(byKey.body.data.every((e: { data: { id: string } }) => e.data.id === first)).toBe(true);
    const byUser = await t.call("GET", `/v1/events?object_id=${second}`, { token: m.token, headers: { "x-app-id": m.appId } });
    expect(byUser.status, byUser.text).toBe(200);
    expect(byUser.body.data.length).toBeGreaterThan(0);
    expect(byUser.body.data.every((e: { data: { id: string } }) => e.data.id === second)).toBe(true);
    // Another mode's view of the same object: nothing (objects of the other mode are not the caller's).
    const live = await t.call("GET", `/v1/events?object_id=${first}`, { token: m.skLive });
    expect(live.body.data).toEqual([]);
  });
});

describe("/dashboard/", () => {
  it("marks the page when a session cookie came with it, so a signed-out visit asks nothing of /v1/auth/me", async () => {
    const signedOut = await fetch(`${t.url}/dashboard/`);
    expect(signedOut.headers.get("vary")).toContain("cookie");
    const page = await signedOut.text();
    expect(page).not.toContain("zerofee-session");
    // Its icon inline, which its CSP allows: no request for /favicon.ico (a 404).
    expect(page).toContain('<link rel="icon" href="data:image/svg+xml,');
    expect(signedOut.headers.get("content-security-policy")).toContain("img-src 'self' data:");
    const signedIn = await fetch(`${t.url}/dashboard/settings`, { headers: { cookie: `zerofee_session=${m.token}` } });
    expect(await signedIn.text()).toContain('<meta name="zerofee-session" content="1">');
  });

  it("serves only built file names under /dashboard/assets/", async () => {
    for (const path of ["/dashboard/assets/..%2F..%2Fpackage.json", "/dashboard/assets/nope.js"]) {
      const res = await fetch(`${t.url}${path}`);
      expect([400, 404], path).toContain(res.status);
    }
    const bare = await fetch(`${t.url}/dashboard`, { redirect: "manual" });
    expect(bare.status).toBe(303);
    expect(bare.headers.get("location")).toBe("/dashboard/");
    // The query goes along (the router writes the overview's state as /dashboard?…).
    const withQuery = await fetch(`${t.url}/dashboard?currency=EUR&x=1`, { redirect: "manual" });
    expect(withQuery.status).toBe(303);
    expect(withQuery.headers.get("location")).toBe("/dashboard/?currency=EUR&x=1");
  });
});

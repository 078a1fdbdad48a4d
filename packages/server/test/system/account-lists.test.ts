/**
 * The account's own lists page like every list (SPEC §4): `GET /v1/apps`, an app's keys, its
 * providers and an event's deliveries take `limit` (1–100, default 20) and `cursor`, answer
 * `has_more` and `next_cursor`, refuse a bad `limit` or cursor with the param named, and never
 * show another account's (or app's, or mode's) rows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookAttempts } from "../../src/db/schema/index.js";
import { newId } from "../../src/lib/ids.js";
import { createMerchant, type Merchant, paymentBody, startTestApp, type TestApp } from "../harness.js";

let t: TestApp;
let m: Merchant;
let other: Merchant;

beforeAll(async () => {
  t = await startTestApp();
  m = await createMerchant(t, "lists");
  other = await createMerchant(t, "lists-other");
});
afterAll(async () => {
  await t?.stop();
});

interface Row {
  id?: string;
  provider?: string;
}

/** Walks a list with `limit` (and any query already in `path`), checking each page's `has_more` and `next_cursor`. */
async function walk(path: string, token: string, limit: number, headers?: Record<string, string>): Promise<Row[]> {
  const sep = path.includes("?") ? "&" : "?";
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const r = await t.call("GET", `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { token, headers });
    expect(r.status, r.text).toBe(200);
    expect(r.body.data.length).toBeLessThanOrEqual(limit);
    rows.push(...r.body.data);
    if (!r.body.has_more) {
      expect(r.body.next_cursor).toBeNull();
      return rows;
    }
    expect(r.body.data.length).toBe(limit);
    expect(typeof r.body.next_cursor).toBe("string");
    cursor = r.body.next_cursor;
  }
  throw new Error(`${path} never ended`);
}

/** `limit` 0 and 101 and a cursor ZeroFee did not give out: 400 validation_error naming the param. */
async function expectRefusals(path: string, token: string): Promise<void> {
  const sep = path.includes("?") ? "&" : "?";
  for (const [query, param] of [
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["cursor=abc", "cursor"],
    [`cursor=${Buffer.from("not-an-id").toString("base64url")}`, "cursor"],
  ] as const) {
    const r = await t.call("GET", `${path}${sep}${query}`, { token });
    expect(r.status, `${path} ${query}: ${r.text}`).toBe(400);
    expect(r.body.error.code).toBe("validation_error");
    expect(r.body.error.param, `${path} ${query}`).toBe(param);
  }
}

const ids = (rows: Row[]) => rows.map((r) => r.id as string);

describe("GET /v1/apps", () => {
  it("pages the account's 25 apps, newest first: limit=1 walks each once, 20 by default; another account's never appear", async () => {
    const made = [m.appId];
    for (let i = 1; i < 25; i++) {
      const r = await t.call("POST", "/v1/apps", { token: m.token, body: { name: `app ${i}` } });
      expect(r.status, r.text).toBe(201);
      made.push(r.body.data.id);
    }
    // A deleted app is not listed.
    const gone = await t.call("POST", "/v1/apps", { token: m.token, body: { name: "gone" } });
    expect((await t.call("DELETE", `/v1/apps/${gone.body.data.id}`, { token: m.token })).status).toBe(200);
    const newestFirst = [...made].reverse();

    const first = await t.call("GET", "/v1/apps", { token: m.token });
    expect(first.status, first.text).toBe(200);
    expect(ids(first.body.data)).toEqual(newestFirst.slice(0, 20));
    expect(first.body.has_more).toBe(true);
    const rest = await t.call("GET", `/v1/apps?cursor=${first.body.next_cursor}`, { token: m.token });
    expect(ids(rest.body.data)).toEqual(newestFirst.slice(20));
    expect(rest.body).toMatchObject({ has_more: false, next_cursor: null });

    expect(ids(await walk("/v1/apps", m.token, 1))).toEqual(newestFirst);
    expect(ids(await walk("/v1/apps", m.token, 7))).toEqual(newestFirst);
    expect(ids(await walk("/v1/apps", m.token, 100))).toEqual(newestFirst);
    expect(ids(await walk("/v1/apps", other.token, 1))).toEqual([other.appId]);
    // The other account's cursor (its app's id) only moves within the caller's own apps.
    const foreign = await t.call("GET", `/v1/apps?limit=100&cursor=${Buffer.from(other.appId).toString("base64url")}`, { token: m.token });
    expect(foreign.status).toBe(200);
    expect(ids(foreign.body.data).every((id) => made.includes(id))).toBe(true);
    await expectRefusals("/v1/apps", m.token);
  });
});

describe("GET /v1/apps/{app_id}/keys", () => {
  it("pages the app's 25 keys, newest first; other apps' keys and revoked keys never appear", async () => {
    const app = await t.call("POST", "/v1/apps", { token: m.token, body: { name: "keys" } });
    const appId: string = app.body.data.id;
    const made: string[] = [];
    for (let i = 0; i < 25; i++) {
      const r = await t.call("POST", `/v1/apps/${appId}/keys`, {
        token: m.token,
        body: { type: i % 2 ? "publishable" : "secret", mode: i % 3 ? "test" : "live" },
      });
      expect(r.status, r.text).toBe(201);
      made.push(r.body.data.id);
    }
    const revoked = await t.call("POST", `/v1/apps/${appId}/keys`, { token: m.token, body: { type: "secret", mode: "test" } });
    expect((await t.call("DELETE", `/v1/apps/${appId}/keys/${revoked.body.data.id}`, { token: m.token })).status).toBe(200);
    const newestFirst = [...made].reverse();
    const path = `/v1/apps/${appId}/keys`;

    const first = await t.call("GET", path, { token: m.token });
    expect(first.status, first.text).toBe(200);
    expect(ids(first.body.data)).toEqual(newestFirst.slice(0, 20));
    expect(first.body.has_more).toBe(true);
    expect(first.body.data.every((k: { key?: string }) => k.key === undefined)).toBe(true);
    expect(ids(await walk(path, m.token, 1))).toEqual(newestFirst);
    expect(ids(await walk(path, m.token, 100))).toEqual(newestFirst);
    // The merchant's first app still lists its own four keys only.
    expect(new Set(ids(await walk(`/v1/apps/${m.appId}/keys`, m.token, 1))).size).toBe(4);
    expect(ids(await walk(`/v1/apps/${m.appId}/keys`, m.token, 1)).some((id) => made.includes(id))).toBe(false);
    // Another account: not found, whatever the query.
    for (const q of ["", "?limit=1", `?cursor=${first.body.next_cursor}`]) {
      const r = await t.call("GET", `${path}${q}`, { token: other.token });
      expect(r.status, r.text).toBe(404);
      expect(JSON.stringify(r.body)).not.toContain(made[0]);
    }
    await expectRefusals(path, m.token);
  });
});

describe("GET /v1/apps/{app_id}/providers", () => {
  it("pages the catalogue of the mode: limit=1 walks each provider once; another account's app is not found", async () => {
    await t.call("PUT", `/v1/apps/${other.appId}/providers/sandbox`, { token: other.token, body: { mode: "test", enabled: false, priority: 7 } });
    for (const mode of ["test", "live"]) {
      const path = `/v1/apps/${m.appId}/providers?mode=${mode}`;
      const all = await t.call("GET", path, { token: m.token });
      expect(all.status, all.text).toBe(200);
      const names = all.body.data.map((p: Row) => p.provider);
      expect(names.length).toBeGreaterThan(1);
      expect(all.body).toMatchObject({ has_more: names.length > 20 });
      expect(all.body.data.every((p: { mode: string }) => p.mode === mode)).toBe(true);
      expect((await walk(path, m.token, 1)).map((p) => p.provider)).toEqual(names);
      expect((await walk(path, m.token, 2)).map((p) => p.provider)).toEqual(names);
      expect((await walk(path, m.token, 100)).map((p) => p.provider)).toEqual(names);
      // Another account's set-up never shows in this app's list.
      expect(all.body.data.some((p: { priority: number; created_at: string | null }) => p.priority === 7 || p.created_at !== null)).toBe(false);
      await expectRefusals(path, m.token);
    }
    const foreign = await t.call("GET", `/v1/apps/${m.appId}/providers?limit=1`, { token: other.token });
    expect(foreign.status, foreign.text).toBe(404);
  });
});

describe("GET /v1/events/{id}/deliveries", () => {
  it("pages an event's 25 attempts, oldest first; rows of another app or mode never appear", async () => {
    const pay = await t.call("POST", "/v1/payments", { token: m.sk, body: paymentBody("11"), idempotencyKey: "lists-deliveries" });
    expect(pay.status, pay.text).toBeLessThan(300);
    const events = await t.call("GET", `/v1/events?object_id=${pay.body.data.id}&limit=1`, { token: m.sk });
    const eventId: string = events.body.data[0].id;
    // Attempts as the workers write them (no endpoint is needed to list them), plus rows with
    // the same event id under another app and the other mode, which the list must leave out.
    const base = Date.now();
    const row = (i: number, appId: string, livemode: boolean) => ({
      id: newId("delivery", new Date(base + i)),
      eventId,
      appId,
      livemode,
      attempt: i + 1,
      url: "https://shop.example/hooks",
      statusCode: 500,
      responseBody: "no",
      durationMs: 12,
      error: null,
      createdAt: new Date(base + i),
    });
    const mine = Array.from({ length: 25 }, (_, i) => row(i, m.appId, false));
    const foreign = [row(30, other.appId, false), row(31, m.appId, true)];
    await t.database.db.insert(webhookAttempts).values([...mine, ...foreign]);
    const oldestFirst = mine.map((r) => r.id);
    const path = `/v1/events/${eventId}/deliveries`;

    const first = await t.call("GET", path, { token: m.sk });
    expect(first.status, first.text).toBe(200);
    expect(ids(first.body.data)).toEqual(oldestFirst.slice(0, 20));
    expect(first.body.has_more).toBe(true);
    const rest = await t.call("GET", `${path}?cursor=${first.body.next_cursor}`, { token: m.sk });
    expect(ids(rest.body.data)).toEqual(oldestFirst.slice(20));
    expect(rest.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(ids(await walk(path, m.sk, 1))).toEqual(oldestFirst);
    expect(ids(await walk(path, m.token, 3, { "x-app-id": m.appId }))).toEqual(oldestFirst);
    expect(ids(await walk(path, m.sk, 100))).toEqual(oldestFirst);
    // The other account and the other mode: the event is not found.
    for (const [token, headers] of [[other.sk], [other.token, { "x-app-id": other.appId }], [m.skLive]] as const) {
      const r = await t.call("GET", `${path}?limit=1`, { token, headers });
      expect(r.status, r.text).toBe(404);
    }
    await expectRefusals(path, m.sk);
  });
});

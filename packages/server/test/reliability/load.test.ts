/**
 * LD-1 (reference/reliability.md §5, note after group J: correctness *under* load is a test,
 * timing is a benchmark): 30 s of autocannon-driven creates over 20 connections, 10 % of them
 * reusing an earlier key, while the sandbox's callbacks complete the payments. Assertions are
 * on counts only.
 */
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countSandboxRecords } from "../../src/services/sandbox/store.js";
import { createMerchant, eventually, type Merchant, onPostgres, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { scalar } from "./helpers.js";

const DURATION_S = 30;
const CONCURRENCY = 20;
const REUSE = 0.1;

let t: TestApp;
let m: Merchant;
beforeAll(async () => {
  if (!onPostgres) return;
  t = await startTestApp();
  m = await createMerchant(t, "ld1");
});
afterAll(() => t?.stop());

/** Deterministic, so a failing run can be replayed (mulberry32). */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface Answer {
  key: string;
  reused: boolean;
  status: number;
  replayed: boolean;
  code: string | null;
  paymentId: string | null;
}

describe("J. load", () => {
  it.skipIf(!onPostgres)(
    "LD-1 idempotency under load: payments = distinct keys, 0 responses >= 500, every reused key replayed or 409 (PostgreSQL only: PGlite is one connection)",
    async () => {
      const random = prng(20_260_303);
      const keys: string[] = [];
      const answers: Answer[] = [];
      const sent = new Map<string, number>();
      const parse = (status: number, body: string, headers: Record<string, string | undefined>, key: string, reused: boolean): Answer => {
        let parsed: { data?: { id: string }; error?: { code: string } } | null = null;
        try {
          parsed = JSON.parse(body);
        } catch {
          parsed = null;
        }
        const replayed = Object.entries(headers).some(([k, v]) => k.toLowerCase() === "idempotent-replayed" && v === "true");
        return { key, reused, status, replayed, code: parsed?.error?.code ?? null, paymentId: parsed?.data?.id ?? null };
      };
      const bodyFor = (key: string) => JSON.stringify(paymentBody(keys.indexOf(key) % 4 === 0 ? "02" : "00", { reference: key }));
      // autocannon keeps one request in flight per connection (no pipelining), so the
      // connection's context carries the key of the request its next response answers.
      type Context = { key?: string; reused?: boolean };
      const result = await autocannon({
        url: t.url,
        connections: CONCURRENCY,
        duration: DURATION_S,
        timeout: 30,
        requests: [
          {
            method: "POST",
            path: "/v1/payments",
            headers: { authorization: `Bearer ${m.sk}`, "content-type": "application/json" },
            setupRequest: (request, context: Context) => {
              let key: string;
              let reused = false;
              if (keys.length > 0 && random() < REUSE) {
                key = keys[Math.floor(random() * keys.length)] as string;
                reused = true;
              } else {
                key = `ld-1-${keys.length}`;
                keys.push(key);
              }
              context.key = key;
              context.reused = reused;
              sent.set(key, (sent.get(key) ?? 0) + 1);
              // …00 completes through a sandbox callback, so inbound webhooks share the load.
              return { ...request, headers: { ...request.headers, "idempotency-key": key }, body: bodyFor(key) };
            },
            onResponse: (status, body, context: Context, headers) => {
              answers.push(parse(status, body, headers as Record<string, string | undefined>, context.key ?? "?", context.reused ?? false));
            },
          },
        ],
      });
      expect(result.errors + result.timeouts, `autocannon errors ${result.errors}, timeouts ${result.timeouts}`).toBe(0);

      // Requests cut off when the 30 s ended (or built and never written) got no answer: their
      // client retries each once with the same key, as a real one would, after any 409 in use.
      const answered = new Map<string, number>();
      for (const a of answers) answered.set(a.key, (answered.get(a.key) ?? 0) + 1);
      const cutOff = keys.filter((k) => (answered.get(k) ?? 0) < (sent.get(k) ?? 0));
      expect(cutOff.length).toBeLessThanOrEqual(CONCURRENCY + 1);
      const retries: Answer[] = [];
      for (const key of cutOff) {
        const retry = await eventually(async () => {
          const res = await fetch(`${t.url}/v1/payments`, {
            method: "POST",
            headers: { authorization: `Bearer ${m.sk}`, "content-type": "application/json", "idempotency-key": key },
            body: bodyFor(key),
          });
          const a = parse(res.status, await res.text(), Object.fromEntries(res.headers), key, true);
          return a.status === 409 && a.code === "idempotency_key_in_use" ? null : a;
        });
        retries.push(retry);
      }
      expect(retries.filter((a) => a.status !== 201)).toEqual([]);
      const all = [...answers, ...retries];
      expect(all.filter((a) => a.status >= 500)).toEqual([]);

      // Per key: at most one fresh 201 (none only when the fresh one was cut off and its retry
      // replayed it); every other answer is that payment's replay or 409 in use.
      const byKey = new Map<string, Answer[]>();
      for (const a of all) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
      expect(byKey.size).toBe(keys.length);
      const paymentOf = new Map<string, string>();
      for (const [key, list] of byKey) {
        const fresh = list.filter((a) => a.status === 201 && !a.replayed);
        expect(fresh.length, key).toBeLessThanOrEqual(1);
        if (fresh.length === 0) expect(cutOff, key).toContain(key);
        for (const a of list) {
          if (a.status === 201) {
            const known = paymentOf.get(key) ?? a.paymentId;
            expect(a.paymentId, key).toBe(known);
            paymentOf.set(key, a.paymentId as string);
          } else {
            expect(a.status, `${key}: ${a.code}`).toBe(409);
            expect(a.code).toBe("idempotency_key_in_use");
          }
        }
      }
      expect(paymentOf.size).toBe(keys.length);

      const reusedAnswers = answers.filter((a) => a.reused);
      // Not vacuous: more keys than connections (a starved machine sends fewer; counts, not rates, are asserted).
      expect(keys.length).toBeGreaterThan(CONCURRENCY);
      expect(reusedAnswers.length).toBeGreaterThan(0);
      // Every reused key was answered by a replay or a 409: for each key whose requests were all
      // answered, as many secondary answers as reuses — whichever request reached the server
      // first (the reuse may overtake the original) is the one fresh 201.
      for (const [key, list] of byKey) {
        if (cutOff.includes(key)) continue;
        const secondary = list.filter((a) => a.replayed || (a.status === 409 && a.code === "idempotency_key_in_use"));
        expect(secondary.length, key).toBe(list.filter((a) => a.reused).length);
      }

      // The database agrees: payments = distinct keys, one event and one initiation each.
      const db = t.database.db;
      expect(await scalar(db, sql`select count(*)::int from payments where app_id = ${m.appId}`)).toBe(keys.length);
      expect(await scalar(db, sql`select count(distinct reference)::int from payments where app_id = ${m.appId}`)).toBe(keys.length);
      expect(await scalar(db, sql`select count(*)::int from events where app_id = ${m.appId} and type = 'payment.created'`)).toBe(keys.length);
      expect(await countSandboxRecords(db, "test")).toBe(keys.length);
    },
    (DURATION_S + 60) * 1000,
  );
});

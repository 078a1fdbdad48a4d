/**
 * LD-1 (reference/reliability.md §5, note after group J: correctness *under* load is a test,
 * timing is a benchmark): ~8 s of creates from 20 concurrent clients, 10 % of them reusing
 * an earlier key, while the sandbox's callbacks complete the payments. Assertions are on
 * counts only.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countSandboxRecords } from "../../src/services/sandbox/store.js";
import { createMerchant, type Merchant, onPostgres, paymentBody, startTestApp, type TestApp } from "../harness.js";
import { scalar } from "./helpers.js";

const DURATION_MS = 8_000;
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
      const deadline = Date.now() + DURATION_MS;
      const client = async () => {
        while (Date.now() < deadline) {
          let key: string;
          let reused = false;
          if (keys.length > 0 && random() < REUSE) {
            key = keys[Math.floor(random() * keys.length)]!;
            reused = true;
          } else {
            key = `ld-1-${keys.length}`;
            keys.push(key);
          }
          // …00 completes through a sandbox callback, so inbound webhooks share the load.
          const body = JSON.stringify(paymentBody(keys.indexOf(key) % 4 === 0 ? "02" : "00", { reference: key }));
          const res = await fetch(`${t.url}/v1/payments`, {
            method: "POST",
            headers: { authorization: `Bearer ${m.sk}`, "content-type": "application/json", "idempotency-key": key },
            body,
          });
          const parsed = (await res.json().catch(() => null)) as { data?: { id: string }; error?: { code: string } } | null;
          answers.push({
            key,
            reused,
            status: res.status,
            replayed: res.headers.get("idempotent-replayed") === "true",
            code: parsed?.error?.code ?? null,
            paymentId: parsed?.data?.id ?? null,
          });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, client));

      const reusedAnswers = answers.filter((a) => a.reused);
      expect(keys.length).toBeGreaterThan(50);
      expect(reusedAnswers.length).toBeGreaterThan(0);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);

      // Per key: exactly one fresh 201; every other answer is its replay or 409 in use.
      const byKey = new Map<string, Answer[]>();
      for (const a of answers) byKey.set(a.key, [...(byKey.get(a.key) ?? []), a]);
      expect(byKey.size).toBe(keys.length);
      for (const [key, list] of byKey) {
        const fresh = list.filter((a) => a.status === 201 && !a.replayed);
        expect(fresh, key).toHaveLength(1);
        for (const a of list) {
          if (a === fresh[0]) continue;
          if (a.status === 201) {
            expect(a.replayed).toBe(true);
            expect(a.paymentId).toBe(fresh[0]!.paymentId);
          } else {
            expect(a.status, `${key}: ${a.code}`).toBe(409);
            expect(a.code).toBe("idempotency_key_in_use");
          }
        }
      }
      // So every reused key was answered by a replay or a 409 — whichever of its requests
      // reached the server first (the reuse may overtake the original) is the one fresh 201.
      const secondary = answers.filter((a) => a.replayed || (a.status === 409 && a.code === "idempotency_key_in_use"));
      expect(secondary).toHaveLength(answers.length - keys.length);
      expect(reusedAnswers.length).toBe(answers.length - keys.length);

      // The database agrees: payments = distinct keys, one event and one initiation each.
      const db = t.database.db;
      expect(await scalar(db, sql`select count(*)::int from payments where app_id = ${m.appId}`)).toBe(keys.length);
      expect(await scalar(db, sql`select count(distinct reference)::int from payments where app_id = ${m.appId}`)).toBe(keys.length);
      expect(await scalar(db, sql`select count(*)::int from events where app_id = ${m.appId} and type = 'payment.created'`)).toBe(keys.length);
      expect(await countSandboxRecords(db, "test")).toBe(keys.length);
    },
    60_000,
  );
});

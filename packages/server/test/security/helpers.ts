/**
 * Shared helpers for the security suite (reference/reliability.md §5, groups E, F, H, J):
 * reading the OpenAPI document, checking the error envelope and scanning text for secrets.
 */
import { expect } from "vitest";
import type { CallResult, TestApp } from "../harness.js";

export interface Operation {
  method: string;
  /** OpenAPI form: `/v1/payments/{id}`. */
  path: string;
  auth: string[];
  scope?: string;
  // biome-ignore lint/suspicious/noExplicitAny: raw OpenAPI objects
  op: any;
}

/** Every operation in GET /openapi.json, with its `x-zerofee-auth`. */
export async function openApiOperations(t: TestApp): Promise<Operation[]> {
  const res = await t.call("GET", "/openapi.json");
  if (res.status !== 200) throw new Error(`openapi.json: ${res.status}`);
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, unknown>>)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      // biome-ignore lint/suspicious/noExplicitAny: raw OpenAPI objects
      const o = op as any;
      out.push({ method: method.toUpperCase(), path, auth: o["x-zerofee-auth"] ?? [], scope: o["x-zerofee-scope"], op: o });
    }
  }
  return out;
}

export const opKey = (o: { method: string; path: string }) => `${o.method} ${o.path}`;

/** Error codes that mean "who you are" was refused, as opposed to what you asked. */
export const AUTH_CODES = new Set(["authentication_required", "invalid_api_key", "forbidden", "cross_site_request"]);
export const UNAUTHENTICATED_CODES = new Set(["authentication_required", "invalid_api_key"]);

/** SPEC §4 envelope: `{success:false, error:{type, code, message, param?, request_id}}`. */
export function expectErrorEnvelope(res: CallResult, context = ""): void {
  const where = `${context} → ${res.status} ${res.text.slice(0, 300)}`;
  expect(res.body, where).toBeTypeOf("object");
  expect(res.body?.success, where).toBe(false);
  const e = res.body?.error;
  expect(e, where).toBeTypeOf("object");
  expect(typeof e.type, where).toBe("string");
  expect(typeof e.code, where).toBe("string");
  expect(typeof e.message, where).toBe("string");
  expect(e.request_id, where).toMatch(/^req_/);
  expect(res.headers.get("x-request-id"), where).toBe(e.request_id);
  if ("param" in e) expect(typeof e.param, where).toBe("string");
  const allowed = new Set(["type", "code", "message", "param", "request_id"]);
  for (const k of Object.keys(e)) expect(allowed.has(k), `${where}: unexpected error field ${k}`).toBe(true);
  expect(Object.keys(res.body).sort(), where).toEqual(["error", "success"]);
}

export { findSecrets, LOG_SECRET_PATTERNS } from "./log-patterns.js";

/** Things an error body must never show (OWASP API8; RESTler's LeakageRule). */
export const LEAK_PATTERNS: Array<[string, RegExp]> = [
  ["stack trace", /\n\s+at\s|at [\w$.<>]+ \(|node:internal|\.(ts|js|mjs):\d+/],
  ["file path", /\/(work|home|usr|opt|var|tmp|app|src)\/|[A-Z]:\\|node_modules/],
  ["SQL", /\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b|syntax error at|relation "|violates|duplicate key|pg_|drizzle|pglite/i],
  ["internal host", /127\.0\.0\.1|localhost|0\.0\.0\.0|::1|ECONNREFUSED|5432/i],
  ["credential", /\b(sk|pk)_(test|live)_[0-9A-Za-z]{20,}|whsec_|zfs_[0-9A-Za-z_-]{10,}|password_hash|scrypt\$|Bearer [A-Za-z0-9_]{8,}/i],
  ["error class", /TypeError|ReferenceError|ZodError|FastifyError|FST_ERR|SyntaxError: /],
];

export function findLeaks(text: string): string[] {
  return LEAK_PATTERNS.filter(([, re]) => re.test(text)).map(([name]) => name);
}

/** An id of the right shape that no object has. */
export const UNKNOWN_ID: Record<string, string> = {
  id: "txn_0000000000000000000000unknown",
  app_id: "app_0000000000000000000000unknown",
  key_id: "key_0000000000000000000000unknown",
  provider: "test",
};

/** Replaces `{name}` placeholders. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for {${name}} in ${path}`);
    // Lone surrogates cannot be percent-encoded as UTF-8; send U+FFFD as a browser would.
    return encodeURIComponent(v.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));
  });
}

/** OpenAPI `{x}` → Fastify `:x`. */
export const toFastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ":$1");

/**
 * Every (method, url) the Fastify router holds, read from `printRoutes({commonPrefix:false})`:
 * a tree whose lines are `<indent>├── <segment> (METHODS)`; indent is 4 characters a level.
 */
export function registeredRoutes(tree: string): Array<{ method: string; url: string }> {
  const out: Array<{ method: string; url: string }> = [];
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? "").length / 4;
    stack.length = depth;
    stack.push(m[2] ?? "");
    const url = stack.join("");
    if (m[3]) for (const method of m[3].split(",").map((s) => s.trim())) out.push({ method, url });
  }
  return out;
}

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger("debug", stream), lines };
}

describe("logger", () => {
  it("drops a failed query's bound values from errors, as objects and as strings", () => {
    const { log, lines } = capture();
    const failed = new Error('Failed query: insert into "sandbox_records" values ($1)\nparams: {"phone":"+2250700000000"}');
    log.warn({ err: failed }, "query failed");
    log.debug({ err: String(failed) }, "sandbox tick failed");
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain("+2250700000000");
      expect(line).toContain("params: [redacted]");
      expect(line).toContain("Failed query");
    }
  });

  it("drops the bound values a driver's error carries as a `params` property (drizzle's DrizzleQueryError)", () => {
    const { log, lines } = capture();
    const failed = Object.assign(new Error("Failed query: with p as (insert into payments …)"), {
      query: "with p as (…)",
      params: ["txn_1", '{"phone":"+2250700000000"}'],
    });
    log.error({ err: failed }, "request failed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain("+2250700000000");
    expect(lines[0]).toContain('"params":"[redacted]"');
  });

  it("censors credentials and customer data by path", () => {
    const { log, lines } = capture();
    log.info({ headers: { authorization: "Bearer sk_test_x" }, customer: { phone: "+2250700000000" }, body: { otp: "123456" } }, "request");
    expect(lines[0]).not.toMatch(/sk_test_x|2250700000000|123456/);
  });
});

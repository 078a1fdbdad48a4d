import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, lazyChildLogger, repeatingWarning } from "./logger.js";

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
  it("a failure repeating on a timer is logged whole once, then one counted line a window", () => {
    const { log, lines } = capture();
    let now = 0;
    const failed = repeatingWarning(log, "webhook claim failed", 60_000, () => now);
    const outage = new Error('Failed query: select 1\nparams: ["+2250700000000"]');
    // A database outage: the claim fails every 250 ms for two minutes.
    for (; now < 120_000; now += 250) failed(outage);
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.map((e) => e.msg)).toEqual(["webhook claim failed", "webhook claim failed (240 times since the last line)"]);
    expect(entries[0].err.stack).toContain("Failed query");
    expect(entries[1]).toMatchObject({ repeats: 239, last_error: "Failed query: select 1\nparams: [redacted]" });
    expect(lines.join("")).not.toContain("+2250700000000");
    // Long after, a new failure is logged whole again.
    now += 3_600_000;
    failed(new Error("again"));
    expect(JSON.parse(lines.at(-1) ?? "{}")).toMatchObject({ msg: "webhook claim failed", err: { message: "again" }, earlier_repeats: 239 });
    expect(lines).toHaveLength(3);
  });

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

  it("a request's lazy child writes with its bindings and redaction, and is made only when it writes", () => {
    const { log, lines } = capture();
    let made = 0;
    const parent = new Proxy(log, {
      get: (target, key, recv) =>
        key === "child"
          ? (...a: Parameters<typeof log.child>) => {
              made++;
              return target.child(...a);
            }
          : Reflect.get(target, key, recv),
    });
    const quietLines: string[] = [];
    const quiet = createLogger("warn", new Writable({ write: (c, _e, done) => done(void quietLines.push(String(c))) }));
    const lazyQuiet = lazyChildLogger(quiet, { reqId: "req_1" }, {});
    lazyQuiet.debug("below the level");
    expect(quietLines).toEqual([]);
    lazyQuiet.warn("at the level");
    expect(quietLines.map((l) => JSON.parse(l).reqId)).toEqual(["req_1"]);
    const child = lazyChildLogger(parent, { reqId: "req_2" }, {});
    expect(made).toBe(0);
    expect(child.level).toBe("debug");
    child.info({ customer: { phone: "+2250700000000" } }, "hello");
    child.warn("again");
    expect(made).toBe(1);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ reqId: "req_2", msg: "hello", customer: "[redacted]" });
    expect(lines[0]).not.toContain("+2250700000000");
    expect(child.child({ job: "x" }).bindings()).toMatchObject({ reqId: "req_2", job: "x" });
  });
});

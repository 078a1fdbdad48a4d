/** Helpers for the payments benchmark: child processes, CPU accounting, percentiles, HTTP. */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import type { Request } from "autocannon";

export interface Child {
  proc: ChildProcess;
  /** Everything the child wrote so far (stdout and stderr). */
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `node <args>` and resolves once its output matches every pattern in `ready`. */
export function startChild(args: string[], env: Record<string, string>, ready: RegExp[], opts: { cwd: string; timeoutMs?: number }): Promise<Child> {
  const proc = spawn(process.execPath, args, { cwd: opts.cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const child: Child = {
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const kill = setTimeout(() => proc.kill("SIGKILL"), 8000);
        proc.once("exit", () => {
          clearTimeout(kill);
          resolve();
        });
        proc.kill("SIGTERM");
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill("SIGKILL");
      reject(new Error(`child ${args.join(" ")} not ready after ${opts.timeoutMs ?? 60_000} ms:\n${out}`));
    }, opts.timeoutMs ?? 60_000);
    const check = () => {
      if (ready.every((r) => r.test(out))) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      check();
    });
    proc.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`child ${args.join(" ")} exited (${code}) before it was ready:\n${out}`));
    });
  });
}

const TICK = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc; 0 where /proc is missing. */
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds used by every process named `postgres` (the server and its backends), or with
 * `database` only by the backends connected to that database (a shared server's other
 * databases excluded; their titles read `postgres: … <user> <database> …`).
 */
export function postgresCpuSeconds(database?: string): number {
  let total = 0;
  try {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
        if (database && !readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(` ${database} `)) continue;
        total += cpuSeconds(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return 0;
  }
  return total;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/**
 * One HTTP request over a fresh connection, optionally from a given loopback source address,
 * or over `agent`'s kept-alive ones; with `timeoutMs`, one unanswered that long fails.
 */
export function http(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: unknown; localAddress?: string; agent?: Agent; timeoutMs?: number } = {},
): Promise<HttpResult> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      url,
      {
        method: opts.method ?? "GET",
        agent: opts.agent ?? false,
        localAddress: opts.localAddress,
        headers: { ...(payload ? { "content-type": "application/json" } : {}), ...opts.headers },
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }));
      },
    );
    req.on("error", reject);
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.end(payload);
  });
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
export const pct = (n: number) => (Number.isFinite(n) ? `${(n * 100).toFixed(1)} %` : "–");

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/**
 * The benchmarks' create: the `test` sandbox, phone +225 07 00 00 00 02 (its customer never
 * answers, so no confirmation or callback adds load).
 */
export const CREATE_BODY = { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 02" } };

/**
 * `CREATE_BODY` as autocannon sends it, with a unique Idempotency-Key per request (`tag` and a
 * counter): a repeated key would be a replay, not a create.
 */
export function createRequest(token: string, tag: string, onResponse?: Request["onResponse"]): Request {
  let sent = 0;
  return {
    method: "POST",
    path: "/v1/payments",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(CREATE_BODY),
    setupRequest: (req) => ({ ...req, headers: { ...req.headers, "idempotency-key": `${tag}-${sent++}` } }),
    ...(onResponse ? { onResponse } : {}),
  };
}

/** The environment every benchmarked ZeroFee process runs with: limits off, quiet logs, its own data directory. */
export function benchServerEnv(dataDir: string, databaseUrl = ""): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    ZEROFEE_RATE_LIMIT_PER_KEY: "0",
    ZEROFEE_RATE_LIMIT_PER_IP: "0",
    ZEROFEE_CONCURRENCY_PER_KEY: "0",
    ZEROFEE_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
  };
}

export interface OpenLoopResult {
  sent: number;
  /** Requests answered 2xx. */
  ok: number;
  /** Client ms of each answered request, from its scheduled start (sorted). */
  ms: number[];
  /** X-ZeroFee-Latency of each answered request (sorted). */
  zf: number[];
}

/**
 * Creates arriving at `rate` a second for `seconds`, each at its own time whatever the
 * answers before it (open loop; gaps drawn from an exponential distribution, as independent
 * customers arrive), over at most `sockets` kept-alive connections. Latency counts from when
 * a request was due, so time spent queued for a connection counts too (no coordinated omission).
 */
export async function openLoopCreates(url: string, token: string, rate: number, seconds: number, sockets = 50): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const tag = `open-${Date.now().toString(36)}`;
  const result: OpenLoopResult = { sent: 0, ok: 0, ms: [], zf: [] };
  const one = (due: number) => {
    const headers = { authorization: `Bearer ${token}`, "idempotency-key": `${tag}-${result.sent++}` };
    // As autocannon's `timeout: 30`: a request unanswered for 30 s counts as not answered.
    return http(`${url}/v1/payments`, { method: "POST", headers, body: CREATE_BODY, agent, timeoutMs: 30_000 }).then(
      (r) => {
        if (r.status < 200 || r.status >= 300) return;
        result.ok++;
        result.ms.push(performance.now() - due);
        result.zf.push(Number(r.headers["x-zerofee-latency"]));
      },
      () => {},
    );
  };
  const start = performance.now();
  const end = start + seconds * 1000;
  const pending: Promise<void>[] = [];
  let due = start;
  while (due < end) {
    const now = performance.now();
    while (due <= now && due < end) {
      pending.push(one(due));
      due += (-Math.log(1 - Math.random()) / rate) * 1000;
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(due - performance.now(), 5))));
  }
  await Promise.all(pending);
  agent.destroy();
  result.ms.sort((a, b) => a - b);
  result.zf.sort((a, b) => a - b);
  return result;
}

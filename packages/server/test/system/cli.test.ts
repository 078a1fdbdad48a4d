import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, it } from "vitest";
import { captureChildLogs, eventually, freshDatabase, migratedDataDir, onPostgres } from "../harness.js";

const MAIN = join(import.meta.dirname, "../../src/main.ts");
const BIN = join(import.meta.dirname, "../../bin/zerofee.js");

function run(args: string[], env: Record<string, string>, waitFor?: RegExp, entry: string[] = ["--import", "tsx", MAIN]) {
  const child = spawn(process.execPath, [...entry, ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  captureChildLogs(child, args[0] ?? "cli");
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    out += d;
  });
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on("exit", (code) => resolve({ code, out })));
  const ready = waitFor
    ? new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          if (waitFor.test(out)) {
            clearInterval(timer);
            resolve(out);
          }
        }, 50);
        void done.then(() => {
          clearInterval(timer);
          reject(new Error(`exited before ready: ${out}`));
        });
      })
    : undefined;
  return { child, done, ready };
}

// Every test runs its own child processes (own data directory or database, port 0): they run
// concurrently, so one test's waits (a database that never answers, a drain, a second start)
// overlap the others' instead of adding up. `expect` is each test's own (concurrent tests).
describe.concurrent("CLI", () => {
  it("api and worker refuse to start without PostgreSQL, saying why", { timeout: 90_000 }, async ({ expect }) => {
    const runs = ["api", "worker"].map((cmd) => run([cmd], { DATABASE_URL: "" }).done);
    for (const { code, out } of await Promise.all(runs)) {
      expect(code).toBe(1);
      expect(out).toMatch(/needs PostgreSQL: set DATABASE_URL/);
    }
  });

  it("serve prints a demo login and keys; a second serve on the same data directory exits with a clear error", { timeout: 120_000 }, async ({ expect }) => {
    const dir = mkdtempSync(join(tmpdir(), "zf-cli-"));
    const first = run(["serve"], { ZEROFEE_DATA_DIR: dir, PORT: "0", ZEROFEE_DEMO_PAYMENTS: "on" }, /Publishable key/);
    // The second serve starts once the first holds the data directory (its lock file, written
    // before initdb), so its own start overlaps the first's initdb, migrations and demo seed.
    await eventually(async () => existsSync(join(dir, "zerofee.pid")) && first.child.exitCode === null, 60_000);
    const second = run(["serve"], { ZEROFEE_DATA_DIR: dir, PORT: "0" });
    const banner = await first.ready;
    expect(banner).toMatch(/Demo login \(created now\): demo@zerofee\.dev/);
    expect(banner).toMatch(/Secret key\s+sk_test_[0-9A-Za-z]{38}/);
    // The new demo app has sandbox payments to show (five, made through the API once serve listens).
    const url = /listening on (http:\/\/\S+)/.exec(banner ?? "")?.[1];
    const sk = /Secret key\s+(sk_test_\S+)/.exec(banner ?? "")?.[1];
    const listed = await eventually(async () => {
      const r = await fetch(`${url}/v1/payments?limit=20`, { headers: { authorization: `Bearer ${sk}` } });
      const body = (await r.json()) as { data: Array<{ reference: string }> };
      return body.data.length === 5 ? body.data : null;
    }, 30_000);
    expect(listed.map((p) => p.reference).sort()).toEqual(["demo-1001", "demo-1002", "demo-1003", "demo-1004", "demo-1005"]);
    const { code, out } = await second.done;
    expect(code).toBe(1);
    expect(out).toMatch(/is in use by process \d+/);
    first.child.kill("SIGTERM");
    await first.done;
  });

  it("production refuses to start without a master key", async ({ expect }) => {
    const { code, out } = await run(["serve"], { NODE_ENV: "production", DATABASE_URL: "postgres://x@127.0.0.1:1/x", ZEROFEE_MASTER_KEY: "" }).done;
    expect(code).toBe(1);
    expect(out).toMatch(/ZEROFEE_MASTER_KEY is required/);
  });

  it("production: PUBLIC_URL must be https; a database it cannot reach is one line naming what to check, no stack, no password", async ({ expect }) => {
    const prod = { NODE_ENV: "production", ZEROFEE_MASTER_KEY: randomBytes(32).toString("base64"), PORT: "0" };
    // Three independent starts, run at once.
    const [noUrl, away, notUrl] = await Promise.all([
      run(["api"], { ...prod, DATABASE_URL: "postgres://zf:s3cret-pw@127.0.0.1:1/zf" }).done,
      run(["api"], { ...prod, PUBLIC_URL: "https://pay.example.com", DATABASE_URL: "postgres://zf:s3cret-pw@127.0.0.1:1/zf" }).done,
      run(["api"], { DATABASE_URL: "not a url" }).done,
    ]);
    expect(noUrl.code).toBe(1);
    expect(noUrl.out).toMatch(/PUBLIC_URL is required when NODE_ENV=production/);
    expect(away.code).toBe(1);
    expect(away.out).toMatch(/^zerofee: cannot reach PostgreSQL at 127\.0\.0\.1:1 \(connection refused\): is it running\? Check DATABASE_URL\.$/m);
    expect(away.out).not.toMatch(/^\s+at /m);
    expect(away.out).not.toContain("s3cret-pw");
    expect(notUrl.out).toMatch(/Invalid configuration DATABASE_URL: a PostgreSQL URL is expected/);
  });

  it("a database that accepts connections and never answers is one line too", { timeout: 60_000 }, async ({ expect }) => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as AddressInfo).port;
      // A short connect timeout (5 s by default): the same failure, pg's connection timeout, sooner.
      const { code, out } = await run(["worker"], { DATABASE_URL: `postgres://zf@127.0.0.1:${port}/zf`, ZEROFEE_DB_CONNECT_TIMEOUT_MS: "300" }).done;
      expect(code).toBe(1);
      expect(out).toMatch(/^zerofee: the database did not answer in time: check DATABASE_URL and the network to PostgreSQL\.$/m);
      expect(out).not.toMatch(/^\s+at /m);
    } finally {
      silent.close();
    }
  });

  it("a database that resets each connection as it opens is one line too, for migrate and worker", { timeout: 60_000 }, async ({ expect }) => {
    // Both printed an ECONNRESET stack (17 and 32 lines) where serve and api, by timing, said one line.
    const resetting = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => resetting.listen(0, "127.0.0.1", r));
    try {
      const url = `postgres://zf@127.0.0.1:${(resetting.address() as AddressInfo).port}/zf`;
      const ends = await Promise.all(["migrate", "worker"].map((cmd) => run([cmd], { DATABASE_URL: url }).done));
      for (const { code, out } of ends) {
        expect(code).toBe(1);
        expect(out).toMatch(/^zerofee: PostgreSQL closed the connection as it opened: check DATABASE_URL, and PostgreSQL's log for why\.$/m);
        expect(out).not.toMatch(/^\s+at /m);
      }
    } finally {
      resetting.close();
    }
  });

  it("a signal sent twice (to the process group) keeps the drain going: the request in flight is answered", { timeout: 90_000 }, async ({ expect }) => {
    const dir = await migratedDataDir("zf-cli-");
    const server = run(["serve"], { ZEROFEE_DATA_DIR: dir, PORT: "0", ZEROFEE_DEMO_PAYMENTS: "off" }, /Publishable key/);
    const banner = (await server.ready) ?? "";
    const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
    const sk = /Secret key\s+(sk_test_\S+)/.exec(banner)?.[1];
    await fetch(`${url}/sandbox/test/_control`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"latency_ms":2000}' });
    const inFlight = fetch(`${url}/v1/payments`, {
      method: "POST",
      headers: { authorization: `Bearer ${sk}`, "content-type": "application/json", "idempotency-key": "twice-1" },
      body: JSON.stringify({ amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 00" } }),
    });
    // In flight: its payment is written (before the provider is called), its answer is not.
    await eventually(async () => {
      const r = await fetch(`${url}/v1/payments?limit=1`, { headers: { authorization: `Bearer ${sk}` } });
      return ((await r.json()) as { data: unknown[] }).data.length === 1;
    });
    server.child.kill("SIGTERM");
    server.child.kill("SIGTERM");
    expect((await inFlight).status).toBe(201);
    expect((await server.done).code).toBe(0);
  });

  // Not concurrent: the tests above run together, then this one, then those below together,
  // so that at most two or three servers on PGlite (~1 GB each) run at once.
  it.sequential("--version prints the package's version", async ({ expect }) => {
    const { code, out } = await run(["--version"], {}).done;
    expect(code).toBe(0);
    expect(out.trim()).toBe(JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")).version);
  });

  it.skipIf(!onPostgres)(
    "a worker answers /healthz and /metrics on its own port, and outlives its database connections being cut",
    { timeout: 90_000 },
    async ({ expect }) => {
      const db = await freshDatabase({ migrated: true });
      await db.database.close();
      const worker = run(["worker"], { DATABASE_URL: db.url ?? "", ZEROFEE_WORKER_PORT: "0" }, /Health, metrics\s+\S+\/healthz/);
      try {
        const banner = await worker.ready;
        const url = /Health, metrics\s+(http:\/\/\S+)\/healthz/.exec(banner ?? "")?.[1];
        const health = async () => {
          const r = await fetch(`${url}/healthz`).catch(() => null);
          return r?.status === 200 ? ((await r.json()) as { checks: Record<string, boolean> }) : null;
        };
        // What this process runs, and only that: no sandbox is mounted in a worker.
        expect((await eventually(health))?.checks).toEqual({ database: true, migrations: true, workers: true });
        expect(await (await fetch(`${url}/metrics`)).text()).toContain("zerofee_job_runs_total");
        expect((await fetch(`${url}/v1/payments`)).status).toBe(404);
        // PostgreSQL restarts (or fails over): every connection of the worker is cut at once.
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        const listening = async () =>
          Number((await admin.query("select count(*) from pg_stat_activity where datname = current_database() and query ilike 'listen %'")).rows[0].count);
        await eventually(async () => (await listening()) > 0);
        await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
        // It is still there: it listens for events again (its reconnect, every second) and
        // answers from the database.
        await eventually(async () => (await listening()) > 0, 30_000);
        expect((await eventually(health, 30_000))?.checks.database).toBe(true);
        expect(worker.child.exitCode).toBeNull();
        await admin.end();
      } finally {
        worker.child.kill("SIGTERM");
        expect((await worker.done).code).toBe(0);
        await db.drop();
      }
    },
  );

  it("a port already taken is one line naming it", { timeout: 60_000 }, async ({ expect }) => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { code, out } = await run(["serve"], { ZEROFEE_DATA_DIR: await migratedDataDir("zf-cli-"), PORT: String(port) }).done;
      expect(code).toBe(1);
      expect(out).toMatch(new RegExp(`^zerofee: port ${port} is already in use on 127\\.0\\.0\\.1`, "m"));
      expect(out).not.toMatch(/^\s+at /m);
    } finally {
      taken.close();
    }
  });

  it("behind a proxy (PUBLIC_URL) the banner's Health line is the address bound, where /healthz answers", { timeout: 60_000 }, async ({ expect }) => {
    const s = run(["serve"], { ZEROFEE_DATA_DIR: await migratedDataDir("zf-cli-"), PORT: "0", PUBLIC_URL: "https://pay.example.com" }, /Publishable key/);
    const banner = (await s.ready) ?? "";
    expect(banner).toMatch(/Dashboard\s+https:\/\/pay\.example\.com\/dashboard\//);
    // It was the public URL, where operations.md says /healthz must not be exposed.
    const health = /Health\s+(http:\/\/127\.0\.0\.1:\d+)\/healthz/.exec(banner)?.[1];
    expect(health, banner).toBeTruthy();
    expect((await fetch(`${health}/healthz`)).status).toBe(200);
    s.child.kill("SIGTERM");
    expect((await s.done).code).toBe(0);
  });

  it("bin/zerofee.js passes SIGTERM on: the server drains and exits, nothing is left listening", { timeout: 90_000 }, async ({ expect }) => {
    const dir = await migratedDataDir("zf-cli-");
    const wrapped = run(["serve"], { ZEROFEE_DATA_DIR: dir, PORT: "0" }, /Publishable key/, [BIN]);
    const banner = await wrapped.ready;
    const url = /listening on (http:\/\/\S+)/.exec(banner ?? "")?.[1];
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    wrapped.child.kill("SIGTERM");
    expect((await wrapped.done).code).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  it.skipIf(!onPostgres)(
    "serve on PostgreSQL keeps its demo login: a first start that seeded and then found its port taken leaves it to the next; another database's is not shown",
    { timeout: 120_000 },
    async ({ expect }) => {
      const [db, other] = await Promise.all([freshDatabase({ migrated: true }), freshDatabase({ migrated: true })]);
      await Promise.all([db.database.close(), other.database.close()]);
      const dir = mkdtempSync(join(tmpdir(), "zf-cli-"));
      const key = { ZEROFEE_MASTER_KEY: randomBytes(32).toString("base64"), ZEROFEE_DATA_DIR: dir };
      const taken = createServer();
      await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
      try {
        const failed = await run(["serve"], { ...key, DATABASE_URL: db.url ?? "", PORT: String((taken.address() as AddressInfo).port) }).done;
        expect(failed.code).toBe(1);
        expect(failed.out).toMatch(/is already in use/);
      } finally {
        taken.close();
      }
      // The demo was created before the port was found taken: the next start shows it (it said nothing).
      const again = run(["serve"], { ...key, DATABASE_URL: db.url ?? "", PORT: "0" }, /Publishable key/);
      const banner = (await again.ready) ?? "";
      const login = /Demo login: (demo@zerofee\.dev) \/ (demo-\S+)/.exec(banner);
      expect(login, banner).toBeTruthy();
      const url = /listening on (http:\/\/\S+)/.exec(banner)?.[1];
      const signIn = await fetch(`${url}/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: login?.[1], password: login?.[2] }),
      });
      expect(signIn.status).toBe(200);
      again.child.kill("SIGTERM");
      await again.done;
      // The same data directory on a database with accounts of its own: its demo.json is not that database's.
      const elsewhere = run(
        ["serve"],
        { ...key, ZEROFEE_DATA_DIR: mkdtempSync(join(tmpdir(), "zf-cli-")), DATABASE_URL: other.url ?? "", PORT: "0" },
        /Publishable key/,
      );
      await elsewhere.ready;
      elsewhere.child.kill("SIGTERM");
      await elsewhere.done;
      const stale = run(["serve"], { ...key, DATABASE_URL: other.url ?? "", PORT: "0" }, /Health\s+\S+/);
      const staleBanner = (await stale.ready) ?? "";
      expect(staleBanner).not.toMatch(/Demo login/);
      stale.child.kill("SIGTERM");
      await stale.done;
      await Promise.all([db.drop(), other.drop()]);
    },
  );

  it.skipIf(!onPostgres)("production serve makes no demo login, and says how to create the first account", { timeout: 90_000 }, async ({ expect }) => {
    const db = await freshDatabase({ migrated: true });
    await db.database.close();
    const prod = run(
      ["serve"],
      {
        NODE_ENV: "production",
        ZEROFEE_MASTER_KEY: randomBytes(32).toString("base64"),
        PORT: "0",
        PUBLIC_URL: "https://pay.example.com",
        DATABASE_URL: db.url ?? "",
      },
      /first account/,
    );
    try {
      const banner = (await prod.ready) ?? "";
      expect(banner).toMatch(/ZeroFee \(API, workers\) listening on https:\/\/pay\.example\.com/);
      expect(banner).not.toMatch(/Demo login|sk_test_|demo@zerofee/);
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      expect((await c.query("select count(*)::int as n from users")).rows[0].n).toBe(0);
      await c.end();
    } finally {
      prod.child.kill("SIGTERM");
      await prod.done;
      await db.drop();
    }
  });

  it.skipIf(!onPostgres)("a database that does not exist is one line saying so", { timeout: 60_000 }, async ({ expect }) => {
    const url = new URL(process.env.TEST_DATABASE_URL as string);
    url.pathname = "/zf_no_such_database";
    const { code, out } = await run(["worker"], { DATABASE_URL: url.toString() }).done;
    expect(code).toBe(1);
    expect(out).toMatch(/^zerofee: database "zf_no_such_database" does not exist: create it \(createdb\) or check DATABASE_URL\.$/m);
  });
});

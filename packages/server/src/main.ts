import { readFileSync } from "node:fs";
import { Command } from "commander";
import type { buildApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";

// The server's modules (~2 s to load) are imported by the commands that run it, so
// `--version`, `--help` and a refusal to start (no DATABASE_URL, no https PUBLIC_URL) answer at once.
const server = () => Promise.all([import("./app.js"), import("./db/client.js")]).then(([app, db]) => ({ ...app, ...db }));

function fail(message: string): never {
  process.stderr.write(`zerofee: ${message}\n`);
  process.exit(1);
}

/** The error and the causes it wraps (drizzle wraps the driver's), outermost first. */
function* causes(err: unknown): Generator<{ code?: string; message?: string; address?: string; port?: number; hostname?: string }> {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) yield e as never;
}

const CLOSED_AS_OPENED = "PostgreSQL closed the connection as it opened: check DATABASE_URL, and PostgreSQL's log for why.";

/**
 * One line for the failures an operator meets when starting a process (database away or
 * misnamed, credentials refused, port taken), naming what to check — never the URL itself,
 * which holds the database password. Null for anything else: a bug keeps its stack.
 */
function startupProblem(err: unknown): string | null {
  for (const e of causes(err)) {
    // node-postgres' own connection failures carry no code.
    if (e.code === "ETIMEDOUT" || /Connection terminated due to connection timeout|timeout exceeded when trying to connect/i.test(e.message ?? "")) {
      return "the database did not answer in time: check DATABASE_URL and the network to PostgreSQL.";
    }
    if (/Connection terminated unexpectedly/i.test(e.message ?? "")) {
      return CLOSED_AS_OPENED;
    }
    switch (e.code) {
      case "ECONNRESET":
      case "EPIPE":
        return CLOSED_AS_OPENED;
      case "ECONNREFUSED":
        return `cannot reach PostgreSQL${e.address ? ` at ${e.address}:${e.port}` : ""} (connection refused): is it running? Check DATABASE_URL.`;
      case "ENOTFOUND":
      case "EAI_AGAIN":
        return `cannot resolve the host "${e.hostname ?? "?"}": check DATABASE_URL (and HOST).`;
      case "28P01":
      case "28000":
        return "PostgreSQL refused the user or password in DATABASE_URL.";
      case "3D000":
        return `${e.message ?? "the database does not exist"}: create it (createdb) or check DATABASE_URL.`;
      case "57P03":
        return "PostgreSQL is starting up or shutting down: try again in a moment.";
      case "EADDRINUSE":
        return `port ${e.port ?? "?"} is already in use${e.address ? ` on ${e.address}` : ""}: another process listens there (set PORT, or ZEROFEE_WORKER_PORT for a worker).`;
      case "EADDRNOTAVAIL":
      case "EACCES":
        return `cannot listen on ${e.address ?? "?"}:${e.port ?? "?"} (${e.code}): check HOST and PORT.`;
    }
  }
  return null;
}

function config(overrides: Record<string, string> = {}) {
  try {
    return loadConfig({ ...process.env, ...overrides });
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
}

function onSignals(stop: () => Promise<void>, log: { info(msg: string): void }) {
  let draining = false;
  const handler = (signal: NodeJS.Signals) => {
    // A signal sent to the whole process group (Ctrl-C, systemd's control-group kill) reaches
    // this process twice, once through bin/zerofee.js: the drain under way is kept, not cut.
    if (draining) return log.info(`${signal}: already draining`);
    draining = true;
    log.info(`${signal}: draining (in-flight requests answered, jobs handed back), then exiting`);
    void stop().then(() => {
      log.info("stopped");
      process.exit(0);
    });
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}

async function start(mode: "serve" | "api" | "worker") {
  const cfg = config();
  if (mode !== "serve" && !cfg.databaseUrl) {
    fail(`\`zerofee ${mode}\` runs as a separate process and needs PostgreSQL: set DATABASE_URL (PGlite serves one process; use \`zerofee serve\`).`);
  }
  // Return pages, hosted checkout links and the callback URLs providers are given are built
  // from it: in production a guess from the bound address would send them to 127.0.0.1.
  if (cfg.production && mode !== "worker" && !cfg.publicUrl?.startsWith("https://")) {
    fail("PUBLIC_URL is required when NODE_ENV=production: the https address customers and providers reach this API at, e.g. https://pay.example.com.");
  }
  const { buildApp, DataDirLockedError } = await server();
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({ config: cfg, api: mode !== "worker", workers: mode !== "api" });
  } catch (err) {
    if (err instanceof DataDirLockedError || err instanceof ConfigError) fail(err.message);
    throw err;
  }
  onSignals(() => app.stop(), app.ctx.log);
  if (mode === "worker") {
    // Listening also keeps the process alive while the database is away: every job timer is
    // unref'd, and a worker that lost its connections used to exit 0 without a word.
    const url = await app.listen();
    process.stdout.write(
      `ZeroFee worker running (webhook delivery, reconciliation, expiry, housekeeping).\n  Health, metrics  ${url}/healthz, ${url}/metrics\n`,
    );
    return;
  }
  // Seeded before listening, so /healthz is green only once the demo login exists. Never in
  // production: a known login with a printed password has no place there.
  const seeded = mode === "serve" && !cfg.production ? await (await import("./services/demo/seed.js")).seedDemo(app.ctx, cfg.dataDir) : null;
  const url = await app.listen();
  const runs = mode === "api" ? "API" : cfg.sandbox ? "(API, workers, sandboxes)" : "(API, workers)";
  const lines = [`ZeroFee ${runs} listening on ${url}`];
  // Health at the address this process is bound to: behind a proxy (PUBLIC_URL set),
  // /healthz and /metrics are kept to the operator's network (docs/operations.md).
  const bound = app.http.listeningOrigin.replace("[::1]", "localhost");
  lines.push(`  Dashboard      ${url}/dashboard/`, `  API reference  ${url}/docs`, `  Health         ${bound}/healthz`);
  if (cfg.production) lines.push("", "No demo login in production: create the first account from the dashboard's sign-up (or POST /v1/auth/register).");
  if (seeded) {
    const { demo } = seeded;
    lines.push(
      "",
      `Demo login${seeded.created ? " (created now)" : ""}: ${demo.email} / ${demo.password}`,
      `  Test app         ${demo.app_id}`,
      `  Secret key       ${demo.secret_key}`,
      `  Publishable key  ${demo.publishable_key}`,
      "",
      "Try a payment (completes in ~2 s in the sandbox):",
      `  curl -s ${url}/v1/payments -H "Authorization: Bearer ${demo.secret_key}" \\`,
      `    -H "Content-Type: application/json" -H "Idempotency-Key: $(date +%s%N)" \\`,
      `    -d '{"amount":1500,"payment_method":"PAYIN_ORANGE_CI","customer":{"phone":"+225 07 00 00 00 00"}}'`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
  // A new demo app gets a few sandbox payments, so the dashboard has figures from the start.
  if (seeded?.created && cfg.sandbox && cfg.demoPayments) {
    const { makeDemoPayments } = await import("./cli/demo-payments.js");
    makeDemoPayments(url, seeded.demo.secret_key).catch((err: unknown) => app.ctx.log.warn({ err }, "demo payments not made"));
  }
}

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
const program = new Command().name("zerofee").description("ZeroFee payment orchestrator").version(version, "-v, --version");
program
  .command("serve")
  .description("API, workers, sandboxes in one process (embedded PGlite unless DATABASE_URL)")
  .action(() => start("serve"));
program
  .command("api")
  .description("HTTP API only (PostgreSQL)")
  .action(() => start("api"));
program
  .command("worker")
  .description("Background jobs only (PostgreSQL)")
  .action(() => start("worker"));
program
  .command("migrate")
  .description("Apply database migrations and exit")
  .action(async () => {
    const cfg = config();
    const { openPglite, openPostgres } = await server();
    const db = cfg.databaseUrl ? await openPostgres(cfg.databaseUrl, { connectTimeoutMs: cfg.dbConnectTimeoutMs }) : await openPglite(cfg.dataDir);
    await db.migrate();
    await db.close();
    process.stdout.write(`Migrations applied (${db.kind}).\n`);
  });

program
  .command("settle")
  .description("Close settlement periods up to a time (default now), beside a running server on PostgreSQL")
  .option("--until <time>", "end of the periods to close, an ISO time (default: now)")
  .action(async (opts: { until?: string }) => {
    const until = opts.until ? new Date(opts.until) : new Date();
    if (Number.isNaN(until.getTime())) fail(`--until must be an ISO time, e.g. 2026-01-31T00:00:00Z (got "${opts.until}").`);
    if (until.getTime() > Date.now()) fail("--until is in the future: a period can only be closed once it has ended.");
    const [{ buildApp, DataDirLockedError }, { closeSettlements }] = await Promise.all([server(), import("./services/settlements/close.js")]);
    let app: Awaited<ReturnType<typeof buildApp>>;
    try {
      app = await buildApp({ config: config({ ZEROFEE_SANDBOX: "false" }), api: false, workers: false });
    } catch (err) {
      if (err instanceof DataDirLockedError || err instanceof ConfigError) fail(err.message);
      throw err;
    }
    try {
      const closed = await closeSettlements(app.ctx, until);
      for (const s of closed) {
        const mode = s.livemode ? "live" : "test";
        process.stdout.write(
          `${s.id} ${s.appId} ${mode} ${s.currency} [${s.periodStart.toISOString()}, ${s.periodEnd.toISOString()}) count=${s.count} gross=${s.grossAmount} fees=${s.feeAmount} refunds=${s.refundedAmount} net=${s.netAmount}\n`,
        );
      }
      process.stdout.write(`${closed.length} settlement${closed.length === 1 ? "" : "s"} closed up to ${until.toISOString()}.\n`);
    } finally {
      await app.stop();
    }
  });

program
  .command("listen")
  .description("Forward an app's test-mode events to a local server, signed, printing each answer (like `stripe listen`)")
  .requiredOption("--forward-to <url>", "local URL to POST each event to, e.g. http://localhost:3000/hooks")
  .option("--api-key <key>", "a test secret key (sk_test_…); default ZEROFEE_API_KEY")
  .option("--api-url <url>", "ZeroFee's base URL; default ZEROFEE_API_URL or http://127.0.0.1:8000")
  .option("--events <types>", "comma-separated event types to forward (default: all)")
  .action(async (opts: { forwardTo: string; apiKey?: string; apiUrl?: string; events?: string }) => {
    const apiKey = opts.apiKey ?? process.env.ZEROFEE_API_KEY;
    if (!apiKey) fail("listen needs a test secret key: --api-key sk_test_… or ZEROFEE_API_KEY.");
    const { ListenError, listen } = await import("./cli/listen.js");
    const controller = new AbortController();
    process.once("SIGINT", () => controller.abort());
    process.once("SIGTERM", () => controller.abort());
    try {
      await listen({
        apiUrl: opts.apiUrl ?? process.env.ZEROFEE_API_URL ?? "http://127.0.0.1:8000",
        apiKey,
        forwardTo: opts.forwardTo,
        events: opts.events
          ? opts.events
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
        out: (line) => process.stdout.write(`${line}\n`),
        signal: controller.signal,
      });
    } catch (err) {
      if (err instanceof ListenError) fail(err.message);
      if (controller.signal.aborted) return;
      const code = [...causes(err)].find((e) => e.code)?.code;
      if (code)
        fail(`cannot reach ZeroFee at ${opts.apiUrl ?? process.env.ZEROFEE_API_URL ?? "http://127.0.0.1:8000"} (${code}): is it running? Check --api-url.`);
      throw err;
    }
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const problem = startupProblem(err);
  if (problem) fail(problem);
  throw err;
}

import { inProcessTransport, PROVIDERS, type Simulator } from "@zerofee/providers";
import type { DestinationStream, Logger } from "pino";
import { type Config, ConfigError } from "./config.js";
import { observeBatches } from "./db/batch.js";
import { type Database, lockDataDir, openPglite, openPostgres } from "./db/client.js";
import { judgeSettings, readSettings } from "./db/durability.js";
import { checkMasterKey } from "./db/master-key.js";
import { createHttpServer } from "./http/server.js";
import type { ZodApp } from "./http/types.js";
import { JobRunner, periodicJobs } from "./jobs/runner.js";
import { WebhookWorker } from "./jobs/webhooks.js";
import { type Clock, systemClock } from "./lib/clock.js";
import { createLogger, repeatingWarning } from "./lib/logger.js";
import { createMetrics } from "./lib/metrics.js";
import { appRoutes } from "./routes/apps/apps.js";
import { feePlanRoutes } from "./routes/apps/fees.js";
import { LoginGuard } from "./routes/auth/guard.js";
import { loginRoute } from "./routes/auth/login.js";
import { registerRoute } from "./routes/auth/register.js";
import { sessionRoutes } from "./routes/auth/session.js";
import { checkoutAssetRoutes } from "./routes/checkout/assets.js";
import { checkoutBrowserRoutes } from "./routes/checkout/browser.js";
import { hostedPageRoute } from "./routes/checkout/hosted.js";
import { checkoutSessionRoutes } from "./routes/checkout/sessions.js";
import { checkoutSettingsRoutes } from "./routes/checkout/settings.js";
import { dashboardRoutes } from "./routes/dashboard/assets.js";
import { eventRoutes } from "./routes/events/events.js";
import { listenRoute } from "./routes/events/listen.js";
import { keyRoutes } from "./routes/keys/keys.js";
import { paymentActionRoutes } from "./routes/payments/actions.js";
import { createPaymentRoute } from "./routes/payments/create.js";
import { readPaymentRoutes } from "./routes/payments/read.js";
import { returnRoute } from "./routes/payments/return.js";
import { providerConfigRoutes } from "./routes/providers/credentials.js";
import { createRefundRoute } from "./routes/refunds/create.js";
import { readRefundRoutes } from "./routes/refunds/read.js";
import { routingRoutes } from "./routes/routing/routing.js";
import { sandboxRoutes } from "./routes/sandbox/mount.js";
import { settlementRoutes } from "./routes/settlements/read.js";
import { providerStatsRoute } from "./routes/stats/providers.js";
import { statsRoute } from "./routes/stats/summary.js";
import { docsRoutes } from "./routes/system/docs.js";
import { healthRoutes, type Readiness } from "./routes/system/health.js";
import { providerWebhookRoute } from "./routes/webhooks/providers.js";
import { webhookEndpointRoutes } from "./routes/webhooks-out/endpoint.js";
import type { FaultPoint, ServiceContext } from "./services/context.js";
import { EVENTS_CHANNEL, signalEventsWritten } from "./services/events/wake.js";
import { createProviderGateway, type ProviderRegistry } from "./services/providers/gateway.js";
import { createSandboxStore } from "./services/sandbox/store.js";
import { systemResolver } from "./services/webhooks/address.js";
import { createMailer } from "./services/webhooks/mailer.js";

export interface BuildOptions {
  config: Config;
  clock?: Clock;
  /** Where logs go (tests capture them to check no secret leaks). */
  logStream?: DestinationStream;
  /** An already-open database (tests); otherwise from config. */
  database?: Database;
  /** Serve HTTP (api, serve). */
  api?: boolean;
  /** Run background jobs (worker, serve). */
  workers?: boolean;
  /** The providers to route to (default: every registered one, `@zerofee/providers` PROVIDERS). */
  providers?: ProviderRegistry;
}

export interface ZeroFee {
  ctx: ServiceContext;
  http: ZodApp;
  database: Database;
  jobs: JobRunner;
  /** Outbound webhook delivery (started with the workers). */
  webhooks: WebhookWorker;
  /** Listens on config host/port (0 = any free port); returns the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

async function openDatabase(config: Config): Promise<{ database: Database; unlock: () => void }> {
  if (config.databaseUrl)
    return { database: await openPostgres(config.databaseUrl, { max: config.dbPoolSize, connectTimeoutMs: config.dbConnectTimeoutMs }), unlock: () => {} };
  const unlock = lockDataDir(config.dataDir);
  try {
    return { database: await openPglite(config.dataDir), unlock };
  } catch (err) {
    unlock();
    throw err;
  }
}

/**
 * PostgreSQL settings under which a committed payment can be lost refuse production (a
 * `ConfigError` the CLI prints) and are logged elsewhere, as are those that slow it down.
 */
async function checkServerSettings(database: Database, production: boolean, log: Logger): Promise<void> {
  const { unsafe, warnings } = judgeSettings(await readSettings(database.db));
  if (production && unsafe.length > 0) throw new ConfigError(`${unsafe.join(" ")} (NODE_ENV=production refuses to start.)`);
  for (const message of [...unsafe, ...warnings]) log.warn(message);
}

/**
 * The composition root: builds the database, clock, logger, metrics, provider gateway,
 * simulators, HTTP server and job runner once, and wires them into one `ServiceContext`.
 */
export async function buildApp(opts: BuildOptions): Promise<ZeroFee> {
  const { config } = opts;
  const clock = opts.clock ?? systemClock;
  const log: Logger = createLogger(config.logLevel, opts.logStream);
  const opened = opts.database ? { database: opts.database, unlock: () => {} } : await openDatabase(config);
  const { database } = opened;
  if (database.kind === "postgres") {
    await checkServerSettings(database, config.production, log).catch(async (err: unknown) => {
      if (!opts.database) await database.close().catch(() => {});
      throw err;
    });
  }
  let boundUrl = config.publicUrl ?? `http://${config.host}:${config.port}`;
  const publicUrl = () => boundUrl;
  const metrics = createMetrics();
  observeBatches(database.db, (statement, s) => {
    metrics.dbBatchRows.observe({ statement }, s.rows);
    metrics.dbBatchDuration.observe({ statement }, s.ranMs / 1000);
    metrics.dbBatchWait.observe({ statement }, s.waitedMs / 1000);
    if (s.split) metrics.dbBatchesSplit.inc({ statement });
  });
  const ctx: ServiceContext = {
    config,
    db: database.db,
    clock,
    log,
    metrics,
    providers: createProviderGateway({ config, metrics, clock, publicUrl, ...(opts.providers ? { registry: opts.providers } : {}) }),
    publicUrl,
    webhooks: {
      resolve: systemResolver,
      mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log }),
      signingTime: () => Math.floor(Date.now() / 1000),
    },
    fault(point: FaultPoint) {
      if (config.fault === point) {
        log.fatal({ point }, "ZEROFEE_FAULT: crashing on purpose");
        process.kill(process.pid, "SIGKILL");
      }
    },
  };

  // A worker process mounts no sandbox and ticks none: the API processes do.
  const sandboxHere = config.sandbox && opts.api !== false;
  const readiness: Readiness = { migrated: false, workers: opts.workers ? false : null, sandbox: sandboxHere ? false : null, ping: () => database.ping() };
  await database.migrate();
  // Processes that open sealed secrets (serving, delivering webhooks) check the key; a
  // one-off like `zerofee settle` opens none and neither seals nor checks it.
  if (opts.api !== false || opts.workers) await checkMasterKey(database.db, config.masterKey, clock.now());
  readiness.migrated = true;
  // Events committed by any process (this one included) wake this one's workers and streams.
  const unlisten = await database.listen(EVENTS_CHANNEL, signalEventsWritten);

  const simulators = new Map<string, Simulator>();
  let simulatorTimer: NodeJS.Timeout | undefined;
  if (config.sandbox) {
    for (const [name, entry] of Object.entries(opts.providers ?? PROVIDERS)) {
      const base = () => `${publicUrl()}/sandbox/${name}`;
      const sim = entry.simulator({
        store: createSandboxStore(database.db, name),
        confirmMs: config.sandboxConfirmMs,
        unansweredMs: config.sandboxUnansweredMs,
        webhookSecret: ctx.providers.sandboxSecret(name),
        publicBaseUrl: base,
        log: (msg, fields) => log.debug(fields ?? {}, msg),
      });
      simulators.set(name, sim);
      // Adapter calls reach this process's simulator without a socket; customers' browsers
      // and a sandbox in another process still use /sandbox/<name> over HTTP.
      if (config.sandboxTransport === "in-process") ctx.providers.useInProcessSandbox(name, inProcessTransport(sim, base));
    }
  }

  const http = await createHttpServer(ctx, log);
  if (opts.api !== false) {
    const guard = new LoginGuard(ctx.clock);
    registerRoute(http, ctx, guard);
    loginRoute(http, ctx, guard);
    sessionRoutes(http, ctx);
    appRoutes(http, ctx);
    keyRoutes(http, ctx);
    createPaymentRoute(http, ctx);
    readPaymentRoutes(http, ctx);
    paymentActionRoutes(http, ctx);
    createRefundRoute(http, ctx);
    readRefundRoutes(http, ctx);
    feePlanRoutes(http, ctx);
    returnRoute(http, ctx);
    checkoutSessionRoutes(http, ctx);
    checkoutBrowserRoutes(http, ctx);
    checkoutSettingsRoutes(http, ctx);
    checkoutAssetRoutes(http, ctx);
    hostedPageRoute(http, ctx);
    providerWebhookRoute(http, ctx);
    providerConfigRoutes(http, ctx);
    routingRoutes(http, ctx);
    providerStatsRoute(http, ctx);
    statsRoute(http, ctx);
    settlementRoutes(http, ctx);
    webhookEndpointRoutes(http, ctx);
    eventRoutes(http, ctx);
    listenRoute(http, ctx);
    dashboardRoutes(http, ctx);
    await docsRoutes(http);
  }
  healthRoutes(http, ctx, readiness);
  if (sandboxHere) sandboxRoutes(http, simulators);

  const jobs = new JobRunner(ctx, periodicJobs(ctx, database.kind));
  const webhooks = new WebhookWorker(ctx);
  let stopped = false;

  return {
    ctx,
    http,
    database,
    jobs,
    webhooks,
    async listen() {
      // A worker answers only /healthz, /readyz and /metrics, on a port of its own; the public
      // URL (return pages, the sandboxes' callbacks) stays the API's.
      const worker = opts.api === false;
      const address = (await http.listen({ port: worker ? config.workerPort : config.port, host: config.host })).replace("[::1]", "localhost");
      if (!config.publicUrl && !worker) boundUrl = address;
      if (sandboxHere) {
        // Due confirmations and callbacks fire from a timer; this sweep also resumes the
        // ones a previous process left when it stopped.
        const tickFailed = repeatingWarning(log, "sandbox tick failed");
        simulatorTimer = setInterval(() => {
          for (const sim of simulators.values()) void sim.tick().catch(tickFailed);
        }, 1000);
        simulatorTimer.unref();
        readiness.sandbox = true;
      }
      if (opts.workers) {
        jobs.start();
        webhooks.start();
        readiness.workers = true;
      }
      return worker ? address : boundUrl;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(simulatorTimer);
      for (const sim of simulators.values()) sim.stop();
      await jobs.stop();
      await webhooks.stop();
      // A keep-alive connection busy when close() starts stays open after its answer until
      // the keep-alive timeout (72 s), holding shutdown: close each one once it falls idle.
      const closeIdle = setInterval(() => http.server.closeIdleConnections(), 100);
      try {
        await http.close();
      } finally {
        clearInterval(closeIdle);
      }
      await unlisten();
      if (!opts.database) await database.close();
      opened.unlock();
    },
  };
}

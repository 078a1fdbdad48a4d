import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import secureJson from "secure-json-parse";
import { ApiError, errorBody } from "../lib/errors.js";
import { newId } from "../lib/ids.js";
import { lazyChildLogger } from "../lib/logger.js";
import { InFlight, WindowLimiter } from "../lib/rate-limit.js";
import type { ServiceContext } from "../services/context.js";
import type { ProviderMeter } from "../services/providers/gateway.js";
import { authenticate } from "./auth.js";
import { clientErrorHandler } from "./client-error.js";
import { sendError } from "./errors.js";
import { claimForRequest, settleForResponse } from "./idempotency.js";
import { withDocumentedHeaders } from "./openapi-extras.js";
import { responseSerializerCompiler } from "./serializer.js";
import type { ZodApp } from "./types.js";

/** 100 KiB is far above any legitimate payment body and far below anything harmful. */
const BODY_LIMIT = 100 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
};
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Routes that answer any origin (publishable-key and client-secret routes, SPEC §4). */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type, Idempotency-Key",
  "access-control-max-age": "600",
};

/** The dotted path of the first string (or key) holding U+0000 in a parsed value, else undefined. */
function findNul(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, ""]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === "string") {
      if (v.includes("\u0000")) return path;
    } else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        const childPath = path ? `${path}.${k}` : k;
        if (k.includes("\u0000")) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
function wellFormedStrings(_key: string, value: unknown): unknown {
  return typeof value === "string" ? value.replace(LONE_SURROGATE, "\ufffd") : value;
}
/**
 * A lone surrogate can only come from a `\uD800`–`\uDFFF` escape in the JSON text (the body's
 * bytes were decoded as UTF-8 already), so only such a body pays for the reviver.
 */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** The nearest `hops` proxies are believed (as Fastify reads a number). */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * The Fastify instance with everything every route relies on: JSON with raw body kept,
 * request ids, the error envelope, auth, idempotency, rate limits, security headers and
 * `X-ZeroFee-Latency`.
 */
export async function createHttpServer(ctx: ServiceContext, logger: Logger): Promise<ZodApp> {
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: (logger, bindings, opts) => lazyChildLogger(logger as Logger, bindings, opts),
    bodyLimit: BODY_LIMIT,
    genReqId: () => newId("request"),
    requestIdHeader: false,
    // While closing, requests on kept-alive connections are refused below, in the envelope
    // (Fastify's own 503 has a body of its own shape).
    return503OnClosing: false,
    // Behind a load balancer every request comes from its address: the per-IP limits and the
    // login guard would count every client as one. ZEROFEE_TRUST_PROXY names the proxies.
    trustProxy: typeof ctx.config.trustProxy === "number" ? trustHops(ctx.config.trustProxy) : ctx.config.trustProxy,
    routerOptions: { maxParamLength: 200 },
    // Router-level refusals (malformed URL, over-long path parameter) answer in the envelope
    // like every other error, instead of Fastify's own body that echoes the URL.
    frameworkErrors: (err, request, reply) => sendError(err, request, reply.header("x-request-id", request.id)),
    clientErrorHandler: clientErrorHandler(() => logger),
  }).withTypeProvider<ZodTypeProvider>() as unknown as ZodApp;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler(ctx.config.checkResponses));

  app.decorateRequest("principal", null);
  app.decorateRequest("idem", null);
  app.decorateRequest("idemClaim", null);
  app.decorateRequest("startedAt", 0);
  app.decorateRequest("meter", null);
  app.decorateRequest("viaCookie", false);

  // JSON with the raw text kept (provider signatures, fingerprints); `__proto__` and
  // `constructor.prototype` keys are refused outright. A lone surrogate (`"\ud800"`) becomes
  // U+FFFD here, as PostgreSQL's UTF-8 would store it, so the answer, the stored row and the
  // event's jsonb (which refuses lone surrogates) all hold the same text.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/(.+\+)?json/, { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    request.rawBody = text;
    if (text.length === 0) return done(null, undefined);
    try {
      done(null, secureJson.parse(text, SURROGATE_ESCAPE.test(text) ? wellFormedStrings : undefined, { protoAction: "error", constructorAction: "error" }));
    } catch (err) {
      // Valid JSON with a key ZeroFee refuses is not "not valid JSON": say which key.
      const forbidden = /forbidden (prototype|constructor) property/i.test((err as Error).message);
      done(
        new ApiError(
          "invalid_json",
          forbidden ? 'The body has a "__proto__" or "constructor.prototype" key, which ZeroFee refuses.' : "The body is not valid JSON.",
        ),
        undefined,
      );
    }
  });
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (request, body, done) => {
    if (!request.routeOptions.config.forms) return done(new ApiError("unsupported_media_type", "Send JSON with Content-Type: application/json."), undefined);
    request.rawBody = body as string;
    const out: Record<string, string> = Object.create(null);
    for (const [k, v] of new URLSearchParams(body as string)) out[k] = v;
    done(null, out);
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "ZeroFee API",
        version: "1.0.0",
        description: "One API for mobile money, cards and PayPal across Africa. Amounts are integers in minor units.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", description: "sk_test_…/sk_live_… secret key, pk_… publishable key, or a dashboard session token" },
          cookie: { type: "apiKey", in: "cookie", name: "zerofee_session" },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (input) =>
      withDocumentedHeaders(jsonSchemaTransformObject(input) as Record<string, unknown>) as ReturnType<typeof jsonSchemaTransformObject>,
  });

  const keyLimiter = new WindowLimiter(ctx.config.rateLimitPerKey, 1000, ctx.clock);
  const ipLimiter = new WindowLimiter(ctx.config.rateLimitPerIp, 1000, ctx.clock);
  const inFlight = new InFlight(ctx.config.concurrencyPerKey);

  // The hooks every request runs take callbacks and go async only when they must wait: an
  // async hook costs a promise and a microtask turn per request, on every route.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onRequest", (request, reply, done) => {
    request.startedAt = performance.now();
    request.meter = { providerMs: 0 };
    reply.header("x-request-id", request.id);
    if (request.routeOptions.config.cors) reply.headers(CORS_HEADERS);
    reply.headers(SECURITY_HEADERS);
    // A sandbox page opened in the widget's popup must keep `window.opener` for the return
    // page's postMessage (a same-origin COOP would sever it, as it would for a real provider).
    if (request.url.startsWith("/sandbox")) reply.removeHeader("cross-origin-opener-policy");
    if (!request.url.startsWith("/docs") && !request.url.startsWith("/sandbox")) {
      reply.header("content-security-policy", API_CSP);
      reply.header("cache-control", "no-store");
    }
    if (ctx.publicUrl().startsWith("https://")) reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    if (closing) {
      reply.header("connection", "close");
      return done(new ApiError("service_unavailable", "This ZeroFee process is shutting down; retry (another one answers).", { retryAfter: 1 }));
    }
    if (!request.url.startsWith("/sandbox") && !request.url.startsWith("/healthz") && !request.url.startsWith("/readyz")) {
      const wait = ipLimiter.hit(request.ip);
      if (wait > 0) return done(new ApiError("rate_limited", "Too many requests from this address.", { retryAfter: wait }));
    }
    done();
  });
  // Who is calling is settled before the body is validated: an unauthenticated caller gets
  // 401, never validation feedback about a route it may not use (SPEC §4). Then PostgreSQL
  // text cannot hold U+0000: refused here, naming the field, instead of a 500.
  app.addHook("preValidation", async (request, reply) => {
    await authenticate({ ctx, keyLimiter, inFlight }, request, reply);
    for (const [where, value] of [
      ["params", request.params],
      ["querystring", request.query],
      ["body", request.body],
    ] as const) {
      const at = findNul(value);
      if (at !== undefined) throw new ApiError("validation_error", `${at || where}: must not contain a NUL character`, { param: at || where });
    }
  });
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method !== "POST") return done();
    // A replayed answer is sent by the claim itself: the handler must not run then.
    claimForRequest(ctx, request, reply).then((replied) => {
      if (!replied) done();
    }, done);
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    const spent = performance.now() - request.startedAt - (request.meter?.providerMs ?? 0);
    reply.header("x-zerofee-latency", Math.max(0, spent).toFixed(2));
    if (!request.idem) return done(null, payload);
    settleForResponse(ctx, request, reply.statusCode, payload).then(() => done(null, payload), done);
  });
  app.addHook("onResponse", (request, reply, done) => {
    const route = request.routeOptions.url ?? "unmatched";
    ctx.metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, (performance.now() - request.startedAt - (request.meter?.providerMs ?? 0)) / 1000);
    if (reply.statusCode >= 500) request.log.warn({ method: request.method, route, status: reply.statusCode }, "request failed");
    else request.log.debug({ method: request.method, route, status: reply.statusCode }, "request");
    done();
  });

  // Preflight for the browser-facing routes; the answer itself carries no data.
  app.options("/v1/*", { schema: { hide: true } }, async (_request, reply) => reply.code(204).headers(CORS_HEADERS).send());

  app.setErrorHandler((err, request, reply) => sendError(err as Error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(new ApiError("route_not_found", `No route ${request.method} ${request.url.split("?")[0]}.`), request.id)),
  );
  return app;
}

/**
 * The service context for one request's provider-reaching verbs: its gateway adds each
 * provider call's time to the request's meter, which `X-ZeroFee-Latency` leaves out.
 */
export function forRequest(ctx: ServiceContext, request: { meter: ProviderMeter | null }): ServiceContext {
  return request.meter ? { ...ctx, providers: ctx.providers.metered(request.meter) } : ctx;
}

export type { FastifyInstance };

import { createServer, type Server } from "node:http";

export interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

/**
 * A provider's "live API" for tests: an HTTP server that records what ZeroFee sends (method,
 * path, Authorization) and forwards it to a sandbox, so the live base URL override and the
 * app's credentials can be seen arriving at the provider. `refuse(path, status)` answers the
 * calls whose path matches with that status instead (a provider refusing the credentials).
 */
export async function recordingProxy() {
  const seen: Seen[] = [];
  let target = "";
  let refusal: { path: RegExp; status: number } | null = null;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization });
    if (refusal?.path.test(req.url ?? "")) {
      res.writeHead(refusal.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "authentication_error", message: "refused" } }));
      return;
    }
    try {
      const headers: Record<string, string> = {};
      for (const name of ["authorization", "content-type", "idempotency-key", "paypal-request-id", "prefer"]) {
        const value = req.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const upstream = await fetch(`${target}${req.url ?? ""}`, {
        method: req.method,
        headers,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
        redirect: "manual",
      });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    forwardTo(url: string) {
      target = url;
    },
    /** Answers `status` to the calls whose path matches (until called again with null). */
    refuse(path: RegExp | null, status = 401) {
      refusal = path ? { path, status } : null;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

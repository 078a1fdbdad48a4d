import { createServer, type Server } from "node:http";

export interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

/**
 * A provider's "live API" for tests: an HTTP server that records what ZeroFee sends (method,
 * path, Authorization) and forwards it to a sandbox, so the live base URL override and the
 * app's credentials can be seen arriving at the provider.
 */
export async function recordingProxy() {
  const seen: Seen[] = [];
  let target = "";
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    seen.push({ method: req.method ?? "", path: req.url ?? "", authorization: req.headers.authorization });
    try {
      const headers: Record<string, string> = {};
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      if (req.headers["content-type"]) headers["content-type"] = req.headers["content-type"];
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

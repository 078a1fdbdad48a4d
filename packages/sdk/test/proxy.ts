/**
 * A loopback HTTP proxy in front of a running ZeroFee for the SDK tests: it records every
 * request and answer, and can lose an answer — forward the request, let the server answer in
 * full, then cut the client's connection without a byte — the "lost answer" a retry must survive.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Seen {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  userAgent: string | undefined;
  /** What the server answered (also when the proxy dropped it). */
  status: number;
  dropped: boolean;
}

export interface LossyProxy {
  url: string;
  seen: Seen[];
  /** The next request matching `match` reaches the server; its answer is then lost. */
  loseNextAnswer(match: (method: string, path: string) => boolean): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<LossyProxy> {
  const upstream = new URL(target);
  let lose: ((method: string, path: string) => boolean) | undefined;
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      // Control routes for a test in another process (the Python SDK's): arm a loss, read the log.
      if (path.startsWith("/__proxy/")) {
        const q = new URL(path, "http://proxy").searchParams;
        if (method === "POST" && path.startsWith("/__proxy/lose-next")) lose = (m, p) => m === q.get("method") && p === q.get("path");
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(seen));
        return;
      }
      const drop = lose?.(method, path.split("?")[0] ?? path) ?? false;
      if (drop) lose = undefined;
      const headers = { ...req.headers, host: upstream.host };
      const out = request({ host: upstream.hostname, port: upstream.port, method, path, headers }, (answer) => {
        const body: Buffer[] = [];
        answer.on("data", (c: Buffer) => body.push(c));
        answer.on("end", () => {
          seen.push({
            method,
            path,
            idempotencyKey: req.headers["idempotency-key"] as string | undefined,
            userAgent: req.headers["user-agent"],
            status: answer.statusCode ?? 0,
            dropped: drop,
          });
          if (drop) {
            req.socket.destroy();
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(body));
        });
      });
      out.on("error", () => req.socket.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    loseNextAnswer(match) {
      lose = match;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A real HTTP webhook receiver on loopback for the webhook tests: records every request (raw
 * body, headers) and answers as `behave` decides — 200, an error, a 429 with Retry-After, a
 * sleep past the timeout, a redirect.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** An answer, sent at once, after `sleepMs`, or once `after` settles; "hold" never answers (the socket is dropped at close). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string; sleepMs?: number; after?: Promise<unknown> } | "hold";

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Requests answered 2xx, by `webhook-id`. */
  delivered: Map<string, Received[]>;
  behave: (req: Received, index: number) => Answer;
  close(): Promise<void>;
}

export async function startReceiver(behave: Receiver["behave"] = () => ({ status: 200 }), path = "/hooks"): Promise<Receiver> {
  const held: Array<() => void> = [];
  const r: Receiver = {
    url: "",
    port: 0,
    received: [],
    delivered: new Map(),
    behave,
    close: async () => {
      for (const release of held) release();
      server.closeAllConnections();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rec: Received = { body: Buffer.concat(chunks).toString("utf8"), headers: req.headers, at: Date.now() };
      const index = r.received.push(rec) - 1;
      const answer = r.behave(rec, index);
      if (answer === "hold") {
        held.push(() => res.destroy());
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        if (answer.status >= 200 && answer.status < 300) {
          const id = String(rec.headers["webhook-id"]);
          r.delivered.set(id, [...(r.delivered.get(id) ?? []), rec]);
        }
        res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
        res.end(answer.body ?? "ok");
      };
      if (answer.after) void answer.after.then(send);
      else if (answer.sleepMs) setTimeout(send, answer.sleepMs);
      else send();
    });
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", () => res()));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}${path}`;
  return r;
}

/** The receivers one test file starts, closed together in its `afterAll`. */
export function receiverPool() {
  const started: Receiver[] = [];
  return {
    start: async (...args: Parameters<typeof startReceiver>): Promise<Receiver> => {
      const r = await startReceiver(...args);
      started.push(r);
      return r;
    },
    async closeAll(): Promise<void> {
      for (const r of started.splice(0)) await r.close();
    },
  };
}

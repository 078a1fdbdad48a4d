/**
 * A webhook endpoint in front of an example shop: ZeroFee delivers here, the forwarder passes
 * each delivery on unchanged and keeps its exact bytes, headers and the shop's answer (to
 * replay or tamper with), or holds deliveries back with a 503 (a late webhook).
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ForwardedDelivery {
  raw: string;
  headers: IncomingHttpHeaders;
  /** The shop's answer body. */
  answer: string;
  /** The shop's HTTP status; 0 when it closed the connection without answering. */
  status: number;
}

export interface Forwarder {
  url: string;
  deliveries: ForwardedDelivery[];
  /** Where deliveries go (can be set after the endpoint exists). */
  target: string;
  /** While true, deliveries are answered 503 without reaching the shop (ZeroFee retries later). */
  hold: boolean;
  /** Posts a delivery to the target as ZeroFee would. */
  post(raw: string, headers: IncomingHttpHeaders): Promise<Response>;
  close(): Promise<void>;
}

const passOn = (h: IncomingHttpHeaders) =>
  Object.fromEntries(Object.entries(h).filter(([k, v]) => typeof v === "string" && !["host", "connection", "content-length"].includes(k))) as Record<
    string,
    string
  >;

export async function startForwarder(path = "/webhooks/zerofee"): Promise<Forwarder> {
  const f: Forwarder = {
    url: "",
    deliveries: [],
    target: "",
    hold: false,
    post: (raw, headers) => fetch(f.target, { method: "POST", headers: passOn(headers), body: raw }),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (f.hold || !f.target) return void res.writeHead(503).end("held");
      const raw = Buffer.concat(chunks).toString("utf8");
      const answer = await f.post(raw, req.headers).catch(() => null);
      if (!answer) {
        f.deliveries.push({ raw, headers: req.headers, answer: "", status: 0 });
        return void res.socket?.destroy();
      }
      const text = await answer.text();
      f.deliveries.push({ raw, headers: req.headers, answer: text, status: answer.status });
      res.writeHead(answer.status, { "content-type": "text/plain" }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  f.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return f;
}

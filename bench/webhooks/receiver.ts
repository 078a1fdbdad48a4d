/**
 * The benchmark's receiver (a child process): answers 200 at once and keeps, per event id,
 * when the first copy arrived — `GET /stats` returns latencies (arrival − `data.written_at`).
 */
import { createServer } from "node:http";

const seen = new Map<string, number>();
let requests = 0;
const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/stats") {
    const latencies: number[] = [];
    for (const v of seen.values()) if (v >= 0) latencies.push(v);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ requests, unique: seen.size, latencies }));
    return;
  }
  if (req.method === "POST" && req.url === "/reset") {
    seen.clear();
    requests = 0;
    res.end("ok");
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    requests++;
    const now = Date.now();
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id: string; data: { written_at?: number } };
      if (!seen.has(body.id)) seen.set(body.id, body.data.written_at ? now - body.data.written_at : -1);
    } catch {
      // not an event: counted only
    }
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("ok");
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  process.stdout.write(`receiver listening on ${typeof addr === "object" && addr ? addr.port : 0}\n`);
});

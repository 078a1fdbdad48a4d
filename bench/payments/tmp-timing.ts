import { randomBytes } from "node:crypto";
import pg from "pg";
import { buildApp } from "../../packages/server/src/app.js";
import { loadConfig } from "../../packages/server/src/config.js";
import { seedDemo } from "../../packages/server/src/services/demo/seed.js";
import { scratchDatabase } from "../scratch-db.js";
import { http } from "./lib.js";
const scratch = await scratchDatabase();
const times = new Map<string, number[]>();
let on = false;
const original = pg.Client.prototype.query;
(pg.Client.prototype as any).query = function (this: pg.Client, ...args: any[]) {
  const first = args[0];
  const text = String(typeof first === "string" ? first : (first?.text ?? "?")).replace(/\s+/g, " ").slice(0, 50);
  const t = performance.now();
  const rec = () => { if (!on) return; const a = times.get(text) ?? []; a.push(performance.now() - t); times.set(text, a); };
  const cb = args.findIndex((a) => typeof a === "function");
  if (cb >= 0) { const f = args[cb]; args[cb] = (...x: any[]) => { rec(); return f(...x); }; }
  if (typeof first === "object" && typeof first?.callback === "function") { const f = first.callback; first.callback = (...x: any[]) => { rec(); return f(...x); }; }
  const r = (original as any).apply(this, args);
  if (r?.then) r.then(rec, () => {});
  return r;
};
const app = await buildApp({ config: loadConfig({ PORT: "0", LOG_LEVEL: "warn", DATABASE_URL: scratch.url, ZEROFEE_RATE_LIMIT_PER_KEY: "0", ZEROFEE_RATE_LIMIT_PER_IP: "0", ZEROFEE_CONCURRENCY_PER_KEY: "0" }, { persistKey: false }), workers: false });
try {
  const baseUrl = await app.listen();
  const seeded = await seedDemo(app.ctx, null);
  const auth = { authorization: `Bearer ${seeded?.demo.secret_key}` };
  const body = { amount: 1500, payment_method: "PAYIN_ORANGE_CI", customer: { phone: "+225 07 00 00 00 02" } };
  const total: number[] = [];
  let cpu0 = process.cpuUsage(); let w0 = performance.now();
  for (let i = 0; i < 400; i++) {
    if (i === 10) { on = true; cpu0 = process.cpuUsage(); w0 = performance.now(); }
    const t = performance.now();
    const r = await http(`${baseUrl}/v1/payments`, { method: "POST", headers: { ...auth, "idempotency-key": randomBytes(8).toString("hex") }, body });
    if (on) total.push(performance.now() - t, Number(r.headers?.["x-zerofee-latency"] ?? NaN));
  }
  const cpu = process.cpuUsage(cpu0); console.log("cpu per create ms", ((cpu.user + cpu.system) / 1000 / 390).toFixed(2), "wall", ((performance.now() - w0) / 390).toFixed(2));
  const fs = await import("node:fs");
  for (const t of fs.readdirSync("/proc/self/task")) { const st = fs.readFileSync(`/proc/self/task/${t}/stat`, "utf8"); const name = fs.readFileSync(`/proc/self/task/${t}/comm`, "utf8").trim(); const f = st.slice(st.lastIndexOf(")") + 2).split(" "); console.log("thread", t, name, Number(f[11]) + Number(f[12])); }
  const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!.toFixed(2);
  for (const [k, v] of times) console.log(med(v), "ms", v.length, k);
  console.log("request median", med(total.filter((_, i) => i % 2 === 0)));
} finally { await app.stop(); await scratch.drop(); }

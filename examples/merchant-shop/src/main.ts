import type { AddressInfo } from "node:net";
import { openDb } from "./db.js";
import { createShop } from "./shop.js";

const env = (name: string, fallback?: string) => {
  const v = process.env[name] ?? fallback;
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const port = Number(process.env.PORT ?? 3000);
const { server } = createShop({
  db: await openDb(process.env.SHOP_DATA_DIR),
  zerofeeUrl: env("ZEROFEE_URL", "http://127.0.0.1:8000"),
  secretKey: env("ZEROFEE_SECRET_KEY"),
  // Optional at start: the endpoint (and its secret) may be set up once the shop runs.
  webhookSecret: process.env.ZEROFEE_WEBHOOK_SECRET || undefined,
  publicUrl: env("SHOP_PUBLIC_URL", `http://localhost:${port}`),
  onFulfil: (orderId, source) => console.log(`fulfilled ${orderId} (${source})`),
});
server.listen(port, "127.0.0.1", () => {
  console.log(`shop on http://localhost:${(server.address() as AddressInfo).port}`);
  if (!process.env.ZEROFEE_WEBHOOK_SECRET) {
    console.warn("shop: ZEROFEE_WEBHOOK_SECRET is not set: webhook deliveries are refused (500, ZeroFee retries them) until the shop is restarted with it.");
  }
});

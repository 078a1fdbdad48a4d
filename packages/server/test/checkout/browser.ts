/**
 * Browser-test kit: Debian's Chromium through playwright-core, a ZeroFee app on 127.0.0.1,
 * and "merchant" pages served from other origins (`localhost:<port>`), so the widget runs
 * cross-origin exactly as on a shop. Screenshots land in test-results/checkout/ (git-ignored).
 */
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";

export const SHOTS = fileURLToPath(new URL("../../../../test-results/checkout/", import.meta.url));

export { launch, launchEarly } from "../browser-launch.js";

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A tiny static site on its own origin: path → HTML. */
export interface Site {
  origin: string;
  pages: Map<string, string>;
  close(): Promise<void>;
}

export async function startSite(host: "localhost" | "127.0.0.1" = "localhost"): Promise<Site> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const html = pages.get(path) ?? `<!doctype html><title>${path}</title><h1 id="landed">${path}</h1>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, host === "localhost" ? "127.0.0.1" : host, r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    pages,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Every message the page receives, for WG-1/WG-2 checks. */
export const RECORDER = `<script>window.__messages=[];addEventListener("message",function(e){window.__messages.push({origin:e.origin,data:e.data})});</script>`;

/**
 * The snippet printed in the original article, unchanged but for the key and the script's
 * host (ZeroFee's own origin instead of the article's CDN).
 */
export function articlePage(zerofee: string, pk: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${RECORDER}</head><body>
<h1>Shop</h1><button id="pay-btn">Pay 5000 XOF</button>
<!-- Merchant's website -->
<script src="${zerofee}/checkout.js"></script>
<script>
    const checkout = new ZeroFeeCheckout({
        publicKey: "${pk}",
        amount: 5000,
        currency: "XOF",
        onSuccess: function(result) {
            console.log("Payment completed:", result.transactionId);
            window.location.href = "/thank-you";
        },
        onError: function(error) {
            console.error("Payment failed:", error.message);
        },
        onClose: function() {
            console.log("Checkout closed");
        }
    });

    document.getElementById("pay-btn").addEventListener("click", () => {
        checkout.open();
    });
</script>
</body></html>`;
}

/**
 * A merchant page that opens the widget with options given as JSON, recording callbacks in
 * `window.__events` (UX hints only; the tests check the server too).
 */
export function widgetPage(zerofee: string, options: Record<string, unknown>): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>${RECORDER}</head><body>
<h1>Shop</h1><button id="pay-btn">Checkout</button>
<script src="${zerofee}/checkout.js"></script>
<script>
window.__events=[];
var opts=${JSON.stringify(options)};
opts.onSuccess=function(r){window.__events.push({type:"success",result:r})};
opts.onError=function(e){window.__events.push({type:"error",error:e})};
opts.onClose=function(){window.__events.push({type:"close"})};
window.checkout=new ZeroFeeCheckout(opts);
document.getElementById("pay-btn").addEventListener("click",function(){window.checkout.open()});
</script></body></html>`;
}

/** The widget's `role="dialog"` (inside its open shadow root) and its state. */
export const dialog = (page: Page) => page.getByRole("dialog");

export async function expectState(page: Page, state: string, timeout = 15_000): Promise<void> {
  await page.locator(`[role=dialog][data-state="${state}"]`).waitFor({ timeout });
}

export async function events(page: Page): Promise<Array<{ type: string; result?: { transactionId: string; status: string }; error?: { code: string } }>> {
  return page.evaluate(() => (window as unknown as { __events: [] }).__events);
}

export async function messages(page: Page): Promise<Array<{ origin: string; data: Record<string, unknown> }>> {
  return page.evaluate(() => (window as unknown as { __messages: [] }).__messages);
}

/** A fresh context: its own storage, language and (optionally) popups that `window.open` cannot make. */
export async function context(browser: Browser, opts: { locale?: string; blockPopups?: boolean } = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext({ locale: opts.locale ?? "en-US", viewport: { width: 900, height: 760 } });
  if (opts.blockPopups) await ctx.addInitScript(() => Object.defineProperty(window, "open", { value: () => null }));
  return ctx;
}

/** The page's timers (the widget's status poll) fire only when the test runs the clock. */
export async function pauseClock(page: Page): Promise<void> {
  const now = Date.now();
  await page.clock.install({ time: now });
  await page.clock.pauseAt(now + 1000);
}

/** Clicks the sandbox page's `data-action` button (SPEC §14 contract; any provider's page). */
export async function actOnProviderPage(page: Page, action: "approve" | "decline" | "cancel"): Promise<void> {
  const button = page.locator(`[data-action="${action}"]`);
  await button.waitFor();
  await button.click();
}

export { expect };

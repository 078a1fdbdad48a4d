/** Debian's Chromium through playwright-core, with the flags every browser test and script uses (no vitest import: scripts use it too). */
import { type Browser, chromium } from "playwright-core";

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}

/**
 * Chromium launched now, so that it starts while the rest of a file's set-up runs (the
 * server's boot): `browser` once it is needed; `close` shuts it whether or not the set-up got
 * that far.
 */
export function launchEarly(): { browser: Promise<Browser>; close(): Promise<void> } {
  const browser = launch();
  return { browser, close: async () => (await browser.catch(() => undefined))?.close() };
}

/**
 * A page's own polls on the page's clock, for the browser tests that wait for what a poll
 * brings (checkout.js's status poll every 2 s; the dashboard's refreshes, 2 s then half as long
 * again): the page's clock is installed (it runs naturally) and, while the test waits for what
 * the page shows, moved one poll ahead at a time. The page still learns the outcome only from
 * its own poll of the server, which still decides it (the sandbox confirms in its own time);
 * the test no longer waits out each poll in real time.
 */
import type { Page } from "playwright-core";
import { eventually } from "../harness.js";

/** The widget's poll interval (checkout.js POLL_MS), and the dashboard's first refresh (ui.tsx refreshWhile). */
const POLL_MS = 2000;

/** Fakes the page's timers (they still run in real time until moved on); before `goto`, so every timer of the page is on it. */
export async function installPollClock(page: Page): Promise<void> {
  await page.clock.install();
}

/** Moves the page's clock one poll at a time until `shown()` holds: a wait on the state, never a sleep. */
export async function pollUntil(page: Page, shown: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  await eventually(
    async () => {
      if (await shown()) return true;
      // Refused while the page navigates (the hosted page leaving for success_url): the next round looks again.
      await page.clock.fastForward(POLL_MS).catch(() => undefined);
      return false;
    },
    timeoutMs,
    100,
  );
}

/** `expectState` with the page's poll moved on: the dialog reaches `state`. */
export function pollUntilState(page: Page, state: string, timeoutMs = 15_000): Promise<void> {
  return pollUntil(page, async () => (await page.locator(`[role=dialog][data-state="${state}"]`).count()) > 0, timeoutMs);
}

/** The page's poll moved on until the page (the hosted page, once the session completes) is at `url`. */
export function pollUntilUrl(page: Page, url: RegExp | string, timeoutMs = 20_000): Promise<void> {
  return pollUntil(page, async () => (typeof url === "string" ? page.url() === url : url.test(page.url())), timeoutMs);
}

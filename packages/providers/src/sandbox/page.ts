import type { SimResponse } from "../contract.js";
import { escapeHtml } from "./http.js";

export interface ActionPage {
  title: string;
  /** Lines of text shown above the form (escaped here), e.g. "Pay 1500 XOF with Wave". */
  lines: readonly string[];
  /** Absolute URL the form posts to (the simulator's own page URL). */
  action: string;
  /** State the page must carry back: hidden inputs, never cookies (SPEC §14). */
  hidden: Record<string, string>;
  /** Visible inputs, name → label and pre-filled value (e.g. `CARD_INPUT`). */
  inputs?: Record<string, { label: string; value: string }>;
  /** Why the last submission was refused (shown as an alert; the page answers 422). */
  error?: string;
}

/** The card field of a card page, pre-filled with the success card (`4242…` approves unchanged). */
export const CARD_INPUT = { card_number: { label: "Card number", value: "4242 4242 4242 4242" } } as const;

/** The card simulators' test numbers (SPEC §14). */
export const TEST_CARDS = { success: "4242424242424242", threeDSecure: "4000000000003220", declined: "4000000000000002" } as const;
const KNOWN_CARDS = new Set<string>(Object.values(TEST_CARDS));

/**
 * The digits of a documented test card, or null for any other number. The card pages refuse
 * any other number (SE-5): a real card typed into a sandbox is neither accepted, kept nor
 * logged — nor shown again.
 */
export function testCard(input: unknown): string | null {
  const digits = String(input ?? "").replace(/\D/g, "");
  return KNOWN_CARDS.has(digits) ? digits : null;
}

export const NOT_A_TEST_CARD =
  "This sandbox takes only its test cards: 4242 4242 4242 4242 pays, 4000 0000 0000 3220 asks for 3-D Secure, 4000 0000 0000 0002 is declined. The number you typed was not kept.";

/**
 * A sandbox redirect page (SPEC §14): one plain `<form method="post">`, usable without
 * JavaScript or cookies, whose three submit buttons `data-action="approve|decline|cancel"` sit
 * inside the form without `formaction`. The pressed button arrives as `action=<…>`.
 */
export function actionPage(page: ActionPage): SimResponse {
  const hidden = Object.entries(page.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("\n");
  const inputs = Object.entries(page.inputs ?? {})
    .map(([k, f]) => `<p><label>${escapeHtml(f.label)} <input name="${escapeHtml(k)}" value="${escapeHtml(f.value)}" autocomplete="off"></label></p>`)
    .join("\n");
  const button = (action: string, label: string) => `<button type="submit" name="action" value="${action}" data-action="${action}">${label}</button>`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui;max-width:28rem;margin:3rem auto">
<h1>${escapeHtml(page.title)}</h1>
${page.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join("\n")}
${page.error ? `<p role="alert" style="color:#b00020">${escapeHtml(page.error)}</p>` : ""}
<p><small>Sandbox: nothing is charged.</small></p>
<form method="post" action="${escapeHtml(page.action)}">
${inputs}
${hidden}
${button("approve", "Approve")}
${button("decline", "Decline")}
${button("cancel", "Cancel")}
</form></body></html>`;
  return { status: page.error ? 422 : 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: html };
}

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
}

/** The card field of a card page, pre-filled with the success card (`4242…` approves unchanged). */
export const CARD_INPUT = { card_number: { label: "Card number", value: "4242 4242 4242 4242" } } as const;

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
<p><small>Sandbox: nothing is charged.</small></p>
<form method="post" action="${escapeHtml(page.action)}">
${inputs}
${hidden}
${button("approve", "Approve")}
${button("decline", "Decline")}
${button("cancel", "Cancel")}
</form></body></html>`;
  return { status: 200, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }, body: html };
}

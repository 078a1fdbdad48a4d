import { escapeHtml } from "./http.js";

export interface ActionPageInput {
  title: string;
  /** One line under the title, e.g. "Pay 1500 XOF with Wave". */
  summary: string;
  /** Where the form posts (the simulator's own page URL). */
  action: string;
  /** State the page must carry back: hidden inputs, never cookies (SPEC §14). */
  hidden: Record<string, string>;
  /** Pre-filled card number for card pages (`4242 4242 4242 4242` approves unchanged). */
  cardNumber?: string;
}

/**
 * A sandbox redirect page (SPEC §14): a plain HTML form, usable without JavaScript, whose
 * three submit buttons carry `data-action` approve/decline/cancel and sit inside the form
 * without `formaction`. The pressed button arrives as `action=<approve|decline|cancel>`.
 */
export function renderActionPage(input: ActionPageInput): { status: number; headers: Record<string, string>; body: string } {
  const hidden = Object.entries(input.hidden)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("\n");
  const card =
    input.cardNumber === undefined
      ? ""
      : `<p><label>Card number <input name="card_number" value="${escapeHtml(input.cardNumber)}" autocomplete="off" inputmode="numeric"></label></p>`;
  const button = (action: string, label: string) => `<button type="submit" name="action" value="${action}" data-action="${action}">${label}</button>`;
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui;max-width:28rem;margin:3rem auto">
<h1>${escapeHtml(input.title)}</h1><p>${escapeHtml(input.summary)}</p><p><small>Sandbox: nothing is charged.</small></p>
<form method="post" action="${escapeHtml(input.action)}">
${hidden}${card}
${button("approve", "Approve")}
${button("decline", "Decline")}
${button("cancel", "Cancel")}
</form></body></html>`;
  return {
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    body,
  };
}

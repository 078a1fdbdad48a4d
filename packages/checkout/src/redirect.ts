/**
 * Provider pages (card, PayPal, Wave) open in a popup. It must be opened synchronously in
 * the click handler — after an `await` browsers treat it as unsolicited and block it — so it
 * opens on `about:blank` first and is pointed at the provider once the server answers.
 */
export function openBlankPopup(): Window | null {
  const w = 480;
  const h = 720;
  const left = Math.max(0, (screen.width - w) / 2);
  const top = Math.max(0, (screen.height - h) / 2);
  try {
    return window.open("", "zerofee_payment", `popup=yes,width=${w},height=${h},left=${left},top=${top}`);
  } catch {
    return null;
  }
}

/**
 * Listens for the return page's message about one payment. Only ZeroFee's own origin and the
 * pending transaction id count, and even then the message only triggers a status check with
 * the server: its `status` is never believed (WG-1).
 */
export function listenForReturn(apiOrigin: string, transactionId: string, check: () => void): () => void {
  const onMessage = (e: MessageEvent) => {
    if (e.origin !== apiOrigin) return;
    const d = e.data as { type?: unknown; transaction_id?: unknown } | null;
    if (d?.type !== "zerofee:payment" || d.transaction_id !== transactionId) return;
    check();
  };
  window.addEventListener("message", onMessage);
  return () => window.removeEventListener("message", onMessage);
}

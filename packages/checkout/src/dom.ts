type Attr = string | boolean | undefined | ((e: Event) => void);
export type Kid = Node | string | null | undefined | false;

/** `h("button", {type: "button", onclick}, "Pay")`: the widget's only DOM helper. */
export function h(tag: string, attrs: Record<string, Attr> = {}, ...kids: Kid[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (v === true) el.setAttribute(k, "");
    else if (typeof v === "string") el.setAttribute(k, v);
  }
  for (const kid of kids) if (kid) el.append(kid);
  return el;
}

const FOCUSABLE = "button:not([disabled]),a[href],input:not([disabled])";

export const focusables = (root: ParentNode) => Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE));

/** Keeps Tab inside the dialog (WCAG 2.2 modal pattern). */
export function trapTab(e: KeyboardEvent, root: ShadowRoot, dialog: HTMLElement): void {
  const all = focusables(dialog);
  const first = all[0];
  const last = all[all.length - 1];
  if (!first || !last) return;
  const active = root.activeElement;
  if (e.shiftKey && (active === first || !dialog.contains(active))) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && (active === last || !dialog.contains(active))) {
    e.preventDefault();
    first.focus();
  }
}

/** Styles through a constructable stylesheet where the browser has one (no CSP `style-src` needed), else a `<style>`. */
export function adoptStyles(root: ShadowRoot, css: string, nonce?: string): void {
  if ("adoptedStyleSheets" in root && typeof CSSStyleSheet !== "undefined" && "replaceSync" in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  const style = h("style");
  if (nonce) style.setAttribute("nonce", nonce);
  style.textContent = css;
  root.append(style);
}

/**
 * A customer on a sandbox's redirect page, without a browser: the pages are plain HTML forms
 * (SPEC §14), so reading the form, its inputs and the chosen `data-action` button and posting
 * them is what a browser would do.
 */
export interface PageForm {
  action: string;
  method: string;
  fields: Record<string, string>;
  /** `data-action` → the button's name/value, if it has one. */
  buttons: Record<string, { name?: string; value?: string }>;
}

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, "i").exec(tag);
  return m ? decodeEntities(m[2] ?? m[3] ?? "") : undefined;
};

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCharCode(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** The forms of a page, each with its inputs and buttons. */
export function readForms(html: string, pageUrl: string): PageForm[] {
  const forms: PageForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const open = m[1] ?? "";
    const inner = m[2] ?? "";
    const fields: Record<string, string> = {};
    for (const input of inner.matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(input[0], "name");
      const type = (attr(input[0], "type") ?? "text").toLowerCase();
      if (!name || type === "submit" || type === "button") continue;
      if ((type === "checkbox" || type === "radio") && !/\schecked/i.test(input[0])) continue;
      fields[name] = attr(input[0], "value") ?? "";
    }
    const buttons: PageForm["buttons"] = {};
    for (const b of inner.matchAll(/<button\b[^>]*>/gi)) {
      const action = attr(b[0], "data-action");
      if (action) buttons[action] = { name: attr(b[0], "name"), value: attr(b[0], "value") };
    }
    forms.push({
      action: new URL(attr(open, "action") ?? pageUrl, pageUrl).toString(),
      method: (attr(open, "method") ?? "get").toUpperCase(),
      fields,
      buttons,
    });
  }
  return forms;
}

export interface Journey {
  /** Every URL visited, in order. */
  visited: string[];
  /** Where the last redirect pointed (the merchant's URL, at the end of a redirect flow). */
  final: string;
}

/**
 * Opens `startUrl`, presses `data-action=action` on each sandbox page (filling `overrides`,
 * e.g. a card number), and follows redirects until one leaves `ourOrigin` (the merchant's
 * URL) or a page has no such button.
 */
export async function actOnSandbox(
  startUrl: string,
  ourOrigin: string,
  action: string,
  overrides: Record<string, string> = {},
  maxSteps = 12,
): Promise<Journey> {
  const visited: string[] = [];
  let url = startUrl;
  let init: RequestInit = { method: "GET" };
  for (let step = 0; step < maxSteps; step++) {
    visited.push(url);
    const res = await fetch(url, { ...init, redirect: "manual" });
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location") ?? "", url).toString();
      await res.arrayBuffer();
      if (new URL(next).origin !== ourOrigin) return { visited, final: next };
      url = next;
      init = { method: "GET" };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`sandbox page ${url} answered ${res.status}: ${html.slice(0, 300)}`);
    const form = readForms(html, url).find((f) => f.buttons[action]);
    if (!form) return { visited, final: url };
    const fields = { ...form.fields };
    for (const [k, v] of Object.entries(overrides)) if (k in fields) fields[k] = v;
    const button = form.buttons[action];
    if (button?.name) fields[button.name] = button.value ?? "";
    const body = new URLSearchParams(fields).toString();
    if (form.method === "GET") {
      const target = new URL(form.action);
      target.search = body;
      url = target.toString();
      init = { method: "GET" };
    } else {
      url = form.action;
      init = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body };
    }
  }
  throw new Error(`no way out of the sandbox after ${maxSteps} steps: ${visited.join(" → ")}`);
}

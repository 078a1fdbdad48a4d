/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ICON_SVG =
  "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'><rect width='32' height='32' rx='7' fill='#1d4ed8'/><text x='16' y='23' font-family='system-ui,sans-serif' font-size='20' font-weight='700' text-anchor='middle' fill='#fff'>0</text></svg>";

/**
 * The ZeroFee mark as a page's icon, inline: a browser showing one of our pages (hosted
 * checkout, its result and return pages, the dashboard) then asks nothing of `/favicon.ico`,
 * which would be a 404 in its console and our logs. Their CSPs allow `img-src data:`.
 */
export const ICON_LINK = `<link rel="icon" href="data:image/svg+xml,${encodeURIComponent(ICON_SVG)}">`;

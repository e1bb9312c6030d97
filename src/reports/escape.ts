/**
 * Escaping for everything interpolated into HTML, SVG and XML. Scenario text, probe names and
 * AWS messages are user input: nothing reaches markup without passing through here.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

/** XML 1.0 cannot carry most control characters even escaped: drop them. */
export function escapeXml(value: unknown): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing exactly those characters is the point
  return escapeHtml(String(value ?? '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
}

/**
 * Markdown table cells: only what a renderer could read as markup is escaped (`<` opening a tag,
 * `&` opening an entity, pipes), so `<= 60s` stays readable in the raw file.
 */
export function escapeMdCell(value: unknown): string {
  return String(value ?? '')
    .replace(/&(?=[#A-Za-z0-9]+;)/g, '&amp;')
    .replace(/<(?=[A-Za-z/!?])/g, '&lt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ');
}

/**
 * Untrusted text (model answers, issue titles, `/revise` feedback, reasons)
 * made safe to embed in the Markdown WHOOSH writes to a forge. Everything
 * WHOOSH posts goes through here, so one set of rules holds everywhere:
 *
 * - no live HTML: every `<` outside code becomes `&lt;`, so text cannot open an
 *   HTML comment (hiding the rest of the body or forging an idempotency
 *   marker), close the `<details>` it sits in, or bring `<img onerror>`;
 * - no entity tricks: `&#58;`-style entities are shown, not decoded;
 * - no unsafe links: a link, image or link definition whose destination has a
 *   scheme other than http, https or mailto is escaped into plain text;
 * - no notifications: `@mentions` are put in code, where they ping nobody.
 *
 * Code spans and fences are left as written (nothing is live inside them).
 * Pure and deterministic: workflows, activities and the API use it.
 */

/** Applies `f` to the parts of Markdown outside code spans and fences. */
function outsideCode(text: string, f: (prose: string) => string): string {
  return text
    .split(/(```[\s\S]*?```|`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 0 ? f(part) : part))
    .join('');
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/** Whether a link destination would run or reach something other than a web page or mail address. */
export function isUnsafeLink(destination: string): boolean {
  // Browsers ignore control characters and whitespace inside a scheme (`java\tscript:`).
  const squeezed = destination.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squeezed)?.[1];
  if (scheme !== undefined) return !SAFE_SCHEMES.has(scheme);
  // Entity-encoded or otherwise obscured colons before any slash.
  return /^[^/?#]*(&|%3a|\\)/.test(squeezed);
}

function neutralizeLinks(prose: string): string {
  return (
    prose
      // Inline links and images: ](destination
      // (up to the first `)`, whitespace included: `java\tscript:` is still a scheme to a browser)
      // (an escaped `](` leaves the text as written, and no link)
      .replace(/\]\(\s*(<[^>\n]*>|[^)\n]*)/g, (whole, dest: string) => (isUnsafeLink(dest.replace(/^<|>$/g, '')) ? `]\\(${whole.slice(2)}` : whole))
      // Link reference definitions: [label]: destination
      .replace(/^( {0,3})\[([^\]\n]+\]:[ \t]*)(\S+)/gm, (whole, indent: string, rest: string, dest: string) => (isUnsafeLink(dest.replace(/^<|>$/g, '')) ? `${indent}\\[${rest}${dest}` : whole))
  );
}

/** Untrusted Markdown, safe to embed (see the module comment). */
export function safeText(text: string): string {
  return outsideCode(text, (prose) =>
    neutralizeLinks(prose)
      .replace(/&(?=#?[a-z0-9]+;)/gi, '&amp;')
      .replace(/</g, '&lt;')
      // A mention in code does not notify anyone.
      .replace(/(^|[^\w@`])@([A-Za-z0-9][\w./-]*)/g, '$1`@$2`'),
  );
}

/** Untrusted text on one line (a list item, a quoted sentence). */
export function safeLine(text: string): string {
  return safeText(text).replace(/\s*\r?\n\s*/g, ' ');
}

/** One table cell: safe, on one line, with pipes escaped (also inside code, as GFM tables require). */
export function cell(text: string): string {
  const flat = safeLine(text)
    .replace(/\\?\|/g, '\\|')
    .trim();
  return flat === '' ? ' ' : flat;
}

/**
 * Markdown to HTML for what LLMs wrote (council artifacts). Their text is not
 * trusted: raw HTML in it is shown as text, and links keep only http(s),
 * mailto and in-page targets, so the HTML is safe to insert. (The API's CSP,
 * which allows no inline script, is the second line.)
 */
import { Marked, type Tokens } from 'marked';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

export function safeHref(href: string): string | undefined {
  const h = href.trim();
  if (h.startsWith('#')) return h;
  try {
    const url = new URL(h);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    // Comments (idempotency markers) say nothing to a reader; other HTML is shown as the text it is.
    html: ({ text }: Tokens.HTML | Tokens.Tag) => (/^\s*<!--[\s\S]*-->\s*$/.test(text) ? '' : escapeHtml(text)),
    link({ href, title, tokens }: Tokens.Link) {
      const text = this.parser.parseInline(tokens);
      const safe = safeHref(href);
      if (!safe) return text;
      const t = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a href="${escapeHtml(safe)}"${t} target="_blank" rel="noopener noreferrer nofollow">${text}</a>`;
    },
    // Images would load from anywhere the text says; show their description instead.
    image: ({ text }: Tokens.Image) => escapeHtml(text),
  },
});

export function renderMarkdown(source: string): string {
  return marked.parse(source, { async: false });
}

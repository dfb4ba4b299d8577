/**
 * The browser side of routing: the current address as Svelte state, moving
 * through history, and taking over same-origin link clicks. Everything about
 * what an address means is in router.ts.
 */
import { isAppNavigation, parseRoute, type Route } from './router';

const current = $state({ pathname: window.location.pathname, search: window.location.search });

export const router = {
  get route(): Route {
    return parseRoute(current.pathname, current.search);
  },
  get pathname(): string {
    return current.pathname;
  },
};

function sync(): void {
  current.pathname = window.location.pathname;
  current.search = window.location.search;
}

export function navigate(href: string, options: { replace?: boolean } = {}): void {
  const before = window.location.pathname;
  if (options.replace) window.history.replaceState(null, '', href);
  else window.history.pushState(null, '', href);
  sync();
  // A new page starts at its top; a changed filter keeps the reader where they are.
  if (window.location.pathname !== before) window.scrollTo(0, 0);
}

window.addEventListener('popstate', sync);

/** For `<svelte:document onclick>`: links to the app's own pages change the view without a reload. */
export function followLinks(event: MouseEvent): void {
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || !anchor.href) return;
  if (!isAppNavigation(event, { target: anchor.target, hasDownload: anchor.hasAttribute('download'), href: anchor.href }, window.location.origin)) return;
  const url = new URL(anchor.href);
  // An in-page anchor (the skip link) is the browser's business.
  if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
  event.preventDefault();
  navigate(`${url.pathname}${url.search}`);
}

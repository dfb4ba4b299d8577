/**
 * Svelte's side of the live feed and of data loading: a view declares what it
 * loads and which topics it shows, and gets state that follows them.
 */
import { untrack } from 'svelte';
import { errorMessage, isUnauthorized } from './api';
import type { Session } from './context';
import { subscribeLive, type LiveStatus } from './live';
import { createRefresher } from './refresher';

/** The live feed's state for the badge in the page head; one page (one stream) is open at a time. */
export const liveState = $state<{ status: LiveStatus }>({ status: 'connecting' });

/**
 * Calls `onChange` whenever one of the topics changes; follows `topics()` as
 * it changes and closes with the component.
 */
export function useLive(session: Session, topics: () => readonly string[], onChange: (topic: string) => void): void {
  // Keyed by the topics' text, so new data that names the same topics keeps the same stream.
  const key = $derived(JSON.stringify(topics()));
  $effect(() => {
    const list = JSON.parse(key) as string[];
    if (list.length === 0) return;
    return subscribeLive({
      token: session.token,
      topics: list,
      onChange,
      onStatus: (status) => (liveState.status = status),
      onUnauthorized: session.onUnauthorized,
    });
  });
}

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: string;
  /** True until the first answer (or error). */
  readonly loading: boolean;
  /** True while any load runs (a page turn, a refetch). */
  readonly busy: boolean;
  /** Refetch; `immediate` for a user's action, otherwise merged with asks close by. */
  reload(immediate?: boolean): void;
}

/**
 * Data a view shows, loaded when the view opens and again whenever what
 * `deps` reads changes (its filters, its page). `load` reads the view's
 * current parameters each time it runs, and runs are never concurrent, so the
 * last answer is always for the latest parameters. A 401 signs out.
 */
export function useResource<T>(session: Session, load: () => Promise<T>, deps: () => unknown = () => undefined): Resource<T> {
  // Raw: answers are replaced whole, never edited, and a long history is not worth deep proxies.
  let data = $state.raw<T>();
  let error = $state('');
  let loading = $state(true);
  let busy = $state(false);
  const refresher = createRefresher(async () => {
    busy = true;
    try {
      data = await load();
      error = '';
    } catch (err) {
      if (isUnauthorized(err)) session.onUnauthorized();
      else error = errorMessage(err);
    } finally {
      loading = false;
      busy = false;
    }
  });
  $effect(() => {
    deps();
    // Only `deps` decides when to load; what `load` happens to read must not.
    untrack(() => refresher.request(true));
  });
  $effect(() => () => refresher.dispose());
  return {
    get data() {
      return data;
    },
    get error() {
      return error;
    },
    get loading() {
      return loading;
    },
    get busy() {
      return busy;
    },
    reload: (immediate = false) => refresher.request(immediate),
  };
}

/** Where a token-paged list is: the tokens of the pages walked so far, the first page's being none. */
export interface PageTrail {
  /** The token of the page shown (undefined: the first page). */
  readonly token: string | undefined;
  /** 1-based number of the page shown. */
  readonly page: number;
  first(): void;
  previous(): void;
  /** Goes on to the page of `token` (the list's next-page token; nothing when there is none). */
  next(token: string | null | undefined): void;
}

/** A trail of page tokens that starts again at the first page whenever `key` (the filters) changes. */
export function usePageTrail(key: () => string): PageTrail {
  let tokens = $state<(string | undefined)[]>([undefined]);
  let lastKey = '';
  $effect.pre(() => {
    const k = key();
    if (k !== lastKey) {
      lastKey = k;
      tokens = [undefined];
    }
  });
  return {
    get token() {
      return tokens[tokens.length - 1];
    },
    get page() {
      return tokens.length;
    },
    first: () => (tokens = [undefined]),
    previous: () => (tokens = tokens.slice(0, -1)),
    next: (token) => {
      if (token) tokens = [...tokens, token];
    },
  };
}

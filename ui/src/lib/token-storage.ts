/**
 * Where the API token is kept between visits. Storage is a parameter so tests
 * can pass a Map-backed fake; it may also be missing or throw (private modes),
 * in which case the token simply lasts for the page's life.
 */
export const TOKEN_KEY = 'whoosh.token';

export type TokenStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const browserStorage = (): TokenStorage | undefined => (typeof localStorage === 'undefined' ? undefined : localStorage);

export function loadToken(storage = browserStorage()): string | undefined {
  try {
    return storage?.getItem(TOKEN_KEY) || undefined;
  } catch {
    return undefined;
  }
}

export function saveToken(token: string, storage = browserStorage()): void {
  try {
    storage?.setItem(TOKEN_KEY, token);
  } catch {
    // Not persisted; the session still works until the page closes.
  }
}

export function clearToken(storage = browserStorage()): void {
  try {
    storage?.removeItem(TOKEN_KEY);
  } catch {
    // Nothing was stored.
  }
}

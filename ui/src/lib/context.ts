/** The signed-in session, handed to every view through Svelte's context. */
import { getContext, setContext } from 'svelte';
import type { Me } from './api';

export interface Session {
  readonly token: string;
  readonly me: Me;
  /** The API refused the token: sign out with a message. */
  readonly onUnauthorized: () => void;
}

const KEY = Symbol('whoosh.session');

export const provideSession = (session: Session): Session => setContext(KEY, session);

export function useSession(): Session {
  const session = getContext<Session | undefined>(KEY);
  if (!session) throw new Error('useSession() outside a signed-in view');
  return session;
}

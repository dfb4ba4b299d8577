/**
 * The hidden markers that end every body WHOOSH posts for a council
 * (`<!-- whoosh:council:<councilId>:summary-r1 -->`): an activity retried
 * after a timeout looks for its marker before posting again.
 */
import { endsWithMarker, findMarker as findAnyMarker, marker, withMarker as withExactMarker } from '../../domain/markers';

/**
 * The hidden marker ending a body about `what` (see `markerWhat`) of the
 * council `councilId` (its workflow id, e.g. `council:acme/api#7`).
 */
export function councilMarker(councilId: string, what: string): string {
  return marker('council', councilId, what);
}

/** The `what` of each kind of body, so the activity that checks and the renderer that writes agree. */
export const markerWhat = {
  summary: (round: number): string => `summary-r${round}`,
  reminder: (round: number, n: number): string => `reminder-r${round}-${n}`,
  expiry: (): string => 'expired',
  task: (key: string): string => `task-${key}`,
  failed: (round: number): string => `failed-r${round}`,
  approved: (): string => 'approved',
  cancelled: (): string => 'cancelled',
  /** A reply to a command (comment `commentId`) the council could not take. */
  notice: (commentId: number): string => `notice-c${commentId}`,
};

/**
 * The council marker a body ends with, decoded. Only a marker at the very end
 * counts: the same text quoted or echoed inside a body is not WHOOSH's.
 */
export function findMarker(body: string): { readonly councilId: string; readonly what: string } | undefined {
  const found = findAnyMarker(body);
  return found?.kind === 'council' ? { councilId: found.id, what: found.what } : undefined;
}

/** Whether `body` is the one WHOOSH posted with `marker` (from `councilMarker`). */
export function hasMarker(body: string, exact: string): boolean {
  return endsWithMarker(body, exact);
}

export const withMarker = (body: string, councilId: string, what: string): string => withExactMarker(body, councilMarker(councilId, what));


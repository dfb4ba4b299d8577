/**
 * The hidden markers that make WHOOSH's writes to a forge idempotent. Every
 * comment and issue body WHOOSH posts ends with one, naming the process and
 * what the body is (`<!-- whoosh:council:council:acme/api#7:summary-r1 -->`,
 * `<!-- whoosh:team:<teamId>:formed -->`). An activity retried after a timeout
 * cannot know whether its first attempt reached the forge, so it looks for the
 * marker before writing again.
 *
 * Only WHOOSH's exact form counts, and only at the very end of a body: the
 * same text quoted or echoed inside a body is not a marker. (Which author
 * wrote the body is checked by the forge activities, against WHOOSH's own
 * forge account.) Pure and deterministic.
 */

export type MarkerKind = 'team' | 'council';

/** Characters kept as they are in a marker's id; the rest are %-encoded. */
const ID_SAFE = /[A-Za-z0-9_.:/#@+-]/;
/** The same without `:`, which separates the id from what the body is. */
const WHAT_SAFE = /[A-Za-z0-9_.@+-]/;

function encodePart(s: string, safe: RegExp): string {
  let out = '';
  for (const c of s) {
    // `--` is not allowed inside an HTML comment by older CommonMark renderers.
    if (c === '-' && out.endsWith('-')) out += '%2D';
    else out += safe.test(c) ? c : encodeURIComponent(c);
  }
  return out;
}

/** The marker ending a body about `what` of the process `id` of `kind`. */
export function marker(kind: MarkerKind, id: string, what: string): string {
  return `<!-- whoosh:${kind}:${encodePart(id, ID_SAFE)}:${encodePart(what, WHAT_SAFE)} -->`;
}

const MARKER_AT_END = /<!-- whoosh:(team|council):(\S+):(\S+?) -->\s*$/;

/** The marker a body ends with, decoded; undefined when it ends with none. */
export function findMarker(body: string): { readonly kind: MarkerKind; readonly id: string; readonly what: string } | undefined {
  const m = MARKER_AT_END.exec(body);
  if (!m) return undefined;
  try {
    return { kind: m[1] as MarkerKind, id: decodeURIComponent(m[2]!), what: decodeURIComponent(m[3]!) };
  } catch {
    return undefined;
  }
}

/** Whether `body` is one WHOOSH wrote with `exact` (from `marker`): it ends with it. */
export function endsWithMarker(body: string, exact: string): boolean {
  return body.trimEnd().endsWith(exact);
}

/** `body` ending with `exact`, added unless it ends with it already. */
export function withMarker(body: string, exact: string): string {
  return endsWithMarker(body, exact) ? body.trimEnd() : `${body.trimEnd()}\n\n${exact}`;
}

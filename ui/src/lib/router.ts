/**
 * The dashboard's addresses. Views live at real paths (the API serves the
 * app's shell for any GET it does not know), list filters live in the query
 * string so a filtered list can be bookmarked and Back returns to it.
 * Pure: parsing and building addresses, no history or DOM.
 */

export type Route =
  | { readonly name: 'overview' }
  | { readonly name: 'teams'; readonly params: Readonly<Record<string, string>> }
  | { readonly name: 'team'; readonly id: string }
  | { readonly name: 'councils'; readonly params: Readonly<Record<string, string>> }
  | { readonly name: 'council'; readonly id: string }
  | { readonly name: 'executions'; readonly params: Readonly<Record<string, string>> }
  | { readonly name: 'execution'; readonly workflowId: string; readonly runId?: string }
  | { readonly name: 'agents' }
  | { readonly name: 'repositories' }
  | { readonly name: 'pipelines'; readonly params: Readonly<Record<string, string>> }
  /** id 'new' is a pipeline not saved yet; `execution` opens a past run on the canvas of the version it ran. */
  | { readonly name: 'pipeline'; readonly id: string; readonly execution?: string }
  | { readonly name: 'not-found'; readonly path: string };

export type RouteName = Route['name'];

const paramsOf = (search: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(search)) if (v !== '') out[k] = v;
  return out;
};

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export function parseRoute(pathname: string, search = ''): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return { name: 'overview' };
  const [, section, rest, ...more] = path.split('/');
  const id = rest === undefined ? undefined : decode(rest);
  if (more.length === 0) {
    if (section === 'teams' && rest === undefined) return { name: 'teams', params: paramsOf(search) };
    if (section === 'teams' && id) return { name: 'team', id };
    if (section === 'councils' && rest === undefined) return { name: 'councils', params: paramsOf(search) };
    if (section === 'councils' && id) return { name: 'council', id };
    if (section === 'executions' && rest === undefined) return { name: 'executions', params: paramsOf(search) };
    if (section === 'executions' && id) {
      const runId = new URLSearchParams(search).get('runId') || undefined;
      return { name: 'execution', workflowId: id, ...(runId ? { runId } : {}) };
    }
    if (section === 'agents' && rest === undefined) return { name: 'agents' };
    if (section === 'repositories' && rest === undefined) return { name: 'repositories' };
    if (section === 'pipelines' && rest === undefined) return { name: 'pipelines', params: paramsOf(search) };
    if (section === 'pipelines' && id) {
      const execution = new URLSearchParams(search).get('execution') || undefined;
      return { name: 'pipeline', id, ...(execution ? { execution } : {}) };
    }
  }
  return { name: 'not-found', path: pathname };
}

const withQuery = (path: string, params: Readonly<Record<string, string | number | undefined | null>> = {}): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
};

export const hrefs = {
  overview: () => '/',
  teams: (params: Readonly<Record<string, string | number | undefined | null>> = {}) => withQuery('/teams', params),
  team: (id: string) => `/teams/${encodeURIComponent(id)}`,
  councils: (params: Readonly<Record<string, string | number | undefined | null>> = {}) => withQuery('/councils', params),
  council: (id: string) => `/councils/${encodeURIComponent(id)}`,
  executions: (params: Readonly<Record<string, string | number | undefined | null>> = {}) => withQuery('/executions', params),
  execution: (workflowId: string, runId?: string) => withQuery(`/executions/${encodeURIComponent(workflowId)}`, { runId }),
  agents: () => '/agents',
  repositories: () => '/repositories',
  pipelines: (params: Readonly<Record<string, string | number | undefined | null>> = {}) => withQuery('/pipelines', params),
  pipeline: (id: string, execution?: string) => withQuery(`/pipelines/${encodeURIComponent(id)}`, { execution }),
};

/** The nav section a route belongs to, for aria-current. */
export function sectionOf(route: Route): 'overview' | 'teams' | 'councils' | 'executions' | 'pipelines' | 'agents' | 'repositories' | undefined {
  switch (route.name) {
    case 'overview':
      return 'overview';
    case 'teams':
    case 'team':
      return 'teams';
    case 'councils':
    case 'council':
      return 'councils';
    case 'executions':
    case 'execution':
      return 'executions';
    case 'agents':
      return 'agents';
    case 'repositories':
      return 'repositories';
    case 'pipelines':
    case 'pipeline':
      return 'pipelines';
    case 'not-found':
      return undefined;
  }
}

/**
 * Whether a click on a link should be handled by the app rather than the
 * browser: a plain left click on a same-origin link without a target.
 */
export function isAppNavigation(
  event: { button: number; metaKey: boolean; ctrlKey: boolean; shiftKey: boolean; altKey: boolean; defaultPrevented: boolean },
  anchor: { target: string; hasDownload: boolean; href: string },
  origin: string,
): boolean {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (anchor.target !== '' && anchor.target !== '_self') return false;
  if (anchor.hasDownload) return false;
  let url: URL;
  try {
    url = new URL(anchor.href);
  } catch {
    return false;
  }
  if (url.origin !== origin) return false;
  // The API's own pages (docs, JSON) are not the app's.
  return !/^\/(api|health|webhooks)(\/|$)/.test(url.pathname);
}

/**
 * The Forge interface over Gitea's REST API (v1), through `gitea-js`.
 *
 * Gitea's quirks this adapter absorbs:
 * - issue label endpoints take label IDs, so names are resolved through the
 *   repository's labels (listed once per call that needs them);
 * - the issues list mixes in pull requests unless asked for `type=issues`;
 * - the `labels` filter silently drops names the repository lacks (so it would
 *   widen the result), so a filter naming an unknown label answers nothing;
 * - the server caps page sizes (MAX_RESPONSE_ITEMS, 50 by default) below what
 *   may be asked, so paging ends on `X-Total-Count`, not on a short page;
 * - gitea-js throws the fetch Response itself for an error answer.
 */
import { giteaApi, type Comment as GiteaComment, type Issue as GiteaIssue, type Label as GiteaLabel } from 'gitea-js';
import type { Forge, ForgeComment, ForgeIssue, ForgeLabelSpec, ForgeRepoRef, ListIssuesOptions } from './forge';
import { hasAllLabels, LabelIndex, planLabels, validateLabelSpecs } from './labels';
import { describeNetworkError, forgeErrorFromNetwork, forgeErrorFromStatus, forgeFetch, type ForgeClientOptions } from './retry';

/** Labels are listed in pages of this size (Gitea's usual maximum). */
const LABEL_PAGE_SIZE = 50;
const DEFAULT_PAGE_SIZE = 50;

type NamedLabel = GiteaLabel & { name: string; id: number };

export function createGiteaForge(ref: ForgeRepoRef, opts: ForgeClientOptions = {}): Forge {
  if (ref.kind !== 'gitea') throw new RangeError(`createGiteaForge needs a gitea repository, got kind ${JSON.stringify(ref.kind)}`);
  const root = ref.baseUrl.replace(/\/+$/, '');
  const api = giteaApi(root, { token: ref.token, customFetch: forgeFetch(opts) });
  const { owner, name } = ref;
  const repo = `${owner}/${name}`;

  /** Runs one gitea-js call, turning whatever it throws into a ForgeError. */
  async function call<T>(what: string, request: () => Promise<{ data: T; headers: Headers }>): Promise<{ data: T; headers: Headers }> {
    try {
      return await request();
    } catch (thrown) {
      if (isErrorAnswer(thrown)) {
        const detail = errorMessage(thrown.error) ?? thrown.statusText;
        throw forgeErrorFromStatus(`Gitea ${what} (${repo}): HTTP ${thrown.status}${detail ? ` ${detail}` : ''}`, thrown.status, thrown.headers);
      }
      throw forgeErrorFromNetwork(`Gitea ${what} (${repo}): ${describeNetworkError(thrown)}`, thrown);
    }
  }

  async function repoLabels(): Promise<LabelIndex<NamedLabel>> {
    const all: NamedLabel[] = [];
    for (let page = 1; ; page++) {
      const { data, headers } = await call('list labels', () => api.repos.issueListLabels(owner, name, { page, limit: LABEL_PAGE_SIZE }));
      all.push(...data.filter((l): l is NamedLabel => typeof l.name === 'string' && typeof l.id === 'number'));
      if (isLastPage(data.length, LABEL_PAGE_SIZE, all.length, headers)) break;
    }
    return new LabelIndex(all, 'exact');
  }

  return {
    ref,

    async whoami() {
      const { data } = await call('get the authenticated user', () => api.user.userGetCurrent());
      const login = data.login;
      if (!login) throw forgeErrorFromStatus(`Gitea get the authenticated user (${repo}): the answer names no login`, 502);
      return login;
    },

    async getIssue(number) {
      const { data } = await call(`get issue #${number}`, () => api.repos.issueGetIssue(owner, name, number));
      return toForgeIssue(data);
    },

    async listIssues(options: ListIssuesOptions = {}) {
      checkPageSize(options.pageSize);
      const wanted = options.labels ?? [];
      if (wanted.length > 0) {
        const known = await repoLabels();
        if (wanted.some((label) => !known.get(label))) return [];
      }
      const limit = options.pageSize ?? DEFAULT_PAGE_SIZE;
      const query = {
        type: 'issues' as const,
        state: options.state ?? 'open',
        since: options.since,
        labels: wanted.length > 0 ? wanted.join(',') : undefined,
        limit,
      };
      // Keyed by number: offset paging may show an issue twice when issues change meanwhile.
      const seen = new Map<number, GiteaIssue>();
      let fetched = 0;
      for (let page = 1; ; page++) {
        const { data, headers } = await call('list issues', () => api.repos.issueListIssues(owner, name, { ...query, page }));
        fetched += data.length;
        for (const issue of data) if (typeof issue.number === 'number') seen.set(issue.number, issue);
        if (isLastPage(data.length, limit, fetched, headers)) break;
      }
      return [...seen.values()]
        .map(toForgeIssue)
        .filter((issue) => !issue.isPullRequest && hasAllLabels(issue.labels, wanted, 'exact'));
    },

    async listComments(number) {
      // Gitea answers this one unpaged: every comment at once.
      const { data } = await call(`list comments of #${number}`, () => api.repos.issueGetComments(owner, name, number));
      return data.map(toForgeComment);
    },

    async comment(number, body) {
      const { data } = await call(`comment on #${number}`, () => api.repos.issueCreateComment(owner, name, number, { body }));
      return toForgeComment(data);
    },

    async addLabels(number, names) {
      if (names.length === 0) return;
      const ids = (await repoLabels()).require(names, repo).map((label) => label.id);
      await call(`add labels to #${number}`, () => api.repos.issueAddLabel(owner, name, number, { labels: ids }));
    },

    async removeLabel(number, labelName) {
      const label = (await repoLabels()).get(labelName);
      if (!label) return; // a label the repository lacks is on no issue
      try {
        // Gitea answers 204 whether or not the issue had the label.
        await call(`remove label from #${number}`, () => api.repos.issueRemoveLabel(owner, name, number, label.id));
      } catch (err) {
        // 422: the label was deleted since we looked it up, so the issue lacks it too.
        if ((err as { status?: number }).status === 422) return;
        throw err;
      }
    },

    async createIssue(input) {
      const labels = input.labels?.length ? (await repoLabels()).require(input.labels, repo).map((label) => label.id) : undefined;
      const { data } = await call('create issue', () => api.repos.issueCreateIssue(owner, name, { title: input.title, body: input.body, labels }));
      return toForgeIssue(data);
    },

    async getPullRequestDiff(number) {
      const { data } = await call(`get the diff of pull request #${number}`, () => api.repos.repoDownloadPullDiffOrPatch(owner, name, number, 'diff', undefined, { format: 'text' }));
      return String(data);
    },

    async reviewPullRequest(number, review) {
      const event = { approve: 'APPROVED', requestChanges: 'REQUEST_CHANGES', comment: 'COMMENT' }[review.event];
      const { data } = await call(`review pull request #${number}`, () => api.repos.repoCreatePullReview(owner, name, number, { body: review.body, event }));
      return { id: data.id ?? 0 };
    },

    async editIssue(number, changes) {
      const { data } = await call(`edit issue #${number}`, () => api.repos.issueEditIssue(owner, name, number, changes));
      return toForgeIssue(data);
    },

    async ensureLabels(specs: ForgeLabelSpec[]) {
      const unique = validateLabelSpecs(specs, 'exact');
      if (unique.length === 0) return { created: [], existing: [] };
      const plan = planLabels(unique, await repoLabels());
      const created: string[] = [];
      for (const spec of plan.toCreate) {
        // Older Gitea versions want the '#'; newer ones accept either.
        const body = { name: spec.name, color: `#${spec.color}`, description: spec.description ?? '' };
        await call(`create label ${JSON.stringify(spec.name)}`, () => api.repos.issueCreateLabel(owner, name, body));
        created.push(spec.name);
      }
      return { created, existing: plan.existing };
    },
  };
}

function checkPageSize(pageSize: number | undefined): void {
  if (pageSize !== undefined && !(Number.isInteger(pageSize) && pageSize >= 1)) throw new RangeError(`pageSize must be a whole number >= 1, got ${pageSize}`);
}

/**
 * Whether a page was the last: by `X-Total-Count` when Gitea sends it (the
 * server may serve fewer items per page than asked), else by a short page.
 */
function isLastPage(pageLength: number, asked: number, fetchedSoFar: number, headers: Headers): boolean {
  if (pageLength === 0) return true;
  const total = headers.get('x-total-count');
  if (total !== null && total.trim() !== '' && Number.isFinite(Number(total))) return fetchedSoFar >= Number(total);
  return pageLength < asked;
}

/** gitea-js throws the fetch Response (with the parsed body in `error`) for an error answer. */
function isErrorAnswer(thrown: unknown): thrown is { status: number; statusText: string; headers: Headers; error: unknown } {
  return typeof thrown === 'object' && thrown !== null && typeof (thrown as { status?: unknown }).status === 'number' && 'headers' in thrown;
}

function errorMessage(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

/** Gitea may answer in its server's time zone: WHOOSH keeps UTC. */
function isoTime(value: string | undefined): string {
  if (!value) return '';
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
}

function toForgeIssue(issue: GiteaIssue): ForgeIssue {
  return {
    number: issue.number ?? 0,
    title: issue.title ?? '',
    body: issue.body ?? '',
    state: issue.state === 'closed' ? 'closed' : 'open',
    labels: (issue.labels ?? []).map((label) => label.name ?? '').filter((n) => n !== ''),
    author: issue.user?.login ?? '',
    url: issue.html_url ?? '',
    createdAt: isoTime(issue.created_at),
    updatedAt: isoTime(issue.updated_at),
    isPullRequest: Boolean(issue.pull_request),
  };
}

function toForgeComment(comment: GiteaComment): ForgeComment {
  return {
    id: comment.id ?? 0,
    body: comment.body ?? '',
    author: comment.user?.login ?? '',
    createdAt: isoTime(comment.created_at),
  };
}

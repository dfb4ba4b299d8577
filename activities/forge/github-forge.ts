/**
 * The Forge interface over GitHub's REST API, through `@octokit/rest` v20
 * (the last CommonJS major; it has no retry or throttling plugin, so the
 * policy in retry.ts is the only one).
 *
 * GitHub's quirks this adapter absorbs:
 * - the issues list includes pull requests (they carry a `pull_request` key);
 * - adding an unknown label creates it, so names are checked first: creating
 *   labels is ensureLabels' job alone;
 * - label names match without regard to case;
 * - octokit reports a request that got no answer as an HttpError with status
 *   500 and no `response`: that is a network failure, not a 500.
 */
import { Octokit, type RestEndpointMethodTypes } from '@octokit/rest';
import type { Forge, ForgeComment, ForgeIssue, ForgeLabelSpec, ForgeRepoRef, ListIssuesOptions } from './forge';
import { hasAllLabels, LabelIndex, planLabels, validateLabelSpecs } from './labels';
import { forgeErrorFromNetwork, forgeErrorFromStatus, forgeFetch, type ForgeClientOptions } from './retry';

type GitHubIssue = RestEndpointMethodTypes['issues']['get']['response']['data'];
type GitHubComment = RestEndpointMethodTypes['issues']['getComment']['response']['data'];
type GitHubLabel = RestEndpointMethodTypes['issues']['getLabel']['response']['data'];

/** GitHub's largest page. */
const MAX_PAGE_SIZE = 100;

/** What octokit throws for an error answer or a failed request (RequestError, duck-typed: it is not a direct dependency). */
interface OctokitError {
  readonly name: string;
  readonly message: string;
  readonly status: number;
  readonly response?: { readonly headers: Record<string, string | number | undefined> };
}

const isOctokitError = (e: unknown): e is OctokitError =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'HttpError' && typeof (e as { status?: unknown }).status === 'number';

export function createGitHubForge(ref: ForgeRepoRef, opts: ForgeClientOptions = {}): Forge {
  if (ref.kind !== 'github') throw new RangeError(`createGitHubForge needs a github repository, got kind ${JSON.stringify(ref.kind)}`);
  const octokit = new Octokit({
    auth: ref.token,
    baseUrl: ref.baseUrl.replace(/\/+$/, ''),
    userAgent: 'whoosh',
    request: { fetch: forgeFetch(opts) },
    // Octokit's default logger prints debug/info lines to the console.
    log: { debug: () => undefined, info: () => undefined, warn: console.warn, error: console.error },
  });
  const { owner, name: repo } = ref;
  const full = `${owner}/${repo}`;

  async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (thrown) {
      if (isOctokitError(thrown) && thrown.response) {
        const headers = thrown.response.headers;
        const get = (h: string): string | null => (headers[h] === undefined ? null : String(headers[h]));
        throw forgeErrorFromStatus(`GitHub ${what} (${full}): HTTP ${thrown.status} ${thrown.message}`, thrown.status, { get });
      }
      const message = (thrown as { message?: unknown } | null)?.message;
      throw forgeErrorFromNetwork(`GitHub ${what} (${full}): ${typeof message === 'string' ? message : String(thrown)}`, thrown);
    }
  }

  async function repoLabels(): Promise<LabelIndex<GitHubLabel>> {
    const labels = await call('list labels', () => octokit.paginate(octokit.rest.issues.listLabelsForRepo, { owner, repo, per_page: MAX_PAGE_SIZE }));
    return new LabelIndex(labels, 'case-insensitive');
  }

  return {
    ref,

    async whoami() {
      const { data } = await call('get the authenticated user', () => octokit.rest.users.getAuthenticated());
      return data.login;
    },

    async getIssue(number) {
      const { data } = await call(`get issue #${number}`, () => octokit.rest.issues.get({ owner, repo, issue_number: number }));
      return toForgeIssue(data);
    },

    async listIssues(options: ListIssuesOptions = {}) {
      if (options.pageSize !== undefined && !(Number.isInteger(options.pageSize) && options.pageSize >= 1)) {
        throw new RangeError(`pageSize must be a whole number >= 1, got ${options.pageSize}`);
      }
      const wanted = options.labels ?? [];
      const issues = await call('list issues', () =>
        octokit.paginate(octokit.rest.issues.listForRepo, {
          owner,
          repo,
          state: options.state ?? 'open',
          since: options.since,
          labels: wanted.length > 0 ? wanted.join(',') : undefined,
          per_page: Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE),
        }),
      );
      // Keyed by number: offset paging may show an issue twice when issues change meanwhile.
      const byNumber = new Map(issues.map((issue) => [issue.number, issue]));
      return [...byNumber.values()]
        .map(toForgeIssue)
        .filter((issue) => !issue.isPullRequest && hasAllLabels(issue.labels, wanted, 'case-insensitive'));
    },

    async listComments(number) {
      const comments = await call(`list comments of #${number}`, () =>
        octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: MAX_PAGE_SIZE }),
      );
      return comments.map(toForgeComment);
    },

    async comment(number, body) {
      const { data } = await call(`comment on #${number}`, () => octokit.rest.issues.createComment({ owner, repo, issue_number: number, body }));
      return toForgeComment(data);
    },

    async addLabels(number, names) {
      if (names.length === 0) return;
      const labels = (await repoLabels()).require(names, full).map((label) => label.name);
      await call(`add labels to #${number}`, () => octokit.rest.issues.addLabels({ owner, repo, issue_number: number, labels }));
    },

    async removeLabel(number, labelName) {
      try {
        await call(`remove label from #${number}`, () => octokit.rest.issues.removeLabel({ owner, repo, issue_number: number, name: labelName }));
      } catch (err) {
        // GitHub answers 404 "Label does not exist" when the issue lacks the label.
        if ((err as { status?: number }).status === 404) return;
        throw err;
      }
    },

    async createIssue(input) {
      const labels = input.labels?.length ? (await repoLabels()).require(input.labels, full).map((label) => label.name) : undefined;
      const { data } = await call('create issue', () => octokit.rest.issues.create({ owner, repo, title: input.title, body: input.body, labels }));
      return toForgeIssue(data);
    },

    async getPullRequestDiff(number) {
      const data = await call(`get the diff of pull request #${number}`, async () => (await octokit.rest.pulls.get({ owner, repo, pull_number: number, mediaType: { format: 'diff' } })).data);
      return String(data);
    },

    async reviewPullRequest(number, review) {
      const event = ({ approve: 'APPROVE', requestChanges: 'REQUEST_CHANGES', comment: 'COMMENT' } as const)[review.event];
      const { data } = await call(`review pull request #${number}`, () => octokit.rest.pulls.createReview({ owner, repo, pull_number: number, body: review.body, event }));
      return { id: data.id };
    },

    async editIssue(number, changes) {
      const { data } = await call(`edit issue #${number}`, () => octokit.rest.issues.update({ owner, repo, issue_number: number, ...changes }));
      return toForgeIssue(data);
    },

    async ensureLabels(specs: ForgeLabelSpec[]) {
      const unique = validateLabelSpecs(specs, 'case-insensitive');
      if (unique.length === 0) return { created: [], existing: [] };
      const plan = planLabels(unique, await repoLabels());
      const created: string[] = [];
      const existing = [...plan.existing];
      for (const spec of plan.toCreate) {
        try {
          await call(`create label ${JSON.stringify(spec.name)}`, () =>
            octokit.rest.issues.createLabel({ owner, repo, name: spec.name, color: spec.color, description: spec.description }),
          );
          created.push(spec.name);
        } catch (err) {
          // 422 already_exists: another worker created it since we listed.
          if ((err as { status?: number }).status === 422 && /already_exists/.test((err as Error).message)) existing.push(spec.name);
          else throw err;
        }
      }
      return { created, existing };
    },
  };
}

function toForgeIssue(issue: GitHubIssue): ForgeIssue {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? '',
    state: issue.state === 'closed' ? 'closed' : 'open',
    labels: issue.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))).filter((n) => n !== ''),
    author: issue.user?.login ?? '',
    url: issue.html_url,
    createdAt: new Date(issue.created_at).toISOString(),
    updatedAt: new Date(issue.updated_at).toISOString(),
    isPullRequest: Boolean(issue.pull_request),
  };
}

function toForgeComment(comment: GitHubComment): ForgeComment {
  return {
    id: comment.id,
    body: comment.body ?? '',
    author: comment.user?.login ?? '',
    createdAt: new Date(comment.created_at).toISOString(),
  };
}

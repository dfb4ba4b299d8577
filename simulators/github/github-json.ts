/**
 * JSON as GitHub's REST API shapes it: users, repositories, labels, issues,
 * pull requests, comments and hooks, for the simulator's answers and webhook
 * payloads.
 */
import { forgeTime, labelsOf } from '../forge-records';
import { nodeId, type CommentRec, type HookRec, type IssueRec, type LabelRec, type RepoRec } from './github-records';

export class GitHubJson {
  constructor(
    /** The API base URL. */
    private readonly url: () => string,
    /** The web UI's base URL (html_url). */
    private readonly html: () => string,
    private readonly userId: (login: string) => number,
  ) {}

  userJson(login: string): Record<string, unknown> {
    const id = this.userId(login);
    const api = `${this.url()}/users/${login}`;
    return {
      login,
      id,
      node_id: nodeId('U', id),
      avatar_url: `${this.html()}/avatars/u/${id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `${this.html()}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: 'User',
      user_view_type: 'public',
      site_admin: false,
    };
  }

  repoJson(repo: RepoRec): Record<string, unknown> {
    const api = `${this.url()}/repos/${repo.owner}/${repo.name}`;
    const html = `${this.html()}/${repo.owner}/${repo.name}`;
    const openIssues = [...repo.issues.values()].filter((i) => i.state === 'open').length;
    return {
      id: repo.id,
      node_id: nodeId('R', repo.id),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      private: false,
      owner: this.userJson(repo.owner),
      html_url: html,
      description: null,
      fork: false,
      url: api,
      issues_url: `${api}/issues{/number}`,
      labels_url: `${api}/labels{/name}`,
      hooks_url: `${api}/hooks`,
      created_at: forgeTime(repo.createdAt),
      updated_at: forgeTime(repo.createdAt),
      pushed_at: forgeTime(repo.createdAt),
      git_url: `git://${new URL(this.html()).host}/${repo.owner}/${repo.name}.git`,
      ssh_url: `git@${new URL(this.html()).hostname}:${repo.owner}/${repo.name}.git`,
      clone_url: `${html}.git`,
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_wiki: true,
      has_pages: false,
      has_discussions: false,
      forks_count: 0,
      archived: false,
      disabled: false,
      open_issues_count: openIssues,
      license: null,
      allow_forking: true,
      is_template: false,
      topics: [],
      visibility: 'public',
      forks: 0,
      open_issues: openIssues,
      watchers: 0,
      default_branch: 'main',
    };
  }

  labelJson(repo: RepoRec, label: LabelRec): Record<string, unknown> {
    return {
      id: label.id,
      node_id: nodeId('LA', label.id),
      url: `${this.url()}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description === '' ? null : label.description,
    };
  }

  issueJson(repo: RepoRec, issue: IssueRec): Record<string, unknown> {
    const api = `${this.url()}/repos/${repo.owner}/${repo.name}`;
    const html = `${this.html()}/${repo.owner}/${repo.name}/${issue.isPull ? 'pull' : 'issues'}/${issue.number}`;
    return {
      url: `${api}/issues/${issue.number}`,
      repository_url: api,
      labels_url: `${api}/issues/${issue.number}/labels{/name}`,
      comments_url: `${api}/issues/${issue.number}/comments`,
      events_url: `${api}/issues/${issue.number}/events`,
      html_url: html,
      id: issue.id,
      node_id: nodeId(issue.isPull ? 'PR' : 'I', issue.id),
      number: issue.number,
      title: issue.title,
      user: this.userJson(issue.author),
      labels: labelsOf(repo, issue).map((l) => this.labelJson(repo, l)),
      state: issue.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: issue.comments.length,
      created_at: forgeTime(issue.createdAt),
      updated_at: forgeTime(issue.updatedAt),
      closed_at: issue.closedAt === null ? null : forgeTime(issue.closedAt),
      author_association: issue.author === repo.owner ? 'OWNER' : 'NONE',
      active_lock_reason: null,
      ...(issue.isPull
        ? {
            draft: false,
            pull_request: { url: `${api}/pulls/${issue.number}`, html_url: html, diff_url: `${html}.diff`, patch_url: `${html}.patch`, merged_at: issue.pull?.mergedAt ? forgeTime(issue.pull.mergedAt) : null },
          }
        : {}),
      body: issue.body === '' ? null : issue.body,
      closed_by: null,
      timeline_url: `${api}/issues/${issue.number}/timeline`,
      performed_via_github_app: null,
      state_reason: issue.state === 'closed' ? 'completed' : null,
    };
  }

  /** A pull request as GET /repos/{owner}/{repo}/pulls/{number} and the pull_request webhook show it. */
  pullJson(repo: RepoRec, pull: IssueRec): Record<string, unknown> {
    const p = pull.pull!;
    const api = `${this.url()}/repos/${repo.owner}/${repo.name}`;
    const issue = this.issueJson(repo, pull);
    const branch = (ref: string, sha: string) => ({ label: `${repo.owner}:${ref}`, ref, sha, user: this.userJson(repo.owner), repo: this.repoJson(repo) });
    return {
      url: `${api}/pulls/${pull.number}`,
      id: pull.id,
      node_id: issue.node_id,
      html_url: issue.html_url,
      diff_url: `${String(issue.html_url)}.diff`,
      patch_url: `${String(issue.html_url)}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: issue.user,
      body: issue.body,
      labels: issue.labels,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      merged_at: p.mergedAt === null ? null : forgeTime(p.mergedAt),
      merge_commit_sha: p.mergeSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      draft: false,
      head: branch(p.headRef, p.headSha),
      base: branch(p.baseRef, p.mergeSha ?? p.headSha),
      author_association: issue.author_association,
      merged: p.merged,
      mergeable: p.merged || pull.state === 'closed' ? null : true,
      merged_by: p.mergedBy === null ? null : this.userJson(p.mergedBy),
      comments: pull.comments.length,
      review_comments: 0,
      commits: 1,
    };
  }

  commentJson(repo: RepoRec, issue: IssueRec, comment: CommentRec): Record<string, unknown> {
    const api = `${this.url()}/repos/${repo.owner}/${repo.name}`;
    return {
      url: `${api}/issues/comments/${comment.id}`,
      html_url: `${this.html()}/${repo.owner}/${repo.name}/issues/${issue.number}#issuecomment-${comment.id}`,
      issue_url: `${api}/issues/${issue.number}`,
      id: comment.id,
      node_id: nodeId('IC', comment.id),
      user: this.userJson(comment.author),
      created_at: forgeTime(comment.createdAt),
      updated_at: forgeTime(comment.updatedAt),
      author_association: comment.author === repo.owner ? 'OWNER' : 'NONE',
      body: comment.body,
      performed_via_github_app: null,
    };
  }

  hookJson(repo: RepoRec, hook: HookRec): Record<string, unknown> {
    const url = `${this.url()}/repos/${repo.owner}/${repo.name}/hooks/${hook.id}`;
    return {
      type: 'Repository',
      id: hook.id,
      name: 'web',
      active: hook.active,
      events: hook.events,
      // GitHub masks the secret.
      config: { content_type: hook.contentType, insecure_ssl: '0', url: hook.url, ...(hook.secret === '' ? {} : { secret: '********' }) },
      updated_at: forgeTime(hook.createdAt),
      created_at: forgeTime(hook.createdAt),
      url,
      test_url: `${url}/test`,
      ping_url: `${url}/pings`,
      deliveries_url: `${url}/deliveries`,
      last_response: { code: null, status: 'unused', message: null },
    };
  }
}

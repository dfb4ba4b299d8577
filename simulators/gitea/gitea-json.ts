/**
 * JSON as Gitea shapes it (services/convert): users, repositories, labels,
 * issues, pull requests, comments and hooks, for the simulator's API answers
 * and webhook payloads.
 */
import { forgeTime, labelsOf } from '../forge-records';
import type { CommentRec, HookRec, IssueRec, LabelRec, RepoRec } from './gitea-records';

export class GiteaJson {
  constructor(
    private readonly url: () => string,
    private readonly userId: (login: string) => number,
  ) {}


  userJson(login: string): Record<string, unknown> {
    const id = this.userId(login);
    return {
      id,
      login,
      login_name: '',
      source_id: 0,
      full_name: '',
      email: `${login}@noreply.localhost`,
      avatar_url: `${this.url()}/avatars/${id}`,
      html_url: `${this.url()}/${login}`,
      language: '',
      is_admin: false,
      last_login: '0001-01-01T00:00:00Z',
      created: forgeTime(Date.UTC(2025, 0, 1)),
      restricted: false,
      active: false,
      prohibit_login: false,
      location: '',
      website: '',
      description: '',
      visibility: 'public',
      followers_count: 0,
      following_count: 0,
      starred_repos_count: 0,
      username: login,
    };
  }

  repoJson(repo: RepoRec): Record<string, unknown> {
    const html = `${this.url()}/${repo.owner}/${repo.name}`;
    const openIssues = [...repo.issues.values()].filter((i) => !i.isPull && i.state === 'open').length;
    const openPulls = [...repo.issues.values()].filter((i) => i.isPull && i.state === 'open').length;
    return {
      id: repo.id,
      owner: this.userJson(repo.owner),
      name: repo.name,
      full_name: `${repo.owner}/${repo.name}`,
      description: '',
      empty: false,
      private: false,
      fork: false,
      template: false,
      parent: null,
      mirror: false,
      size: 0,
      language: '',
      languages_url: `${this.url()}/api/v1/repos/${repo.owner}/${repo.name}/languages`,
      html_url: html,
      url: `${this.url()}/api/v1/repos/${repo.owner}/${repo.name}`,
      link: '',
      ssh_url: `git@${new URL(this.url()).hostname}:${repo.owner}/${repo.name}.git`,
      clone_url: `${html}.git`,
      original_url: '',
      website: '',
      stars_count: 0,
      forks_count: 0,
      watchers_count: 1,
      open_issues_count: openIssues,
      open_pr_counter: openPulls,
      release_counter: 0,
      default_branch: 'main',
      archived: false,
      created_at: forgeTime(repo.createdAt),
      updated_at: forgeTime(repo.createdAt),
      archived_at: '1970-01-01T00:00:00Z',
      permissions: { admin: true, push: true, pull: true },
      has_issues: true,
      internal_tracker: { enable_time_tracker: true, allow_only_contributors_to_track_time: true, enable_issue_dependencies: true },
      has_wiki: true,
      has_pull_requests: true,
      has_projects: true,
      has_releases: true,
      has_packages: true,
      has_actions: true,
      ignore_whitespace_conflicts: false,
      allow_merge_commits: true,
      allow_rebase: true,
      allow_rebase_explicit: true,
      allow_squash_merge: true,
      default_merge_style: 'merge',
      avatar_url: '',
      internal: false,
      mirror_interval: '',
      object_format_name: 'sha1',
      mirror_updated: '0001-01-01T00:00:00Z',
      repo_transfer: null,
      topics: null,
      licenses: null,
    };
  }

  labelJson(repo: RepoRec, label: LabelRec): Record<string, unknown> {
    return {
      id: label.id,
      name: label.name,
      exclusive: label.exclusive,
      is_archived: false,
      color: label.color,
      description: label.description,
      url: `${this.url()}/api/v1/repos/${repo.owner}/${repo.name}/labels/${label.id}`,
    };
  }

  issueJson(repo: RepoRec, issue: IssueRec): Record<string, unknown> {
    const base = `${this.url()}/${repo.owner}/${repo.name}`;
    return {
      id: issue.id,
      url: `${this.url()}/api/v1/repos/${repo.owner}/${repo.name}/issues/${issue.number}`,
      html_url: `${base}/${issue.isPull ? 'pulls' : 'issues'}/${issue.number}`,
      number: issue.number,
      user: this.userJson(issue.author),
      original_author: '',
      original_author_id: 0,
      title: issue.title,
      body: issue.body,
      ref: '',
      assets: [],
      labels: labelsOf(repo, issue).map((l) => this.labelJson(repo, l)),
      milestone: null,
      assignee: null,
      assignees: null,
      state: issue.state,
      is_locked: false,
      comments: issue.comments.length,
      created_at: forgeTime(issue.createdAt),
      updated_at: forgeTime(issue.updatedAt),
      closed_at: issue.closedAt === null ? null : forgeTime(issue.closedAt),
      due_date: null,
      pull_request: issue.pull
        ? { merged: issue.pull.merged, merged_at: issue.pull.mergedAt === null ? null : forgeTime(issue.pull.mergedAt), draft: false, html_url: `${base}/pulls/${issue.number}` }
        : null,
      repository: { id: repo.id, name: repo.name, owner: repo.owner, full_name: `${repo.owner}/${repo.name}` },
      pin_order: 0,
    };
  }

  /** api.PullRequest (services/convert/pull.go), the parts a webhook receiver reads and their neighbours. */
  pullJson(repo: RepoRec, pull: IssueRec): Record<string, unknown> {
    const p = pull.pull!;
    const base = `${this.url()}/${repo.owner}/${repo.name}`;
    const issue = this.issueJson(repo, pull);
    const branch = (ref: string, sha: string) => ({ label: ref, ref, sha, repo_id: repo.id, repo: this.repoJson(repo) });
    return {
      id: issue.id,
      url: `${base}/pulls/${pull.number}`,
      number: pull.number,
      user: issue.user,
      title: pull.title,
      body: pull.body,
      labels: issue.labels,
      milestone: null,
      assignee: null,
      assignees: null,
      requested_reviewers: null,
      state: pull.state,
      draft: false,
      is_locked: false,
      comments: pull.comments.length,
      html_url: `${base}/pulls/${pull.number}`,
      diff_url: `${base}/pulls/${pull.number}.diff`,
      patch_url: `${base}/pulls/${pull.number}.patch`,
      mergeable: !p.merged && pull.state === 'open',
      merged: p.merged,
      merged_at: p.mergedAt === null ? null : forgeTime(p.mergedAt),
      merge_commit_sha: p.mergeSha,
      merged_by: p.mergedBy === null ? null : this.userJson(p.mergedBy),
      allow_maintainer_edit: false,
      base: branch(p.baseRef, p.mergeSha ?? p.headSha),
      head: branch(p.headRef, p.headSha),
      merge_base: p.headSha,
      due_date: null,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      pin_order: 0,
    };
  }

  commentJson(repo: RepoRec, issue: IssueRec, comment: CommentRec): Record<string, unknown> {
    const base = `${this.url()}/${repo.owner}/${repo.name}`;
    return {
      id: comment.id,
      html_url: `${base}/issues/${issue.number}#issuecomment-${comment.id}`,
      pull_request_url: issue.isPull ? `${base}/pulls/${issue.number}` : '',
      issue_url: issue.isPull ? '' : `${base}/issues/${issue.number}`,
      user: this.userJson(comment.author),
      original_author: '',
      original_author_id: 0,
      body: comment.body,
      assets: [],
      created_at: forgeTime(comment.createdAt),
      updated_at: forgeTime(comment.updatedAt),
    };
  }

  hookJson(hook: HookRec): Record<string, unknown> {
    return {
      id: hook.id,
      type: hook.type,
      branch_filter: hook.branchFilter,
      // Gitea never shows the secret back.
      config: { content_type: hook.contentType, url: hook.url },
      events: hook.events,
      authorization_header: '',
      active: hook.active,
      updated_at: forgeTime(hook.createdAt),
      created_at: forgeTime(hook.createdAt),
    };
  }
}

/**
 * What a forge event means for WHOOSH: start a team formation, start a council
 * kickoff, tell a running workflow the issue closed, pass on a command from a
 * comment, or nothing. Pure: webhooks and the periodic sync both decide with
 * it, and both derive the same workflow ids, so an issue seen by both paths
 * (or delivered twice) reaches one workflow.
 */
import { FAILED_LABEL } from '../status-labels';
import type { IssueKind } from '../kinds';

export interface IntakeRules {
  readonly taskLabel: string;
  readonly councilLabel: string;
  readonly councilTitle: string;
  readonly permittedUsers: readonly string[];
}

export interface RepoKey {
  readonly owner: string;
  readonly name: string;
}

/** A forge event, normalised from Gitea's or GitHub's payload. */
export interface IssueEvent {
  readonly kind: 'issue' | 'comment';
  /** opened, closed, reopened, edited, labeled, unlabeled, label_updated, label_cleared, created, ... */
  readonly action: string;
  readonly repo: RepoKey;
  readonly issue: {
    readonly number: number;
    readonly title: string;
    readonly state: 'open' | 'closed';
    /** The issue's labels now (label events may not say which one changed). */
    readonly labels: readonly string[];
    readonly author: string;
    readonly url: string;
    readonly isPullRequest: boolean;
  };
  readonly sender: string;
  readonly comment?: { readonly id: number; readonly body: string; readonly author: string };
}

export type WorkflowKind = IssueKind;

export interface IssueRef {
  readonly owner: string;
  readonly name: string;
  readonly number: number;
  readonly title: string;
  readonly labels: readonly string[];
  readonly url: string;
  readonly author: string;
}

export type ForgeCommandName = 'approve' | 'revise' | 'cancel';

export type Intent =
  | { readonly type: 'start'; readonly kind: WorkflowKind; readonly workflowId: string; readonly workflowType: string; readonly issue: IssueRef }
  | { readonly type: 'signal-closed'; readonly workflowIds: string[]; readonly closedBy: string }
  | { readonly type: 'command'; readonly workflowIds: string[]; readonly command: ForgeCommandName; readonly text: string; readonly user: string; readonly commentId: number }
  | { readonly type: 'ignore'; readonly reason: string };

export const WORKFLOW_TYPES: Record<WorkflowKind, string> = { team: 'teamFormation', council: 'councilKickoff' };

export function workflowIdFor(kind: WorkflowKind, repo: RepoKey, issue: number): string {
  return `${kind}:${repo.owner}/${repo.name}#${issue}`;
}

const LABEL_ACTIONS = new Set(['labeled', 'unlabeled', 'label_updated', 'label_cleared']);
const START_ACTIONS = new Set(['opened', 'reopened', 'edited', ...LABEL_ACTIONS]);

/**
 * The label a failed workflow leaves on its issue. While it is there, events
 * start nothing: a failed run may be started again (by its id's reuse policy),
 * and without this hold every later event — the failure label itself, the
 * periodic sync — would run the failing formation again. Removing the label is
 * how a person asks for another try.
 */

/** Which workflow, if any, an issue in its current state calls for. */
export function kindForIssue(issue: Pick<IssueEvent['issue'], 'title' | 'labels' | 'isPullRequest' | 'state'>, rules: IntakeRules): WorkflowKind | undefined {
  if (issue.isPullRequest || issue.state !== 'open') return undefined;
  const has = (label: string): boolean => issue.labels.some((l) => l.toLowerCase() === label.toLowerCase());
  if (has(FAILED_LABEL)) return undefined;
  if (has(rules.councilLabel) && issue.title.toLowerCase().includes(rules.councilTitle.toLowerCase())) return 'council';
  if (has(rules.taskLabel)) return 'team';
  return undefined;
}

const COMMAND = /^\/(approve|revise|cancel)\b[ \t]*(.*)$/m;

export function parseCommand(body: string): { command: ForgeCommandName; text: string } | undefined {
  const m = COMMAND.exec(body.trim());
  if (!m) return undefined;
  return { command: m[1] as ForgeCommandName, text: m[2]!.trim() };
}

export function routeEvent(event: IssueEvent, rules: IntakeRules): Intent {
  const { repo, issue } = event;
  if (issue.isPullRequest) return { type: 'ignore', reason: 'pull request' };
  const both = [workflowIdFor('council', repo, issue.number), workflowIdFor('team', repo, issue.number)];

  if (event.kind === 'comment') {
    if (event.action !== 'created' || !event.comment) return { type: 'ignore', reason: `comment ${event.action}` };
    const parsed = parseCommand(event.comment.body);
    if (!parsed) return { type: 'ignore', reason: 'comment without a command' };
    const user = event.comment.author;
    const permitted = user === issue.author || rules.permittedUsers.some((u) => u.toLowerCase() === user.toLowerCase());
    if (!permitted) return { type: 'ignore', reason: `/${parsed.command} from ${user}, who is not permitted` };
    return { type: 'command', workflowIds: both, command: parsed.command, text: parsed.text, user, commentId: event.comment.id };
  }

  if (event.action === 'closed') return { type: 'signal-closed', workflowIds: both, closedBy: event.sender };
  if (!START_ACTIONS.has(event.action)) return { type: 'ignore', reason: `issue ${event.action}` };
  const kind = kindForIssue(issue, rules);
  if (!kind) {
    const held = issue.labels.some((l) => l.toLowerCase() === FAILED_LABEL);
    return { type: 'ignore', reason: held ? `the issue is labelled ${FAILED_LABEL}: remove the label to try again` : `no ${rules.taskLabel} label (or Design Brief) on the issue` };
  }
  return {
    type: 'start',
    kind,
    workflowId: workflowIdFor(kind, repo, issue.number),
    workflowType: WORKFLOW_TYPES[kind],
    issue: { owner: repo.owner, name: repo.name, number: issue.number, title: issue.title, labels: [...issue.labels], url: issue.url, author: issue.author },
  };
}

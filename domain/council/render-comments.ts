/** The council's comments on the brief (summary, reminder, expiry, failure, notices, approval) and the task issues a plan becomes. */
import { ARTIFACT_TITLES, type KickoffPlan, type MemberArtifact, type PlanTask } from './artifacts';
import { COUNCIL_ROLES, type CouncilRoleId } from './compose-council';
import { markerWhat, withMarker } from './council-markers';
import { heading, join, plural, points, roleTitle, table } from './markdown-blocks';
import { renderArtifact, renderPlan, summarizeArtifact } from './render-artifacts';
import { safeText } from '../../domain/forge-text';

export interface BriefRef {
  readonly number: number;
  readonly title: string;
}

/** One council member's outcome in a round. */
export interface MemberOutcome {
  readonly role: CouncilRoleId;
  /** Why the member is on the council (from `composeCouncil`). */
  readonly reasons?: readonly string[];
  /** The node and model that answered; absent when no node did. */
  readonly nodeId?: string;
  readonly model?: string;
  readonly artifact?: MemberArtifact;
  /** Why there is no artifact: the call failed, or the answer stayed invalid after its repair. */
  readonly error?: string;
}

export interface SummaryCommentInput {
  readonly councilId: string;
  /** 1 for the first plan; each `/revise` starts the next round. */
  readonly round: number;
  readonly brief: BriefRef;
  readonly members: readonly MemberOutcome[];
  readonly plan: KickoffPlan;
  /** The node and model the synthesis ran on. */
  readonly synthesis?: { readonly nodeId: string; readonly model: string };
  /** The `/revise` feedback this round answers. */
  readonly feedback?: { readonly text: string; readonly by: string };
  readonly links?: { readonly dashboard?: string; readonly workflow?: string };
  /** Hours left before the kickoff expires without an answer. */
  readonly expiresInHours?: number;
}

/**
 * GitHub refuses comments over 65,536 characters. Past this size the full
 * artifacts are left out of the comment (they stay on the dashboard).
 */
export const COMMENT_LIMIT = 60_000;

/** "about 3 days", "5 hours": deterministic, from a number the workflow computed. */
export function formatHours(hours: number): string {
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return plural(Math.round(hours), 'hour');
  return `about ${plural(Math.round(hours / 24), 'day')}`;
}

const HOW_TO_RESPOND = [
  'Reply to this issue with a comment that starts with:',
  '',
  '- `/approve` — create the task issues above; each one starts a team formation',
  '- `/revise <feedback>` — the council takes another round with your feedback',
  '- `/cancel` — end this kickoff; nothing is created',
  '',
  'Only the brief’s author and permitted users can answer.',
].join('\n');

function memberRow(m: MemberOutcome): string[] {
  const why = m.reasons === undefined || m.reasons.length === 0 ? '' : m.reasons.join('; ');
  return [roleTitle(m.role), why, m.nodeId ?? '—', m.model ?? '—'];
}

const firstParagraph = (text: string): string => text.trim().split(/\n\s*\n/)[0]!;

function memberSection(m: MemberOutcome, withDetails: boolean): string {
  const title = heading(4, `${ARTIFACT_TITLES[COUNCIL_ROLES[m.role].artifact]} — ${roleTitle(m.role)}`);
  if (m.artifact === undefined) return join(title, `_No artifact: ${safeText(m.error ?? 'the member did not answer')}._`);
  const full = withDetails ? `<details><summary>Full ${ARTIFACT_TITLES[m.artifact.kind].toLowerCase()}</summary>\n\n${renderArtifact(m.artifact, 5)}\n\n</details>` : '';
  return join(title, safeText(firstParagraph(m.artifact.value.summary)), `_${summarizeArtifact(m.artifact)}_`, full);
}

/** The one comment on the brief that presents a round's plan and asks for a decision. */
export function renderSummaryComment(input: SummaryCommentInput): string {
  const render = (withDetails: boolean): string => {
    const intro =
      input.round === 1
        ? `The council has deliberated on **${safeText(input.brief.title)}** and proposes this kickoff plan.`
        : `Round ${input.round}: the council revised its kickoff plan for **${safeText(input.brief.title)}**.`;
    const feedback = input.feedback === undefined ? '' : `> Feedback from \`@${input.feedback.by}\`: ${safeText(input.feedback.text).replace(/\s*\r?\n\s*/g, ' ')}`;
    const synthesis = input.synthesis === undefined ? '' : `Plan synthesized by the engineering lead on \`${input.synthesis.nodeId}\` (\`${input.synthesis.model}\`).`;
    const links = [input.links?.dashboard && `[Dashboard](${input.links.dashboard})`, input.links?.workflow && `[Workflow history](${input.links.workflow})`].filter(Boolean).join(' · ');
    const omitted = withDetails ? '' : '_The full artifacts are too long for one comment; they are on the dashboard._';
    const expiry = input.expiresInHours === undefined ? '' : `Without an answer, this kickoff expires in ${formatHours(input.expiresInHours)} and nothing is created.`;
    return join(
      heading(2, `Council kickoff plan${input.round > 1 ? ` (round ${input.round})` : ''}`),
      intro,
      feedback,
      heading(3, 'Council'),
      table(['Role', 'Why', 'Node', 'Model'], input.members.map(memberRow)),
      heading(3, 'Artifacts'),
      omitted,
      ...input.members.map((m) => memberSection(m, withDetails)),
      heading(3, 'Kickoff plan'),
      renderPlan(input.plan, 4),
      synthesis,
      heading(3, 'How to respond'),
      HOW_TO_RESPOND,
      expiry,
      links,
    );
  };
  const full = render(true);
  return withMarker(full.length <= COMMENT_LIMIT ? full : render(false), input.councilId, markerWhat.summary(input.round));
}

export interface ReminderCommentInput {
  readonly councilId: string;
  readonly round: number;
  /** 1 for the first reminder of the round, 2 for the next... */
  readonly reminder: number;
  /** Login to notify, usually the brief's author. */
  readonly mention?: string;
  readonly expiresInHours?: number;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export function renderReminderComment(input: ReminderCommentInput): string {
  // This one pings on purpose; a login that is not one is left out rather than rendered.
  const who = input.mention !== undefined && LOGIN.test(input.mention) ? `@${input.mention}, the` : 'The';
  const expiry = input.expiresInHours === undefined ? '' : ` Without an answer, it expires in ${formatHours(input.expiresInHours)} and nothing is created.`;
  const body = [
    `${who} council’s kickoff plan${input.round > 1 ? ` (round ${input.round})` : ''} above is waiting for an answer.${expiry}`,
    '',
    'Reply with `/approve`, `/revise <feedback>` or `/cancel`.',
  ].join('\n');
  return withMarker(body, input.councilId, markerWhat.reminder(input.round, input.reminder));
}

export interface ExpiryCommentInput {
  readonly councilId: string;
  /** How long the plan waited for an answer. */
  readonly waitedHours: number;
}

export function renderExpiryComment(input: ExpiryCommentInput): string {
  const body = [
    `No answer to the council’s kickoff plan came in ${formatHours(input.waitedHours)}, so this kickoff has expired. No task issues were created.`,
    '',
    'To convene a council again, open a new Design Brief.',
  ].join('\n');
  return withMarker(body, input.councilId, markerWhat.expiry());
}

export interface FailedCommentInput {
  readonly councilId: string;
  readonly round: number;
  /** What went wrong, e.g. the quorum message naming the members and their errors. */
  readonly error: string;
  /** When an earlier round's plan stands (a revision failed): its round. */
  readonly planStands?: number;
  /** The label to remove to convene the council again (when nothing stands). */
  readonly failedLabel?: string;
}

/** The council could not produce a plan in a round: why, and what happens now. */
export function renderFailedComment(input: FailedCommentInput): string {
  const what = input.round === 1 ? 'could not produce a kickoff plan' : `could not revise its kickoff plan (round ${input.round})`;
  const next =
    input.planStands !== undefined
      ? `The plan of round ${input.planStands} above still stands: reply with \`/approve\`, \`/revise <feedback>\` or \`/cancel\`.`
      : `No task issues were created.${input.failedLabel ? ` Remove the \`${input.failedLabel}\` label to convene the council again.` : ''}`;
  const body = [`The council ${what}: ${safeText(input.error).replace(/\s*\r?\n\s*/g, ' ')}`, '', next].join('\n');
  return withMarker(body, input.councilId, markerWhat.failed(input.round));
}

/** A short reply to a command the council could not take, e.g. a /revise without feedback. */
export function renderNoticeComment(input: { readonly councilId: string; readonly commentId: number; readonly command: string; readonly user: string; readonly problem: string }): string {
  const who = LOGIN.test(input.user) ? `\`@${input.user}\`` : 'Your';
  const body = `${who === 'Your' ? 'Your' : `${who}, your`} \`/${input.command}\` was not taken: ${safeText(input.problem)}.`;
  return withMarker(body, input.councilId, markerWhat.notice(input.commentId));
}

export interface ApprovedCommentInput {
  readonly councilId: string;
  readonly round: number;
  readonly by: string;
  readonly tasks: readonly { readonly key: string; readonly title: string; readonly number: number }[];
  readonly taskLabel: string;
}

/** The plan was approved: the task issues it became, in the order they were created. */
export function renderApprovedComment(input: ApprovedCommentInput): string {
  const list = input.tasks.map((t) => `- #${t.number} ${safeText(t.title).replace(/\s*\r?\n\s*/g, ' ')} (\`${t.key}\`)`).join('\n');
  const body = join(
    `The kickoff plan${input.round > 1 ? ` of round ${input.round}` : ''} was approved by \`@${input.by}\`. ${plural(input.tasks.length, 'task issue')} ${input.tasks.length === 1 ? 'was' : 'were'} created, labelled \`${input.taskLabel}\`; each starts a team formation.`,
    list,
  );
  return withMarker(body, input.councilId, markerWhat.approved());
}

/** The council ended without a plan being approved. */
export function renderCancelledComment(input: { readonly councilId: string; readonly outcome: string }): string {
  return withMarker(`${safeText(input.outcome).replace(/\s*\r?\n\s*/g, ' ')} This kickoff is closed; no task issues were created.`, input.councilId, markerWhat.cancelled());
}

// ---------------------------------------------------------------- task issues

export interface TaskIssueInput {
  readonly councilId: string;
  readonly brief: BriefRef;
  readonly task: PlanTask;
  /** Issue numbers of tasks created already, by task key (create in `orderTasks` order to have them all). */
  readonly issueNumbers?: Readonly<Record<string, number>>;
}

/** GitHub caps titles at 256 characters. */
const TITLE_LIMIT = 200;

export function renderTaskIssue(input: TaskIssueInput): { title: string; body: string } {
  const { task, brief } = input;
  const flat = task.title.replace(/\s+/g, ' ').trim();
  const title = flat.length <= TITLE_LIMIT ? flat : `${flat.slice(0, TITLE_LIMIT - 1).trimEnd()}…`;
  const deps = task.dependsOn.map((d) => {
    const n = input.issueNumbers?.[d];
    return n === undefined ? `\`${d}\`` : `#${n} (\`${d}\`)`;
  });
  const body = join(
    safeText(task.description),
    '---',
    [
      `Part of #${brief.number} (${safeText(brief.title)}).`,
      '',
      `- **Role:** ${roleTitle(task.role)}`,
      `- **Depends on:** ${deps.length === 0 ? 'nothing' : deps.join(', ')}`,
      `- **Estimate:** ${points(task.estimate)}`,
      `- **Task key:** \`${task.key}\``,
    ].join('\n'),
    `_Created by WHOOSH from the council kickoff plan approved on #${brief.number}._`,
  );
  return { title, body: withMarker(body, input.councilId, markerWhat.task(task.key)) };
}

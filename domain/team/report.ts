/**
 * What a team formation says on its issue: the team it formed and why, a
 * change of member, a failed deployment, the end. Pure Markdown; every
 * comment ends with a hidden marker naming the team and the occasion, which
 * is how posting stays idempotent (the activity looks for the marker before
 * it posts, so a retried or replayed step never comments twice). Everything
 * not written here — the classification's reasons and signals (an LLM's, when
 * it classified), agent names, failure messages, reform reasons — goes
 * through domain/forge-text, as the council's comments do.
 */
import { cell, safeLine } from '../forge-text';
import { marker } from '../markers';
import { FAILED_LABEL } from '../status-labels';
import type { Classification } from './classify-task';
import type { CandidateScore, Team } from './compose-team';
import type { Member, Reform } from '../../workflows/team/definitions';

export function teamMarker(teamId: string, occasion: string): string {
  return marker('team', teamId, occasion);
}

const pct = (n: number): string => n.toFixed(2);
const pretty = (s: string): string => s.replace(/_/g, ' ');

export interface FormedReport {
  readonly teamId: string;
  readonly classification: Classification;
  readonly classificationFallback?: string;
  readonly team: Team;
  readonly members: readonly Member[];
  readonly docker: 'off' | 'deployed';
  readonly dashboardUrl?: string;
  readonly timelineUrl?: string;
}

function classificationLines(c: Classification, fallback: string | undefined): string[] {
  const how = c.source === 'llm' ? 'classified by an LLM' : fallback ? `classified by heuristics (the LLM's answer was not usable: ${safeLine(fallback)})` : 'classified by heuristics';
  const list = (items: readonly string[], none: string): string => safeLine(items.join(', ')) || none;
  const lines = [
    `**Task:** ${pretty(c.type)} · complexity ${c.complexity.level} (${pct(c.complexity.score)}) · domains: ${list(c.domains, 'none detected')} · ${how}, confidence ${pct(c.confidence)}`,
    `**Skills:** critical: ${list(c.skills.critical, 'none')} · desirable: ${list(c.skills.desirable, 'none')}`,
  ];
  if (c.signals.length > 0) lines.push(`**Signals:** ${c.signals.slice(0, 6).map(cell).join('; ')}`);
  return lines;
}

function links(r: { dashboardUrl?: string; timelineUrl?: string }): string[] {
  const l = [r.dashboardUrl && `[team in WHOOSH](${r.dashboardUrl})`, r.timelineUrl && `[timeline in Temporal](${r.timelineUrl})`].filter(Boolean);
  return l.length > 0 ? ['', l.join(' · ')] : [];
}

/**
 * Roles whose best-scoring candidate was given another role (each agent takes
 * one role, and the assignment maximises the team's total), so the chosen
 * agent does not look like a mistake.
 */
export function bestTookAnotherRole(team: Pick<Team, 'table'>, members: readonly Pick<Member, 'roleId' | 'roleTitle' | 'agentId'>[]): string[] {
  const notes: string[] = [];
  for (const m of members) {
    const row = team.table.find((t) => t.roleId === m.roleId);
    const best = row?.candidates.reduce<CandidateScore | undefined>((a, c) => (a === undefined || c.score > a.score ? c : a), undefined);
    if (!best || best.agentId === m.agentId) continue;
    const other = members.find((o) => o.agentId === best.agentId && o.roleId !== m.roleId);
    if (other) notes.push(`${safeLine(m.roleTitle)}: \`${best.agentId}\` scored higher (${pct(best.score)}) but is the team's ${safeLine(other.roleTitle)}`);
  }
  return notes;
}

export function formedComment(r: FormedReport): string {
  const lines = [`### WHOOSH formed a team for this task`, '', ...classificationLines(r.classification, r.classificationFallback), ''];
  lines.push('| Role | Agent | Node | Model | Score | Why |', '|---|---|---|---|---|---|');
  for (const m of r.members) {
    lines.push(`| ${cell(m.roleTitle)} | ${cell(m.agentName)} | \`${cell(m.agentId)}\` | ${cell(m.model ?? '—')} | ${pct(m.score)} | ${cell(m.reasons.join('; ') || '—')} |`);
  }
  const tookOther = bestTookAnotherRole(r.team, r.members);
  if (tookOther.length > 0) lines.push('', `**Why not the top scorer:** ${tookOther.join('; ')}.`);
  if (r.team.unfilled.length > 0) {
    lines.push('', `**Open roles:** ${r.team.unfilled.map((u) => `${pretty(u.roleId)} (${safeLine(u.reason)})`).join('; ')}`);
  }
  const considered = r.team.table
    .map((row) => {
      const others = row.candidates.filter((c) => !c.chosen).slice(0, 3);
      return others.length > 0 ? `- ${safeLine(row.roleTitle)}: ${others.map((c) => `\`${c.agentId}\` ${pct(c.score)}`).join(', ')}` : undefined;
    })
    .filter((x): x is string => x !== undefined);
  if (considered.length > 0) lines.push('', '<details><summary>Also considered</summary>', '', ...considered, '', '</details>');
  if (r.docker === 'deployed') {
    lines.push('', `**Containers:** ${r.members.map((m) => (m.container ? `\`${m.container.name}\`` : `${m.roleId} (none)`)).join(', ')}`);
  }
  lines.push('', 'Close the issue when the task is done, or comment `/cancel` to stop the team.', ...links(r), '', teamMarker(r.teamId, 'formed'));
  return lines.join('\n');
}

export function deployFailedComment(teamId: string, error: string, removed: readonly string[], urls: { dashboardUrl?: string; timelineUrl?: string } = {}): string {
  return [
    '### WHOOSH could not deploy the team',
    '',
    `Deploying the agents failed: ${safeLine(error)}`,
    '',
    removed.length > 0 ? `The agents already deployed were removed: ${removed.map((n) => `\`${n}\``).join(', ')}.` : 'No agent was left running.',
    `Remove the \`${FAILED_LABEL}\` label to try again.`,
    ...links(urls),
    '',
    teamMarker(teamId, 'deploy-failed'),
  ].join('\n');
}

export function reformComment(teamId: string, index: number, reform: Reform, member: Member): string {
  return [
    `### WHOOSH changed the team`,
    '',
    `**${member.roleTitle}:** \`${reform.from}\` → \`${reform.to}\` (${safeLine(member.agentName)}, ${safeLine(member.model ?? 'default model')}, score ${pct(member.score)}), by ${safeLine(reform.by)}${reform.reason ? `: ${safeLine(reform.reason)}` : ''}.`,
    '',
    teamMarker(teamId, `reform-${index}`),
  ].join('\n');
}

export function endedComment(teamId: string, status: 'done' | 'cancelled', outcome: string, removed: readonly string[]): string {
  return [
    status === 'done' ? '### WHOOSH team done' : '### WHOOSH team cancelled',
    '',
    safeLine(outcome),
    removed.length > 0 ? `\nRemoved: ${removed.map((n) => `\`${n}\``).join(', ')}.` : '',
    '',
    teamMarker(teamId, 'ended'),
  ].join('\n');
}

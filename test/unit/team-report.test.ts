/**
 * The team comment says when a role's best-scoring candidate was given
 * another role, so the agent chosen instead does not look like a mistake.
 */
import { bestTookAnotherRole, formedComment } from '../../domain/team/report';
import type { Classification } from '../../domain/team/classify-task';
import type { CandidateScore } from '../../domain/team/compose-team';
import { bestTookAnotherRole as onPage } from '../../ui/src/lib/teams';

const cand = (agentId: string, score: number, chosen: boolean): CandidateScore => ({ agentId, score, skillMatch: score, specializationMatch: false, availability: 1, chosen, reasons: [] });
const table = [
  { roleId: 'lead_developer', roleTitle: 'Lead developer', candidates: [cand('walnut', 0.9, true), cand('ironwood', 0.7, false)] },
  { roleId: 'backend_developer', roleTitle: 'Backend developer', candidates: [cand('walnut', 0.95, false), cand('ironwood', 0.8, true), cand('acacia', 0.5, false)] },
  { roleId: 'tester', roleTitle: 'Tester', candidates: [cand('acacia', 0.6, true), cand('ironwood', 0.4, false)] },
];
const member = (roleId: string, roleTitle: string, agentId: string, score: number) => ({ roleId, roleTitle, agentId, agentName: agentId, model: 'llama3.1:8b', score, reasons: ['skills'] });
const members = [member('lead_developer', 'Lead developer', 'walnut', 0.9), member('backend_developer', 'Backend developer', 'ironwood', 0.8), member('tester', 'Tester', 'acacia', 0.6)];

test('a role whose top scorer leads another role says so; the others say nothing', () => {
  expect(bestTookAnotherRole({ table }, members)).toEqual(["Backend developer: `walnut` scored higher (0.95) but is the team's Lead developer"]);
  const classification: Classification = { type: 'bug_fix', complexity: { level: 'low', score: 0.2 }, domains: [], skills: { critical: [], desirable: [] }, confidence: 0.5, signals: [], source: 'heuristics' };
  const body = formedComment({ teamId: 't1', classification, team: { members, unfilled: [], table, totalScore: 2.3 }, members, docker: 'off' });
  expect(body).toContain("**Why not the top scorer:** Backend developer: `walnut` scored higher (0.95) but is the team's Lead developer.");
});

test('the team page says the same beside the role', () => {
  expect(onPage(table[1]!, members)).toEqual({ agentId: 'walnut', score: 0.95, roleTitle: 'Lead developer' });
  expect(onPage(table[0]!, members)).toBeUndefined();
  expect(onPage(table[2]!, members)).toBeUndefined();
});

/**
 * Team composition: which roles a classified task needs, how well every
 * eligible agent node fits every role, and the assignment with the best total
 * score. Pure; the full scoring table is returned so a team is explainable —
 * why this agent for this role, and who else was considered.
 */
import type { NodeStatus } from '../routing/route-call';
import type { Classification } from './classify-task';

export interface RoleSpec {
  readonly id: string;
  readonly title: string;
  readonly skills: readonly string[];
  /** Words that, in an agent's specialization, mark it as made for the role. */
  readonly specializations: readonly string[];
  readonly required: boolean;
}

export interface CandidateAgent {
  readonly id: string;
  readonly name: string;
  readonly specialization: string | null;
  readonly capabilities: readonly string[];
  readonly status: NodeStatus;
  /** Calls per slot right now (0 = idle). */
  readonly load: number;
  /** The model the agent would use (its node's first). */
  readonly model?: string | null;
}

export type Strategy = 'balanced' | 'skills_first' | 'load_first';

export interface TeamOptions {
  readonly minSize: number;
  readonly maxSize: number;
  /** Optional roles whose best candidate scores below this stay unfilled. */
  readonly skillMatchThreshold: number;
  readonly strategy: Strategy;
}

export interface CandidateScore {
  readonly agentId: string;
  readonly score: number;
  readonly skillMatch: number;
  readonly specializationMatch: boolean;
  readonly availability: number;
  readonly chosen: boolean;
  readonly reasons: string[];
}

export interface TeamMember {
  readonly roleId: string;
  readonly roleTitle: string;
  readonly agentId: string;
  readonly agentName: string;
  readonly model: string | null;
  readonly score: number;
  readonly reasons: string[];
}

export interface Team {
  readonly members: TeamMember[];
  readonly unfilled: { readonly roleId: string; readonly reason: string }[];
  readonly table: { readonly roleId: string; readonly roleTitle: string; readonly candidates: CandidateScore[] }[];
  readonly totalScore: number;
}

const CATALOG: Record<string, Omit<RoleSpec, 'required'>> = {
  lead_developer: { id: 'lead_developer', title: 'Lead developer', skills: ['backend', 'frontend', 'code-review', 'debugging'], specializations: ['architecture', 'full-stack', 'development', 'engineering', 'lead'] },
  frontend_developer: { id: 'frontend_developer', title: 'Frontend developer', skills: ['frontend', 'react', 'svelte', 'typescript', 'css'], specializations: ['frontend', 'ui', 'web'] },
  backend_developer: { id: 'backend_developer', title: 'Backend developer', skills: ['backend', 'api-design', 'database', 'python', 'go', 'typescript', 'postgres'], specializations: ['backend', 'api', 'server'] },
  devops_engineer: { id: 'devops_engineer', title: 'DevOps engineer', skills: ['devops', 'docker', 'kubernetes', 'terraform'], specializations: ['infrastructure', 'devops', 'operations'] },
  security_specialist: { id: 'security_specialist', title: 'Security specialist', skills: ['security', 'threat-modeling', 'code-review'], specializations: ['security'] },
  qa_engineer: { id: 'qa_engineer', title: 'QA engineer', skills: ['testing', 'debugging'], specializations: ['qa', 'testing', 'quality'] },
  researcher: { id: 'researcher', title: 'Researcher', skills: ['analysis', 'machine-learning'], specializations: ['research', 'analysis'] },
  technical_writer: { id: 'technical_writer', title: 'Technical writer', skills: ['documentation'], specializations: ['documentation', 'docs', 'writing'] },
  reviewer: { id: 'reviewer', title: 'Reviewer', skills: ['code-review', 'testing'], specializations: ['review', 'quality'] },
};

const role = (id: keyof typeof CATALOG, required = false): RoleSpec => ({ ...CATALOG[id]!, required });

/** A role of the catalog by id (for re-scoring one role, e.g. when a team is reformed). */
export function roleSpec(id: string): RoleSpec | undefined {
  return id in CATALOG ? role(id) : undefined;
}

/** Roles in priority order, sized to the options. */
export function rolesForTask(c: Classification, opts: Pick<TeamOptions, 'minSize' | 'maxSize'>): RoleSpec[] {
  const roles: RoleSpec[] = [role('lead_developer', true)];
  if (c.type === 'security') roles.push(role('security_specialist', true));
  if (c.type === 'research') roles.push(role('researcher', true));
  const add = (r: RoleSpec): void => void (roles.some((x) => x.id === r.id) || roles.push(r));
  if (c.domains.includes('security')) add(role('security_specialist'));
  if (c.domains.includes('frontend')) add(role('frontend_developer'));
  if (c.domains.some((d) => d === 'backend' || d === 'api' || d === 'database')) add(role('backend_developer'));
  if (c.domains.includes('infrastructure')) add(role('devops_engineer'));
  if (c.complexity.level !== 'low' || c.domains.includes('testing')) add(role('qa_engineer'));
  if (c.domains.includes('documentation') || c.type === 'maintenance') add(role('technical_writer'));
  if (c.complexity.level === 'high') add(role('reviewer'));
  for (const filler of ['qa_engineer', 'reviewer', 'backend_developer', 'frontend_developer'] as const) {
    if (roles.length >= opts.minSize) break;
    add(role(filler));
  }
  return roles.slice(0, Math.max(opts.minSize, opts.maxSize));
}

const WEIGHTS: Record<Strategy, { skill: number; spec: number; avail: number }> = {
  balanced: { skill: 0.5, spec: 0.3, avail: 0.2 },
  skills_first: { skill: 0.65, spec: 0.3, avail: 0.05 },
  load_first: { skill: 0.35, spec: 0.15, avail: 0.5 },
};
const STATUS_AVAILABILITY: Record<NodeStatus, number> = { up: 1, unknown: 0.6, degraded: 0.5, down: 0 };
const round = (n: number): number => Math.round(n * 1000) / 1000;

export function scoreAgent(r: RoleSpec, a: CandidateAgent, c: Classification, strategy: Strategy): Omit<CandidateScore, 'chosen'> {
  const caps = new Set(a.capabilities.map((x) => x.toLowerCase()));
  const roleHits = r.skills.filter((s) => caps.has(s));
  const critical = c.skills.critical;
  const criticalHits = critical.filter((s) => caps.has(s));
  const skillMatch = critical.length > 0 ? (roleHits.length / r.skills.length) * 0.6 + (criticalHits.length / critical.length) * 0.4 : roleHits.length / r.skills.length;
  const spec = (a.specialization ?? '').toLowerCase();
  const specializationMatch = r.specializations.some((w) => spec.includes(w));
  const availability = STATUS_AVAILABILITY[a.status] * (1 - Math.min(1, a.load) * 0.5);
  const w = WEIGHTS[strategy];
  const reasons: string[] = [];
  if (roleHits.length > 0) reasons.push(`has ${roleHits.join(', ')}`);
  if (criticalHits.length > 0) reasons.push(`covers critical ${criticalHits.join(', ')}`);
  if (specializationMatch) reasons.push(`specialization "${a.specialization}" fits`);
  if (a.status !== 'up') reasons.push(`node is ${a.status}`);
  if (a.load > 0) reasons.push(`busy (${round(a.load)} calls per slot)`);
  return {
    agentId: a.id,
    score: round(w.skill * skillMatch + w.spec * (specializationMatch ? 1 : 0) + w.avail * availability),
    skillMatch: round(skillMatch),
    specializationMatch,
    availability: round(availability),
    reasons,
  };
}

/** Best total score; each agent takes one role while there are enough agents. */
function bestAssignment(scores: number[][], agents: number): number[] {
  const roles = scores.length;
  const reuse = agents < roles;
  const maxPerRole = scores.map((row) => Math.max(...row, 0));
  let best: number[] = [];
  let bestTotal = -1;
  const pick: number[] = [];
  const used = new Set<number>();
  const search = (i: number, total: number): void => {
    if (i === roles) {
      if (total > bestTotal) [bestTotal, best] = [total, [...pick]];
      return;
    }
    const bound = total + maxPerRole.slice(i).reduce((s, x) => s + x, 0);
    if (bound <= bestTotal) return;
    const order = scores[i]!.map((s, a) => [s, a] as const).sort((x, y) => y[0] - x[0]);
    for (const [s, a] of order) {
      if (s < 0 || (!reuse && used.has(a))) continue;
      pick.push(a);
      used.add(a);
      search(i + 1, total + s);
      pick.pop();
      if (!pick.includes(a)) used.delete(a);
    }
  };
  search(0, 0);
  return best;
}

export function composeTeam(c: Classification, agents: readonly CandidateAgent[], opts: TeamOptions): Team {
  const eligible = agents.filter((a) => a.status !== 'down');
  let roles = rolesForTask(c, opts);
  const scored = roles.map((r) => eligible.map((a) => scoreAgent(r, a, c, opts.strategy)));
  const unfilled: Team['unfilled'] = [];

  // Optional roles nobody fits well enough stay open (while the team stays at its minimum size).
  const keep = roles.map((r, i) => r.required || Math.max(0, ...scored[i]!.map((s) => s.score)) >= opts.skillMatchThreshold);
  for (let i = roles.length - 1; i >= 0; i--) {
    if (!keep[i] && keep.filter(Boolean).length < opts.minSize) keep[i] = true;
  }
  roles.forEach((r, i) => {
    if (!keep[i]) unfilled.push({ roleId: r.id, reason: `no agent scores ${opts.skillMatchThreshold} or more` });
  });
  if (eligible.length === 0) {
    return { members: [], unfilled: roles.map((r) => ({ roleId: r.id, reason: 'no agent node is available' })), table: [], totalScore: 0 };
  }
  const kept = roles.map((r, i) => ({ r, s: scored[i]! })).filter((_, i) => keep[i]);
  roles = kept.map((k) => k.r);
  const pick = bestAssignment(
    kept.map((k) => k.s.map((x) => x.score)),
    eligible.length,
  );

  const members: TeamMember[] = roles.map((r, i) => {
    const a = eligible[pick[i]!]!;
    const s = kept[i]!.s[pick[i]!]!;
    return { roleId: r.id, roleTitle: r.title, agentId: a.id, agentName: a.name, model: a.model ?? null, score: s.score, reasons: s.reasons };
  });
  const table = roles.map((r, i) => ({
    roleId: r.id,
    roleTitle: r.title,
    candidates: kept[i]!.s.map((s, a) => ({ ...s, chosen: a === pick[i] })).sort((x, y) => y.score - x.score || x.agentId.localeCompare(y.agentId)),
  }));
  return { members, unfilled, table, totalScore: round(members.reduce((s, m) => s + m.score, 0)) };
}

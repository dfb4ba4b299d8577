import { classifyTask } from '../../domain/team/classify-task';
import { composeTeam, rolesForTask, scoreAgent, type CandidateAgent, type TeamOptions } from '../../domain/team/compose-team';

const opts: TeamOptions = { minSize: 2, maxSize: 4, skillMatchThreshold: 0.3, strategy: 'balanced' };
const agent = (id: string, specialization: string | null, capabilities: string[], over: Partial<CandidateAgent> = {}): CandidateAgent => ({
  id,
  name: id,
  specialization,
  capabilities,
  status: 'up',
  load: 0,
  ...over,
});

const fleet = [
  agent('walnut', 'Frontend & UI', ['frontend', 'react', 'typescript', 'css']),
  agent('ironwood', 'Backend APIs', ['backend', 'api-design', 'postgres', 'python', 'database']),
  agent('acacia', 'Infrastructure & DevOps', ['devops', 'docker', 'kubernetes']),
  agent('rosewood', 'QA and testing', ['testing', 'debugging', 'code-review']),
  agent('oak', 'Full-stack development lead', ['backend', 'frontend', 'code-review', 'debugging', 'typescript']),
];

const feature = classifyTask({ title: 'Add a React settings page', body: 'Saves settings through the REST API into postgres; a few tests.', labels: ['enhancement'] });

test('roles follow the task: a lead always, specialists for its domains', () => {
  const roles = rolesForTask(feature, { minSize: 2, maxSize: 6 }).map((r) => r.id);
  expect(roles[0]).toBe('lead_developer');
  expect(roles).toEqual(expect.arrayContaining(['frontend_developer', 'backend_developer']));
  const sec = classifyTask({ title: 'Fix SQL injection in search', body: '', labels: ['security'] });
  expect(rolesForTask(sec, opts).filter((r) => r.required).map((r) => r.id)).toEqual(['lead_developer', 'security_specialist']);
  expect(rolesForTask(feature, { minSize: 2, maxSize: 2 })).toHaveLength(2);
});

test('each role goes to the agent made for it, and the table says who else was considered', () => {
  const team = composeTeam(feature, fleet, { ...opts, maxSize: 3 });
  const byRole = Object.fromEntries(team.members.map((m) => [m.roleId, m.agentId]));
  expect(byRole).toEqual({ lead_developer: 'oak', frontend_developer: 'walnut', backend_developer: 'ironwood' });
  const frontend = team.table.find((t) => t.roleId === 'frontend_developer')!;
  expect(frontend.candidates).toHaveLength(fleet.length);
  expect(frontend.candidates[0]).toMatchObject({ agentId: 'walnut', chosen: true, specializationMatch: true });
  expect(frontend.candidates.filter((c) => c.chosen)).toHaveLength(1);
  expect(team.members.find((m) => m.agentId === 'walnut')!.reasons).toEqual(expect.arrayContaining(['has frontend, react, typescript, css']));
  expect(new Set(team.members.map((m) => m.agentId)).size).toBe(team.members.length);
});

test('down nodes are never picked; busy and degraded ones score lower', () => {
  const walnutDown = fleet.map((a) => (a.id === 'walnut' ? { ...a, status: 'down' as const } : a));
  const team = composeTeam(feature, walnutDown, { ...opts, maxSize: 3 });
  expect(team.members.map((m) => m.agentId)).not.toContain('walnut');
  const r = rolesForTask(feature, opts)[0]!;
  const idle = scoreAgent(r, fleet[4]!, feature, 'balanced');
  const busy = scoreAgent(r, { ...fleet[4]!, load: 2 }, feature, 'balanced');
  const degraded = scoreAgent(r, { ...fleet[4]!, status: 'degraded' }, feature, 'balanced');
  expect(busy.score).toBeLessThan(idle.score);
  expect(degraded.score).toBeLessThan(idle.score);
  expect(scoreAgent(r, { ...fleet[4]!, load: 2 }, feature, 'load_first').score).toBeLessThan(busy.score);
});

test('the best total wins over greedy picks', () => {
  // Greedy would give "a" the first role (0.9 vs 0.8) and leave the second role a poor fit.
  const c = classifyTask({ title: 'Add a page and an API endpoint', body: 'frontend page, backend endpoint', labels: ['feature'] });
  const agents = [
    agent('a', 'Frontend and backend generalist', ['frontend', 'backend', 'react', 'api-design', 'code-review', 'debugging']),
    agent('b', 'Development lead', ['backend', 'frontend', 'code-review', 'debugging']),
  ];
  const team = composeTeam(c, agents, { ...opts, minSize: 2, maxSize: 2 });
  expect(team.members).toHaveLength(2);
  const alternatives = [
    [team.table[0]!.candidates.find((x) => x.agentId === 'a')!.score + team.table[1]!.candidates.find((x) => x.agentId === 'b')!.score],
    [team.table[0]!.candidates.find((x) => x.agentId === 'b')!.score + team.table[1]!.candidates.find((x) => x.agentId === 'a')!.score],
  ].flat();
  expect(team.totalScore).toBeCloseTo(Math.max(...alternatives), 3);
});

test('optional roles nobody fits stay unfilled; fewer agents than roles share them; none available is said', () => {
  const docs = classifyTask({ title: 'Update the deployment docs', body: 'docker and kubernetes guide', labels: ['docs'] });
  const team = composeTeam(docs, [agent('x', null, ['backend'])], { ...opts, minSize: 1, skillMatchThreshold: 0.5 });
  expect(team.unfilled.map((u) => u.roleId)).toEqual(expect.arrayContaining(['technical_writer']));
  expect(team.members.map((m) => m.roleId)).toEqual(['lead_developer']);

  const shared = composeTeam(feature, [agent('solo', 'Full-stack development', ['frontend', 'backend'])], { ...opts, maxSize: 3 });
  expect(shared.members.length).toBeGreaterThan(1);
  expect(new Set(shared.members.map((m) => m.agentId))).toEqual(new Set(['solo']));

  expect(composeTeam(feature, [], opts)).toMatchObject({ members: [], totalScore: 0 });
  expect(composeTeam(feature, [], opts).unfilled[0]).toEqual({ roleId: 'lead_developer', reason: 'no agent node is available' });
});

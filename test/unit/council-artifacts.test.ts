import {
  ARTIFACT_KINDS,
  artifactJsonSchema,
  orderTasks,
  parseArtifact,
  planProblems,
  type ArtifactKind,
  type KickoffPlan,
  type PlanTask,
} from '../../domain/council/artifacts';

const GOOD: Record<ArtifactKind, unknown> = {
  requirements: {
    summary: 'Admins need single sign-on so offboarding takes effect everywhere at once.',
    goals: ['Staff sign in with the company IdP'],
    nonGoals: ['Customer accounts'],
    userStories: [{ id: 'US1', asA: 'an admin', iWant: 'to sign in with SSO', soThat: 'I need no extra password', priority: 'must', acceptanceCriteria: ['Login redirects to the IdP'] }],
    openQuestions: [],
  },
  architecture: {
    summary: 'An OIDC client in the API; sessions stay server-side.',
    components: [{ name: 'auth module', responsibility: 'OIDC flow and sessions' }],
    technicalChoices: [{ area: 'protocol', choice: 'OIDC', rationale: 'the IdP supports it', alternatives: ['SAML'] }],
    integrations: ['Company IdP'],
    risks: [{ risk: 'IdP outage locks admins out', mitigation: 'break-glass account' }],
  },
  test_strategy: {
    summary: 'Integration tests against a fake IdP.',
    levels: [{ level: 'integration', scope: 'login flow against a simulated IdP' }],
    acceptanceCriteria: [{ id: 'AC1', criterion: 'Given an IdP user, when they log in, then a session exists', verifiedBy: 'integration' }],
    qualityGates: ['CI green'],
    risks: [],
  },
  threat_model: {
    summary: 'The session cookie is the asset an attacker wants.',
    assets: ['session cookie'],
    threats: [{ id: 'TH1', threat: 'Session fixation', category: 'spoofing', likelihood: 'low', impact: 'high', mitigation: 'rotate the session id at login' }],
    securityRequirements: ['Cookies are HttpOnly and Secure'],
  },
  operations_plan: {
    summary: 'Ships with the API.',
    environments: [{ name: 'staging', purpose: 'try against the test IdP' }],
    deployment: { strategy: 'rolling', steps: ['Register the client at the IdP', 'Deploy the API'], rollback: 'redeploy the previous image' },
    monitoring: [{ signal: 'login failures', alertWhen: 'over 20% for 5 minutes' }],
    infrastructure: [],
  },
  user_flows: {
    summary: 'One click to the IdP and back.',
    personas: [{ name: 'admin', goal: 'manage the console' }],
    flows: [{ name: 'First sign-in', persona: 'admin', steps: ['Click "Sign in with SSO"', 'Approve at the IdP'], edgeCases: ['IdP down'] }],
    accessibility: ['The button is reachable by keyboard'],
  },
  kickoff_plan: {
    summary: 'Build the OIDC flow, then test and ship it.',
    tasks: [
      { key: 'oidc-client', title: 'Add the OIDC client', description: 'Login and callback routes.', role: 'engineering_lead', dependsOn: [], estimate: 5 },
      { key: 'login-tests', title: 'Test the login flow', description: 'Against a fake IdP.', role: 'qa_lead', dependsOn: ['oidc-client'], estimate: 3 },
    ],
  },
};

const task = (key: string, dependsOn: string[] = [], over: Partial<PlanTask> = {}): PlanTask => ({
  key,
  title: `Do ${key}`,
  description: 'Something.',
  role: 'engineering_lead',
  dependsOn,
  estimate: 2,
  ...over,
});
const plan = (...tasks: PlanTask[]): KickoffPlan => ({ summary: 'A plan.', tasks });
const errorOf = (kind: ArtifactKind, content: string): string => {
  const r = parseArtifact(kind, content);
  if (r.ok) throw new Error('expected a failure');
  return r.error;
};

test.each(ARTIFACT_KINDS)('a well-formed %s parses to its value', (kind) => {
  expect(parseArtifact(kind, JSON.stringify(GOOD[kind]))).toEqual({ ok: true, value: GOOD[kind] });
});

test.each(ARTIFACT_KINDS)('the JSON Schema of %s is a plain object that requires every field', (kind) => {
  const schema = artifactJsonSchema(kind);
  expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  expect(schema).toMatchObject({ type: 'object', additionalProperties: false });
  expect(schema.required).toEqual(Object.keys(GOOD[kind] as object));
  expect(JSON.stringify(schema)).not.toContain('$ref');
});

test('the plan schema tells the model the task fields and the allowed estimates', () => {
  const tasks = (artifactJsonSchema('kickoff_plan').properties as Record<string, { items: { required: string[]; properties: Record<string, { enum?: unknown[] }> } }>).tasks!;
  expect(tasks.items.required).toEqual(['key', 'title', 'description', 'role', 'dependsOn', 'estimate']);
  expect(tasks.items.properties.estimate!.enum).toEqual([1, 2, 3, 5, 8, 13]);
  expect(tasks.items.properties.role!.enum).toContain('security_lead');
});

test('answers a model sometimes gives are still understood: fenced JSON, extra fields, padded strings', () => {
  const fenced = '```json\n' + JSON.stringify(GOOD.requirements) + '\n```';
  expect(parseArtifact('requirements', fenced).ok).toBe(true);
  const extra = parseArtifact('requirements', JSON.stringify({ ...(GOOD.requirements as object), thoughts: 'hmm', summary: '  Padded.  ' }));
  expect(extra).toMatchObject({ ok: true, value: { summary: 'Padded.' } });
  expect(extra.ok && 'thoughts' in extra.value).toBe(false);
});

test('broken JSON is named as such, and a cut-off answer is told to be briefer', () => {
  expect(errorOf('requirements', '')).toBe('the answer is empty; expected a JSON object');
  expect(errorOf('requirements', '{"summary": "x",, }')).toMatch(/^the answer is not valid JSON: /);
  const cut = JSON.stringify(GOOD.requirements).slice(0, 60);
  expect(errorOf('requirements', cut)).toMatch(/^the answer is not valid JSON \(it stops before the end; answer more briefly\)/);
  expect(errorOf('requirements', '[1, 2]')).toBe('expected a JSON object, got an array');
});

test('schema errors name each wrong field with its path, briefly', () => {
  const bad = { ...(GOOD.requirements as object), summary: '', userStories: [{ id: 'story-1', asA: 'admin', iWant: 'x', priority: 'urgent', acceptanceCriteria: [] }] };
  const error = errorOf('requirements', JSON.stringify(bad));
  expect(error).toMatch(/^5 problems: /);
  expect(error).toContain('summary: empty');
  expect(error).toContain('userStories[0].id: Invalid string: must match pattern');
  expect(error).toContain('userStories[0].soThat: missing (expected string)');
  expect(error).toContain('userStories[0].priority: Invalid option: expected one of "must"|"should"|"could"');
  expect(error).toContain('userStories[0].acceptanceCriteria: needs at least 1 item');
  expect(errorOf('kickoff_plan', JSON.stringify(plan(task('a', [], { estimate: 4 as 3 }))))).toBe('1 problem: tasks[0].estimate: Invalid option: expected one of 1|2|3|5|8|13');
});

test('a flood of problems is cut to the first few', () => {
  const error = errorOf('threat_model', JSON.stringify({ threats: Array.from({ length: 3 }, () => ({})) }));
  expect(error).toMatch(/^\d+ problems: summary: missing \(expected string\); assets: missing \(expected array\);/);
  expect(error).toMatch(/; …and \d+ more$/);
  expect(error.split('; ').length).toBe(7);
});

test('plan integrity: unique keys, dependencies that exist, no self-dependency', () => {
  expect(planProblems(plan(task('a'), task('b', ['a'])))).toEqual([]);
  expect(planProblems(plan(task('a'), task('a')))).toEqual(['tasks[1].key: task key "a" is used by more than one task; keys must be unique']);
  expect(planProblems(plan(task('a', ['ghost'])))).toEqual(['tasks[0].dependsOn[0]: task "a" depends on "ghost", which is not a task key']);
  expect(planProblems(plan(task('a', ['a'])))).toEqual(['tasks[0].dependsOn[0]: task "a" depends on itself']);
});

test('plan integrity: a dependency cycle is found and spelled out', () => {
  const cyclic = plan(task('api'), task('db', ['api', 'ui']), task('ui', ['tests']), task('tests', ['db']));
  expect(planProblems(cyclic)).toEqual(['tasks: dependency cycle db → ui → tests → db; break it by removing one of these dependencies']);
  // And parseArtifact reports it, as one repairable error.
  expect(errorOf('kickoff_plan', JSON.stringify(cyclic))).toBe('1 problem: tasks: dependency cycle db → ui → tests → db; break it by removing one of these dependencies');
});

test('plan integrity: with the council given, tasks only go to its roles', () => {
  const p = plan(task('a'), task('b', [], { role: 'ux_lead' }));
  const council = ['product_manager', 'engineering_lead', 'qa_lead'] as const;
  expect(planProblems(p, council)).toEqual(['tasks[1].role: "ux_lead" (UX lead) is not on this council; use one of product_manager, engineering_lead, qa_lead']);
  expect(parseArtifact('kickoff_plan', JSON.stringify(p), { councilRoles: council })).toEqual({
    ok: false,
    error: '1 problem: tasks[1].role: "ux_lead" (UX lead) is not on this council; use one of product_manager, engineering_lead, qa_lead',
  });
  expect(parseArtifact('kickoff_plan', JSON.stringify(p)).ok).toBe(true);
});

test('orderTasks puts dependencies first and otherwise keeps the plan’s order', () => {
  const p = plan(task('tests', ['api']), task('docs'), task('api', ['db']), task('db'));
  expect(orderTasks(p).map((t) => t.key)).toEqual(['docs', 'db', 'api', 'tests']);
  expect(() => orderTasks(plan(task('a', ['b']), task('b', ['a'])))).toThrow(/dependency cycle a → b → a/);
});

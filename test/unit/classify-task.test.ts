import { classifyTask } from '../../domain/team/classify-task';

test('labels decide the type first', () => {
  const c = classifyTask({ title: 'Login page shows blank screen', body: 'Steps to reproduce...', labels: ['bug'] });
  expect(c.type).toBe('bug_fix');
  expect(c.signals).toContain('label "bug" → bug_fix');
  expect(c.skills.critical).toEqual(expect.arrayContaining(['debugging', 'frontend']));
  expect(c.source).toBe('heuristics');
});

test('without labels, the title’s words decide', () => {
  expect(classifyTask({ title: 'Fix crash when the queue is empty', body: '', labels: [] }).type).toBe('bug_fix');
  expect(classifyTask({ title: 'Migrate the session store from Redis to Postgres', body: '', labels: [] }).type).toBe('migration');
  expect(classifyTask({ title: 'Investigate and compare vector databases', body: '', labels: [] }).type).toBe('research');
  expect(classifyTask({ title: 'Speed up the dashboard list, it is slow', body: '', labels: [] }).type).toBe('optimization');
  expect(classifyTask({ title: 'Refactor the webhook handler', body: '', labels: [] }).type).toBe('refactoring');
  expect(classifyTask({ title: 'Prevent XSS in comment rendering', body: '', labels: [] }).type).toBe('security');
});

test('no signal at all: a feature, with low confidence, said so', () => {
  const c = classifyTask({ title: 'Dashboard', body: '', labels: [] });
  expect(c).toMatchObject({ type: 'feature_development', confidence: 0.2 });
  expect(c.signals).toContain('no type signal; assumed feature_development');
});

test('domains and technologies become skills: named in the title → critical, only in the body → desirable', () => {
  const c = classifyTask({
    title: 'Add a React settings page',
    body: 'The page stores settings through the REST API into postgres. Deploy with docker.',
    labels: ['enhancement'],
  });
  expect(c.type).toBe('feature_development');
  expect(c.domains).toEqual(expect.arrayContaining(['frontend', 'database', 'infrastructure', 'api']));
  expect(c.skills.critical).toContain('react');
  expect(c.skills.desirable).toEqual(expect.arrayContaining(['postgres', 'docker']));
  expect(c.skills.critical.some((s) => c.skills.desirable.includes(s))).toBe(false);
});

test('complexity grows with size, breadth and the words used', () => {
  const small = classifyTask({ title: 'Fix typo in README', body: '', labels: ['docs'] });
  expect(small.complexity.level).toBe('low');
  const big = classifyTask({
    title: 'Redesign the scheduler architecture across multiple services',
    body: `${'Context. '.repeat(200)}\n- [ ] backend queue\n- [ ] database schema\n- [ ] docker deploy\n- [ ] UI page\n- [ ] tests`,
    labels: [],
  });
  expect(big.complexity.level).toBe('high');
  expect(big.complexity.score).toBeGreaterThan(small.complexity.score);
});

test('deterministic: the same issue, the same answer', () => {
  const t = { title: 'Add OAuth login with GitHub', body: 'Integrate with the GitHub OAuth app', labels: ['feature'] };
  expect(classifyTask(t)).toEqual(classifyTask(t));
});

/**
 * LLM classification in team formation, through the agent network to an
 * Ollama simulator: a usable answer classifies the task; invalid JSON, an
 * off-schema answer or no answer in time leave it to the heuristics, and the
 * team records why.
 */
import { randomUUID } from 'node:crypto';
import { readJson } from '../helpers/api-server';
import { recordHistory } from '../helpers/histories';
import { OllamaSimulator } from '../../simulators/ollama';
import { DEFAULT_NODES, startTeamStage, type TeamStage } from './team-fixture';

const MODEL = `classifier-${randomUUID().slice(0, 6)}:latest`;
let s: TeamStage;
let ollama: OllamaSimulator;
let answer: () => string;

beforeAll(async () => {
  ollama = await OllamaSimulator.start({ models: [MODEL], tokensPerSecond: 2000, respond: () => answer() });
  s = await startTeamStage({
    config: { teams: { llm_classification: { enabled: true, model: MODEL, timeout_seconds: 3 } }, docker: { enabled: false } },
    nodes: [...DEFAULT_NODES, { suffix: 'llm', specialization: 'analysis', capabilities: ['analysis'], models: [MODEL], endpoint: ollama.url }],
    harness: { nodes: (n) => n.endpoint === ollama.url },
  });
});
afterAll(async () => {
  await s.close();
  await ollama.stop();
});

function openTask(title: string, body = '') {
  return s.gitea.openIssue(s.owner, s.repo, { title, body, labels: ['bzzz-task'], author: 'alice' }).number;
}
const formedComment = (issue: number) => s.gitea.comments(s.owner, s.repo, issue).find((c) => c.body.includes(':formed -->'))!.body;

test('a schema-valid answer classifies the task; the team says an LLM did', async () => {
  answer = () =>
    JSON.stringify({ type: 'security', complexity: 'high', domains: ['security', 'backend'], critical_skills: ['security', 'Postgres'], desirable_skills: ['testing'], confidence: 0.9, reasoning: 'SQL injection in a query builder' });
  const n = openTask('Tidy up the query builder', 'It concatenates strings.');
  const active = await s.status(n, 'active');
  expect(active.classification).toMatchObject({
    type: 'security',
    source: 'llm',
    complexity: { level: 'high', score: 0.8 },
    domains: ['security', 'backend'],
    skills: { critical: ['security', 'postgres'], desirable: ['testing'] },
    confidence: 0.9,
  });
  expect(active.classification!.signals[0]).toBe(`classified by ${MODEL} on ${s.nodeIds.at(-1)}`);
  expect(active.classificationFallback).toBeUndefined();
  expect(active.members.map((m) => m.roleId)).toContain('security_specialist');
  expect(formedComment(n)).toContain('classified by an LLM');
  const team = await readJson(await s.call(`/api/v1/teams/${active.teamId}`));
  expect(team).toMatchObject({ classificationSource: 'llm', classificationFallback: null, taskType: 'security' });
  s.gitea.closeIssue(s.owner, s.repo, n, 'alice');
  await s.h.client.workflow.getHandle(s.workflowId(n)).result();
  await recordHistory('team-formation-llm', s.h.client.workflow.getHandle(s.workflowId(n)));
});

test('invalid JSON → heuristics classify, and the team records the fallback', async () => {
  answer = () => 'Sure! The task is a bug fix {type: bug';
  const n = openTask('Fix crash when saving a draft', 'The editor throws an exception.');
  const active = await s.status(n, 'active');
  expect(active.classification).toMatchObject({ type: 'bug_fix', source: 'heuristics' });
  expect(active.classificationFallback).toMatch(/^the answer is not JSON/);
  const team = await readJson(await s.call(`/api/v1/teams/${active.teamId}`));
  expect(team).toMatchObject({ classificationSource: 'heuristics', classificationFallback: expect.stringMatching(/^the answer is not JSON/) });
  expect(formedComment(n)).toContain("classified by heuristics (the LLM's answer was not usable: the answer is not JSON");
  await recordHistory('team-formation-llm-invalid', s.h.client.workflow.getHandle(s.workflowId(n)));
});

test('an answer off the schema → heuristics, naming what was wrong', async () => {
  answer = () => JSON.stringify({ type: 'party_planning', complexity: 'extreme', domains: ['frontend'], critical_skills: [], desirable_skills: [], reasoning: '' });
  const n = openTask('Add an export button to the report page');
  const active = await s.status(n, 'active');
  expect(active.classification!.source).toBe('heuristics');
  expect(active.classificationFallback).toContain('type "party_planning" is not one of');
  expect(active.classificationFallback).toContain('complexity "extreme" is not low, medium or high');
});

test('no answer within the timeout → heuristics', async () => {
  answer = () => '{}';
  ollama.hang(true);
  try {
    const n = openTask('Document the backup procedure', 'Write the docs.');
    const active = await s.status(n, 'active', 30_000);
    expect(active.classification).toMatchObject({ source: 'heuristics', type: 'maintenance' });
    expect(active.classificationFallback).toBe('no answer within 3s');
  } finally {
    ollama.hang(false);
  }
});

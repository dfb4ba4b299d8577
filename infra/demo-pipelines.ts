/**
 * The demo's pipelines, made through the REST API as a user would: a triage
 * pipeline that labels every new issue of the demo repository (forge trigger →
 * the fleet answers with a label as JSON → whoosh.forge adds it), and a run of
 * the web_development template, started once, that waits at its first approval.
 */
import type { N8nWorkflow } from '../domain/pipeline/types';
import { TRIAGE_LABEL_BY_TYPE, TRIAGE_OTHER_LABEL, TRIAGE_SYSTEM } from '../simulators/ollama/council-answers';

/** The labels the triage pipeline chooses from (created in the demo repository). */
export const TRIAGE_LABELS: readonly string[] = [...new Set([...Object.values(TRIAGE_LABEL_BY_TYPE), TRIAGE_OTHER_LABEL])];
export const TRIAGE_PIPELINE = 'Demo: triage new issues';
export const TEMPLATE_PIPELINE = 'Demo: web feature';

export function triagePipeline(repository: string): N8nWorkflow {
  const schema = { type: 'object', properties: { label: { type: 'string', enum: [...TRIAGE_LABELS] }, reason: { type: 'string' } }, required: ['label'] };
  const at = (x: number): [number, number] => [x, 0];
  return {
    name: TRIAGE_PIPELINE,
    nodes: [
      { name: 'New issue', type: 'whoosh.forgeTrigger', typeVersion: 1, position: at(0), parameters: { repository, events: ['issueOpened'] }, notes: 'Labels every new issue of the demo repository' },
      {
        name: 'Choose a label',
        type: 'whoosh.llm',
        typeVersion: 1,
        position: at(240),
        parameters: {
          system: `${TRIAGE_SYSTEM} Answer with JSON: the one label that fits the issue best, and why.`,
          prompt: "=Title: {{ $json.issue.title }}\nLabels: {{ $json.issue.labels.join(', ') || '(none)' }}\n\n",
          jsonSchema: JSON.stringify(schema),
        },
      },
      {
        name: 'Label the issue',
        type: 'whoosh.forge',
        typeVersion: 1,
        position: at(480),
        parameters: { repository, operation: 'addLabels', issueNumber: "={{ $('New issue').first().json.issue.number }}", labels: '={{ $json.json.label }}' },
      },
    ],
    connections: {
      'New issue': { main: [[{ node: 'Choose a label', type: 'main', index: 0 }]] },
      'Choose a label': { main: [[{ node: 'Label the issue', type: 'main', index: 0 }]] },
    },
    settings: { executionOrder: 'v1' },
  } as N8nWorkflow;
}

async function call<T>(apiUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${apiUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Creates and activates the triage pipeline, and starts one run of the web_development template (it waits for an approval). */
export async function installDemoPipelines(apiUrl: string, token: string, repository: string): Promise<{ triage: string; template: string; templateRun: string }> {
  const triage = await call<{ id: string; problems: unknown[] }>(apiUrl, token, 'POST', '/pipelines', triagePipeline(repository));
  if (triage.problems.length) throw new Error(`the demo's triage pipeline has problems: ${JSON.stringify(triage.problems)}`);
  await call(apiUrl, token, 'POST', `/pipelines/${triage.id}/activate`);
  const template = await call<{ id: string }>(apiUrl, token, 'POST', '/pipelines/from-template', { template: 'web_development', name: TEMPLATE_PIPELINE });
  const run = await call<{ id: string }>(apiUrl, token, 'POST', `/pipelines/${template.id}/execute?wait=false`, {
    input: [{ json: { request: 'Add a wishlist to the webshop: signed-in customers save products and get a note when one is back in stock.' } }],
  });
  return { triage: triage.id, template: template.id, templateRun: run.id };
}

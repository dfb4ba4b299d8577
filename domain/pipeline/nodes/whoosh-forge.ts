/**
 * whoosh.forge 1: issues on a monitored repository (Gitea or GitHub, through
 * WHOOSH's adapters and the repository's stored token, or a forgeToken
 * credential). One operation per item: get, create, edit or close an issue,
 * comment, add or remove labels, read a pull request's diff, review it. What WHOOSH writes carries a hidden marker
 * from the execution, node, run and item, so a retried activity finds its
 * comment or issue instead of writing it twice.
 */
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { ForgeNodeActivity, ForgeNodeOperation, ForgeNodeResult, Item, JsonValue } from '../types';

export const FORGE_OPERATIONS = ['getIssue', 'createIssue', 'editIssue', 'closeIssue', 'comment', 'addLabels', 'removeLabels', 'getPullRequestDiff', 'reviewPullRequest'] as const;
export const REVIEW_EVENTS = ['approve', 'requestChanges', 'comment'] as const;
const REPO = /^([\w.-]+)\/([\w.-]+)$/;

function labelsOf(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : String(raw ?? '').split(',');
  return list.map((l) => String(l).trim()).filter(Boolean);
}

function operationFor(ex: NodeExecution, i: number, marker: string): ForgeNodeOperation {
  const op = ex.param<string>('operation', i, 'getIssue');
  const number = (): number => {
    const n = Number(ex.param('issueNumber', i, NaN));
    if (!Number.isInteger(n) || n <= 0) throw new NodeOperationError(`"issueNumber" must be a positive whole number, not "${String(ex.param('issueNumber', i, ''))}"`, undefined, i);
    return n;
  };
  const text = (name: string): string => String(ex.param(name, i, '') ?? '');
  switch (op) {
    case 'getIssue':
    case 'closeIssue':
      return { op, number: number() };
    case 'createIssue':
      if (!text('title')) throw new NodeOperationError('"title" is required to create an issue', undefined, i);
      return { op, title: text('title'), body: text('body'), labels: labelsOf(ex.param('labels', i, [])), marker };
    case 'editIssue': {
      const state = text('state');
      if (state && state !== 'open' && state !== 'closed') throw new NodeOperationError(`"state" must be open or closed, not "${state}"`, undefined, i);
      const title = ex.param<unknown>('title', i, undefined);
      const body = ex.param<unknown>('body', i, undefined);
      return { op, number: number(), ...(title !== undefined && title !== '' ? { title: String(title) } : {}), ...(body !== undefined && body !== '' ? { body: String(body) } : {}), ...(state ? { state: state as 'open' | 'closed' } : {}) };
    }
    case 'comment':
      if (!text('body')) throw new NodeOperationError('"body" is required for a comment', undefined, i);
      return { op, number: number(), body: text('body'), marker };
    case 'addLabels':
    case 'removeLabels':
      return { op, number: number(), labels: labelsOf(ex.param('labels', i, [])) };
    case 'getPullRequestDiff':
      return { op, number: number() };
    case 'reviewPullRequest': {
      const event = text('reviewEvent') || 'comment';
      if (!(REVIEW_EVENTS as readonly string[]).includes(event)) throw new NodeOperationError(`"reviewEvent" must be one of ${REVIEW_EVENTS.join(', ')}`, undefined, i);
      return { op, number: number(), body: text('body'), event: event as (typeof REVIEW_EVENTS)[number] };
    }
    default:
      throw new NodeOperationError(`Unknown operation "${op}"`, undefined, i);
  }
}

export const whooshForge: NodeType = {
  type: 'whoosh.forge',
  versions: [1],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['repository', 'operation', 'issueNumber', 'title', 'body', 'labels', 'state', 'reviewEvent'],
  check(node) {
    const p = node.parameters ?? {};
    const problems: string[] = [];
    if (typeof p.repository !== 'string' || (!p.repository.startsWith('=') && !REPO.test(p.repository))) problems.push('parameter "repository" must be owner/name');
    if (p.operation !== undefined && !(FORGE_OPERATIONS as readonly unknown[]).includes(p.operation)) problems.push(`parameter "operation" must be one of ${FORGE_OPERATIONS.join(', ')}`);
    const forgeToken = node.credentials?.forgeToken;
    if (node.credentials && Object.keys(node.credentials).some((k) => k !== 'forgeToken')) problems.push('only a forgeToken credential applies');
    if (forgeToken && typeof forgeToken.id !== 'string' && typeof forgeToken.name !== 'string') problems.push('the forgeToken credential needs an id or a name');
    return problems;
  },
  start(ex) {
    const repo = REPO.exec(String(ex.param('repository', 0, '')));
    if (!repo) throw new NodeOperationError(`"repository" must be owner/name, not "${String(ex.param('repository', 0, ''))}"`);
    const tag = `${ex.host.execution.id}:${ex.node.name}:${ex.runIndex}`;
    const operations = ex.items.map((_, i) => operationFor(ex, i, `<!-- whoosh:pipeline:${tag}:${i} -->`));
    const ref = ex.node.credentials?.forgeToken;
    const request: ForgeNodeActivity = {
      repository: { owner: repo[1]!, name: repo[2]! },
      operations,
      ...(ref ? { credential: { type: 'forgeToken', ...(ref.id ? { id: ref.id } : {}), ...(ref.name ? { name: ref.name } : {}) } } : {}),
    };
    return { step: { kind: 'activity', node: ex.node.name, nodeType: ex.node.type, request: request as unknown as JsonValue }, pending: null };
  },
  finish(ex, _pending, resume) {
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`Forge: expected the activity's result, got ${resume.kind}`);
    const { results } = resume.result as unknown as ForgeNodeResult;
    const out: Item[] = [];
    ex.items.forEach((_, i) => {
      const r = results[i];
      if (r?.ok) return void out.push({ json: r.json, pairedItem: { item: i } });
      const message = r ? r.message : `No result for item ${i}`;
      if (!ex.continueOnFail) throw new NodeOperationError(message, undefined, i);
      out.push({ json: { error: message }, pairedItem: { item: i } });
    });
    return [out];
  },
};

/**
 * whoosh.docker 1: runs a container per item (image, command, env, labels,
 * limits) and waits for it; the item gets its exit code, stdout and stderr,
 * as n8n's Execute Command does (a non-zero exit is data, not a failure). The
 * container is labelled with the execution, node, run and item, so a retried
 * activity finds it, and a cancelled run removes it.
 */
import { NodeOperationError } from '../errors';
import type { NodeExecution, NodeType } from '../node-type';
import type { DockerNodeActivity, DockerNodeJob, DockerNodeResult, Item, JsonValue } from '../types';
import { isObject } from '../values';

/** n8n's fixedCollection of { name, value } pairs, or a plain object. */
function pairs(raw: unknown): Record<string, string> {
  if (isObject(raw) && Array.isArray(raw.values)) return Object.fromEntries((raw.values as { name?: unknown; value?: unknown }[]).filter((p) => p.name).map((p) => [String(p.name), String(p.value ?? '')]));
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  return {};
}

/** A command as a list, or a line split on spaces (quotes keep words together). */
function commandOf(raw: unknown): string[] | undefined {
  if (Array.isArray(raw)) return raw.map(String);
  const text = String(raw ?? '').trim();
  if (!text) return undefined;
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function jobFor(ex: NodeExecution, i: number): DockerNodeJob {
  const image = String(ex.param('image', i, ''));
  if (!image) throw new NodeOperationError('"image" is required', undefined, i);
  const limits = ex.param<Record<string, unknown>>('limits', i, {});
  const cpus = Number(limits.cpus ?? 0);
  const memoryMb = Number(limits.memoryMb ?? 0);
  const pids = Number(limits.pids ?? 0);
  const command = commandOf(ex.param('command', i, ''));
  return {
    key: `${ex.host.execution.id}:${ex.node.name}:${ex.runIndex}:${i}`,
    executionId: ex.host.execution.id,
    image,
    ...(command ? { command } : {}),
    env: pairs(ex.param('env', i, {})),
    labels: pairs(ex.param('labels', i, {})),
    limits: { ...(cpus > 0 ? { nanoCpus: Math.round(cpus * 1e9) } : {}), ...(memoryMb > 0 ? { memoryBytes: Math.round(memoryMb * 1024 * 1024) } : {}), ...(pids > 0 ? { pids } : {}) },
  };
}

export const whooshDocker: NodeType = {
  type: 'whoosh.docker',
  versions: [1],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['image', 'command', 'env', 'labels', 'limits'],
  check(node) {
    return typeof node.parameters?.image === 'string' && node.parameters.image !== '' ? [] : ['parameter "image" is required'];
  },
  start(ex) {
    const request: DockerNodeActivity = { jobs: ex.items.map((_, i) => jobFor(ex, i)) };
    return { step: { kind: 'activity', node: ex.node.name, nodeType: ex.node.type, request: request as unknown as JsonValue }, pending: null };
  },
  finish(ex, _pending, resume) {
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`Docker: expected the activity's result, got ${resume.kind}`);
    const { results } = resume.result as unknown as DockerNodeResult;
    const out: Item[] = results.map((r, i) => ({ json: { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, containerId: r.containerId }, pairedItem: { item: i } }));
    return [out];
  },
};

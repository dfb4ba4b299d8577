/**
 * Execute Sub-workflow 1–1.3 with the workflow given inline (source:
 * parameter) or a stored pipeline by id (source: database, `workflowId` a
 * string or n8n's resource locator { __rl, value, mode }; the durable run looks
 * up its active, else latest, version): mode once (one child run with every
 * item) or each (one child run per item), waiting for the result or not. The
 * child runs as a child workflow (the child step); its last node's output
 * comes back as this node's output, paired with the items it was called with.
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue, N8nWorkflow, PairedItem } from '../types';
import { validateWorkflow } from '../validate';
import { isObject, toJson } from '../values';

/** The id in a workflowId parameter: a string, or the value of n8n's resource locator. */
function storedId(raw: unknown): string {
  const value = isObject(raw) && raw.__rl === true ? raw.value : raw;
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

function subWorkflowOf(ex: Parameters<NonNullable<NodeType['start']>>[0]): { workflow: N8nWorkflow } | { pipelineId: string } {
  if ((ex.parameters.source ?? 'database') === 'database') {
    const id = storedId(ex.param<unknown>('workflowId', 0, ''));
    if (id === '') throw new NodeOperationError('No sub-workflow to run: "workflowId" is empty');
    return { pipelineId: id };
  }
  const raw = ex.param<unknown>('workflowJson', 0, '');
  let workflow: N8nWorkflow;
  try {
    workflow = (typeof raw === 'string' ? JSON.parse(raw) : raw) as N8nWorkflow;
  } catch {
    throw new NodeOperationError('The workflow JSON is not valid JSON', 'Check the "Workflow JSON" parameter');
  }
  const problems = validateWorkflow(workflow);
  if (problems.length) throw new NodeOperationError(`The sub-workflow cannot run: ${problems.map((p) => p.message).join('; ')}`);
  return { workflow };
}

interface Pending {
  mode: 'once' | 'each';
  wait: boolean;
}

export const executeWorkflow: NodeType = {
  type: 'n8n-nodes-base.executeWorkflow',
  versions: [1, 1.1, 1.2, 1.3],
  kind: 'subWorkflow',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['operation', 'source', 'workflowId', 'workflowPath', 'workflowJson', 'workflowUrl', 'workflowInputs', 'mode', 'options', 'executionNotice', 'outdatedVersionWarning'],
  check(node) {
    const problems: string[] = [];
    const source = node.parameters?.source ?? 'database';
    if (source === 'database') {
      if (storedId(node.parameters?.workflowId) === '') problems.push('parameter "workflowId" is empty: name the stored pipeline to run');
    } else if (source !== 'parameter') {
      problems.push(`parameter "source" "${String(source)}" is not supported: give the sub-workflow inline (source "parameter") or by id (source "database")`);
    }
    const mode = node.parameters?.mode ?? 'once';
    if (mode !== 'once' && mode !== 'each') problems.push(`parameter "mode" has an unsupported value "${String(mode)}"`);
    return problems;
  },
  start(ex) {
    const mode = ex.node.typeVersion >= 1.1 && ex.parameters.mode === 'each' ? 'each' : 'once';
    const wait = ex.param<Record<string, unknown>>('options', 0, {}).waitForSubWorkflow !== false;
    const target = subWorkflowOf(ex);
    const mapping = ex.parameters.workflowInputs as { mappingMode?: string; value?: unknown } | undefined;
    const childItem = (item: Item, i: number): Item => {
      if (mapping?.mappingMode === 'defineBelow' && mapping.value !== undefined) {
        const value = ex.param<unknown>('workflowInputs.value', i, {});
        return { json: (isObject(value) ? toJson(value) : {}) as JsonObject };
      }
      return item.binary ? { json: item.json, binary: item.binary } : { json: item.json };
    };
    const items = ex.items.map(childItem);
    const inputs = mode === 'once' ? [items] : items.map((i) => [i]);
    const pending: Pending = { mode, wait };
    return { step: { kind: 'child', node: ex.node.name, ...target, inputs, wait }, pending: pending as unknown as JsonValue };
  },
  finish(ex, raw, resume) {
    const pending = raw as unknown as Pending;
    if (resume.kind !== 'child') throw new Error(`Execute Sub-workflow: expected the child's result, got ${resume.kind}`);
    if (!pending.wait) return [ex.items];
    const strip = (item: Item): Item => ({ json: item.json, ...(item.binary ? { binary: item.binary } : {}) });
    if (pending.mode === 'once') {
      const result = resume.outputs[0] ?? [];
      if (!Array.isArray(result)) throw new NodeOperationError(result.error.message, result.error.description);
      // Every output of the child's last node comes back. An item with a pairedItem was traced back to
      // the parent's input item (the durable run did that); one without pairs by position when as many
      // came back as went in, else with every input item.
      const all: PairedItem[] = ex.items.map((_, i) => ({ item: i }));
      return result.map((output) => {
        const same = output.length === ex.items.length;
        return output.map((item, i) => ({ ...strip(item), pairedItem: item.pairedItem ?? (same ? { item: i } : all) }));
      });
    }
    const out: Item[][] = [];
    resume.outputs.forEach((result, i) => {
      if (!Array.isArray(result)) {
        if (!ex.continueOnFail) throw new NodeOperationError(`Error executing workflow with item at index ${i}`, result.error.message, i);
        // Before 1.3 an error went to an output of its own per item; from 1.3 on, all into the first.
        const at = ex.node.typeVersion >= 1.3 ? 0 : i;
        (out[at] ??= []).push({ json: { error: result.error.message }, pairedItem: { item: i } });
        return;
      }
      result.forEach((output, o) => (out[o] ??= []).push(...output.map((item) => ({ ...strip(item), pairedItem: { item: i } }))));
    });
    for (let o = 0; o < out.length; o++) out[o] ??= [];
    return out.length > 0 ? out : [[]];
  },
};

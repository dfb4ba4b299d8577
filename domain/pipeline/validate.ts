/**
 * Checks a workflow document before it runs and lists every problem, each
 * naming the node: unsupported type or version, unknown parameter, duplicate
 * name, broken connection, and the execution order (only "v1" runs).
 */
import type { ValidationProblem } from './errors';
import { describedType, parameterNames } from './descriptions';
import { nodeTypeByName, nodeTypeOf } from './registry';
import type { N8nWorkflow } from './types';

export function validateWorkflow(doc: N8nWorkflow): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  if (!doc || !Array.isArray(doc.nodes)) return [{ message: 'The document has no "nodes" list: it is not an n8n workflow' }];
  if (doc.connections !== undefined && (typeof doc.connections !== 'object' || doc.connections === null)) {
    problems.push({ message: 'The document\'s "connections" is not an object' });
  }
  const order = doc.settings?.executionOrder;
  if (order !== 'v1') {
    problems.push({
      message:
        order === 'v0'
          ? 'settings.executionOrder "v0" (n8n\'s legacy order) is not supported: WHOOSH runs workflows in execution order "v1"; set "executionOrder": "v1" in the workflow settings'
          : `settings.executionOrder is ${order === undefined ? 'missing' : `"${String(order)}"`}: n8n runs such a workflow in its legacy order (v0), which WHOOSH does not support; set "executionOrder": "v1" in the workflow settings`,
    });
  }
  const seen = new Set<string>();
  for (const node of doc.nodes) {
    if (typeof node?.name !== 'string' || node.name === '') {
      problems.push({ message: 'A node has no name' });
      continue;
    }
    if (seen.has(node.name)) problems.push({ node: node.name, message: `Node name "${node.name}" is used more than once` });
    seen.add(node.name);
    const type = nodeTypeOf(node);
    if (!type) {
      const known = nodeTypeByName(node.type);
      problems.push({
        node: node.name,
        type: node.type,
        typeVersion: node.typeVersion,
        message: known
          ? `Node "${node.name}": ${node.type} version ${node.typeVersion} is not supported (supported: ${known.versions.join(', ')})`
          : `Node "${node.name}": type ${node.type} (version ${node.typeVersion}) is not supported`,
      });
      continue;
    }
    // The description the editor draws its panel from names the parameters (a test holds it equal to the registry's list).
    const described = describedType(node.type);
    const known = described ? parameterNames(described) : type.parameters;
    for (const key of Object.keys(node.parameters ?? {})) {
      if (!known.includes(key)) {
        problems.push({ node: node.name, type: node.type, typeVersion: node.typeVersion, parameter: key, message: `Node "${node.name}": parameter "${key}" is not understood by ${node.type} ${node.typeVersion}` });
      }
    }
    for (const message of type.check?.(node) ?? []) {
      problems.push({ node: node.name, type: node.type, typeVersion: node.typeVersion, message: `Node "${node.name}": ${message}` });
    }
  }
  const nodes = new Map(doc.nodes.map((n) => [n.name, n]));
  for (const [source, types] of Object.entries(doc.connections ?? {})) {
    const from = nodes.get(source);
    if (!from) {
      problems.push({ node: source, message: `Connections from "${source}", which is not a node of the workflow` });
      continue;
    }
    for (const [kind, outputs] of Object.entries(types ?? {})) {
      if (kind !== 'main') {
        for (const t of (outputs ?? []).flatMap((o) => o ?? [])) {
          const to = nodes.get(t.node);
          const accepted = to && nodeTypeOf(to)?.subInputs?.includes(kind) && nodeTypeOf(from)?.kind === 'subNode';
          if (!accepted) problems.push({ node: source, message: `Node "${source}": "${kind}" connections (AI sub-nodes) into "${t.node}" are not supported` });
        }
        continue;
      }
      const fromType = nodeTypeOf(from);
      const outputCount = fromType ? fromType.outputs(from) + (from.onError === 'continueErrorOutput' ? 1 : 0) : Infinity;
      (outputs ?? []).forEach((targets, output) => {
        if ((targets ?? []).length > 0 && output >= outputCount) {
          problems.push({ node: source, message: `Node "${source}": output ${output} is connected but the node has ${outputCount} output(s)` });
        }
        for (const t of targets ?? []) {
          const to = nodes.get(t.node);
          if (!to) {
            problems.push({ node: source, message: `Node "${source}" is connected to "${t.node}", which is not a node of the workflow` });
            continue;
          }
          const toType = nodeTypeOf(to);
          if (toType && (t.index ?? 0) >= Math.max(1, toType.inputs(to))) {
            problems.push({ node: t.node, message: `Node "${source}" is connected to input ${t.index} of "${t.node}", which has ${toType.inputs(to)} input(s)` });
          }
          if (toType && toType.inputs(to) === 0) {
            problems.push({ node: t.node, message: `Node "${source}" is connected to "${t.node}", a trigger, which has no input` });
          }
        }
      });
    }
  }
  return problems;
}

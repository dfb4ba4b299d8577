/**
 * A node's inputs and outputs as the canvas shows them, from its description:
 * fixed labels (If true/false, Loop Over Items done/loop), Switch outputs from
 * its rules (named by their output keys) or numberOutputs, Merge inputs from
 * numberInputs, and the extra "error" output of onError continueErrorOutput.
 * The counts agree with the engine's (a unit test runs both over fixtures).
 */
import type { N8nNode, NodeTypeEntry } from './types';

interface Rule {
  readonly renameOutput?: boolean;
  readonly outputKey?: string;
}

function switchOutputs(node: N8nNode): string[] {
  const p = node.parameters ?? {};
  if (p.mode === 'expression') return Array.from({ length: Number(p.numberOutputs ?? 4) }, (_, i) => String(i));
  const rules = ((p.rules as { values?: Rule[] } | undefined)?.values ?? []).map((r, i) => (r.renameOutput && r.outputKey ? r.outputKey : String(i)));
  const options = (p.options as { fallbackOutput?: unknown; renameFallbackOutput?: unknown } | undefined) ?? {};
  if (options.fallbackOutput === 'extra') rules.push(typeof options.renameFallbackOutput === 'string' && options.renameFallbackOutput ? options.renameFallbackOutput : 'Fallback');
  return rules;
}

export function outputLabels(node: N8nNode, entry: NodeTypeEntry | undefined): string[] {
  const base = !entry ? [''] : entry.dynamicOutputs === 'switch' ? switchOutputs(node) : [...entry.outputs];
  return node.onError === 'continueErrorOutput' ? [...base, 'error'] : base;
}

export function inputLabels(node: N8nNode, entry: NodeTypeEntry | undefined): string[] {
  if (!entry) return [''];
  if (entry.dynamicInputs === 'numberInputs') {
    const n = Number(node.parameters?.numberInputs ?? 2);
    return Array.from({ length: Number.isFinite(n) && n > 0 ? n : 2 }, (_, i) => `input ${i + 1}`);
  }
  return [...entry.inputs];
}

/**
 * Where an item a sub-workflow returned came from in the parent, as n8n's
 * Execute Sub-workflow (1.2, mode once) finds it: from the child's last node,
 * follow each item's pairedItem back through the run that fed it (the
 * first source of each run, its previous node's run), node by node, to the
 * start; the pairedItem found there is the parent's input item.
 *
 * n8n's walk is deliberately simple and so is this one, rule for rule: it
 * follows only each run's first source, and it reads the previous run's
 * output `pairedItem.input` (defaulting to 0) at `pairedItem.item`
 * (defaulting to the item's own index). Undefined when there is nothing to
 * walk: the caller keeps the item's own pairedItem then.
 */
import type { Item, NodeRun, PairedItem } from './types';

/** A node's runs in the child execution (index = run index). */
export type RunsOf = (node: string) => readonly NodeRun[] | undefined;

function previousRun(runsOf: RunsOf, run: NodeRun): NodeRun | undefined {
  const source = run.source?.[0];
  if (!source?.previousNode) return undefined;
  const runs = runsOf(source.previousNode);
  if (!runs || runs.length === 0) return undefined;
  return runs[source.previousNodeRun ?? 0];
}

export function backtrackPairedItem(runsOf: RunsOf, lastNode: string | undefined, item: Item, itemIndex: number): Item['pairedItem'] | undefined {
  if (!lastNode) return undefined;
  const runs = runsOf(lastNode);
  const last = runs?.[runs.length - 1];
  if (!last) return undefined;
  let pairedItem: Item['pairedItem'] | number | undefined = item.pairedItem;
  for (let run = previousRun(runsOf, last); run !== undefined; run = previousRun(runsOf, run)) {
    let input = 0;
    let index = itemIndex;
    if (typeof pairedItem === 'number') index = pairedItem;
    else if (pairedItem !== undefined && !Array.isArray(pairedItem)) {
      input = (pairedItem as PairedItem).input ?? 0;
      index = (pairedItem as PairedItem).item ?? itemIndex;
    }
    pairedItem = run.data?.main?.[input]?.[index]?.pairedItem;
  }
  return pairedItem as Item['pairedItem'] | undefined;
}

/** Every output of the child's last run of `lastNode`, each item that has a pairedItem traced back to the parent's input. */
export function tracedOutputs(runsOf: RunsOf, lastNode: string | undefined): Item[][] {
  if (!lastNode) return [];
  const last = runsOf(lastNode)?.at(-1);
  return (last?.data?.main ?? []).map((output) =>
    (output ?? []).map((item, i) => {
      const traced = item.pairedItem === undefined ? undefined : backtrackPairedItem(runsOf, lastNode, item, i);
      return traced === undefined ? item : { ...item, pairedItem: traced };
    }),
  );
}

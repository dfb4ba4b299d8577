/**
 * Loop Over Items (Split In Batches 3): output 0 "done", output 1 "loop".
 * The node keeps its batches in its node context between runs; each run emits
 * the next batch on "loop" (lineage pointing back to where the items first came
 * from), and once none is left emits on "done" every item that came back.
 */
import type { NodeType } from '../node-type';
import type { Item, JsonObject, PairedItem, TaskSource } from '../types';

export const splitInBatches: NodeType = {
  type: 'n8n-nodes-base.splitInBatches',
  versions: [3],
  kind: 'pure',
  inputs: () => 1,
  outputs: () => 2,
  parameters: ['batchSize', 'options'],
  execute(ex) {
    const items = ex.items;
    const ctx = ex.context as unknown as { items?: Item[]; processedItems?: Item[]; sourceData?: TaskSource | null; currentRunIndex?: number; maxRunIndex?: number; noItemsLeft?: boolean; done?: boolean };
    const batchSize = Number(ex.param('batchSize', 0, 1));
    const options = ex.param<Record<string, unknown>>('options', 0, {});
    let returned: Item[];
    if (ctx.items === undefined || options.reset === true) {
      ctx.currentRunIndex = 0;
      ctx.maxRunIndex = Math.ceil(items.length / batchSize);
      ctx.sourceData = ex.source[0] ?? null;
      returned = items.slice(0, batchSize);
      ctx.items = items.slice(batchSize);
      ctx.processedItems = [];
    } else {
      ctx.currentRunIndex = (ctx.currentRunIndex ?? 0) + 1;
      returned = ctx.items.slice(0, batchSize);
      ctx.items = ctx.items.slice(batchSize);
      const original = ctx.sourceData ?? undefined;
      const overwrite = (p: PairedItem | number): PairedItem => {
        const base = typeof p === 'number' ? { item: p } : { item: p.item, ...(p.input !== undefined ? { input: p.input } : {}) };
        return original ? { ...base, sourceOverwrite: original } : base;
      };
      const incoming = ex.source[0] ?? undefined;
      const back = items.map((item, index) => ({ ...item, pairedItem: incoming ? { item: index, sourceOverwrite: incoming } : { item: index } }));
      ctx.processedItems = [...(ctx.processedItems ?? []), ...back];
      returned = returned.map((item) => ({
        ...item,
        pairedItem:
          item.pairedItem === undefined ? overwrite(0) : Array.isArray(item.pairedItem) ? item.pairedItem.map(overwrite) : overwrite(item.pairedItem),
      }));
    }
    ctx.noItemsLeft = ctx.items.length === 0;
    ex.context = ctx as unknown as JsonObject;
    if (returned.length === 0) {
      ctx.done = true;
      return [ctx.processedItems ?? [], []];
    }
    ctx.done = false;
    return [[], returned];
  },
};

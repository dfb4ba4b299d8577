/**
 * Items around a node run, as n8n's WorkflowExecute handles them: the input
 * stamped with pairedItem before the node runs, missing pairedItems filled in
 * after it, error items routed to the error output or reported as json. Items
 * are never changed in place: each step makes new items where it changes one.
 */
import type { NodeOutput } from './node-type';
import type { Item } from './types';

/** A node's main data: its first non-empty input. */
export function mainInput(input: (Item[] | null)[]): Item[] {
  return input.find((m): m is Item[] => m !== null && m.length > 0) ?? input[0] ?? [];
}

/** Before a node runs: each input item gets pairedItem { item, input } (input omitted for 0), as copies. */
export function stamp(input: (Item[] | null)[]): (Item[] | null)[] {
  return input.map((items, k) =>
    items === null
      ? null
      : items.map((item, i) => ({ ...item, pairedItem: k === 0 ? { item: i } : { item: i, input: k } })),
  );
}

/** After a node ran: fill in missing pairedItems where n8n can tell the origin. */
export function assignPairedItems(data: NodeOutput, input: (Item[] | null)[]): NodeOutput {
  if (!data || data.length === 0) return data;
  const single = input.length === 1 && input[0]?.length === 1;
  const sameCount = data.length === 1 && input.length === 1 && input[0]?.length === data[0]?.length;
  const manyToOne = data.length === 1 && data[0]?.length === 1 && input.length === 1 && (input[0]?.length ?? 0) > 1;
  let stop = false;
  return data.map((items) => {
    if (stop || items === null) return items;
    const out: Item[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (stop || item.pairedItem !== undefined) {
        out.push(item);
        continue;
      }
      if (single || manyToOne) out.push({ ...item, pairedItem: { item: 0 } });
      else if (sameCount) out.push({ ...item, pairedItem: { item: i } });
      else {
        stop = true;
        out.push(item);
      }
    }
    return out;
  });
}

/** continueErrorOutput: items that carry an error move to the last output, with the fields of the input item they came from. */
export function routeErrorItems(data: Item[][], input: (Item[] | null)[], outputs: number): Item[][] {
  const result: Item[][] = [];
  const errorItems: Item[] = [];
  for (let o = 0; o < outputs - 1; o++) {
    const success: Item[] = [];
    for (const item of data[o] ?? []) {
      const json = item.json ?? {};
      const isError =
        item.error !== undefined ||
        (Boolean(json.error) && Object.keys(json).every((k) => k === 'error' || k === 'message' || k === 'details'));
      if (!isError) {
        success.push(item);
        continue;
      }
      const p = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
      const paired = p === undefined ? undefined : typeof p === 'number' ? { item: p } : p;
      const origin = paired ? input[paired.input ?? 0]?.[paired.item] : undefined;
      errorItems.push(origin ? { ...item, json: { ...origin.json, ...json } } : item);
    }
    result.push(success);
  }
  result.push(errorItems);
  return result;
}

/** Items with an `error` report it as json { error: message }, as n8n's normalizeNodeErrors. */
export function normalizeErrors(data: Item[][]): Item[][] {
  if (!data.some((items) => items?.some((i) => i.error !== undefined))) return data;
  return data.map((items) =>
    items?.map((i) => (i.error !== undefined ? { ...i, json: { error: String(i.error.message ?? i.error) } } : i)),
  );
}

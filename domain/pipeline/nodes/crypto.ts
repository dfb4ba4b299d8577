/**
 * Crypto 1 (hash, hmac, generate): the digests are computed by an activity
 * without side effects (node:crypto stays out of the pure core); the node puts
 * each result into the item under dataPropertyName.
 */
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { CryptoActivity, CryptoActivityResult, CryptoAlgorithm, Item, JsonObject, JsonValue } from '../types';
import { deepCopy, setField } from '../values';

const ALGORITHMS: Record<string, CryptoAlgorithm> = {
  MD5: 'md5',
  SHA1: 'sha1',
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
  'SHA3-256': 'sha3-256',
  'SHA3-384': 'sha3-384',
  'SHA3-512': 'sha3-512',
};

interface Pending {
  properties: string[];
}

export const crypto: NodeType = {
  type: 'n8n-nodes-base.crypto',
  versions: [1],
  kind: 'activity',
  inputs: () => 1,
  outputs: () => 1,
  parameters: ['action', 'type', 'value', 'dataPropertyName', 'encoding', 'secret', 'binaryData', 'binaryPropertyName', 'encodingType', 'stringLength', 'privateKey', 'algorithm'],
  check(node) {
    const p = node.parameters ?? {};
    const action = String(p.action ?? 'hash');
    if (!['hash', 'hmac', 'generate'].includes(action)) return [`action "${action}" is not supported`];
    if (p.binaryData === true) return ['hashing binary data is not supported yet'];
    if (action !== 'generate' && p.type !== undefined && ALGORITHMS[String(p.type)] === undefined) return [`algorithm "${String(p.type)}" is not supported`];
    return [];
  },
  start(ex) {
    const action = String(ex.parameters.action ?? 'hash');
    const operations: CryptoActivity['operations'][number][] = [];
    const properties: string[] = [];
    ex.items.forEach((_, i) => {
      const p = ex.resolve(i);
      properties.push(String(p.dataPropertyName ?? 'data'));
      if (action === 'generate') {
        const encoding = String(p.encodingType ?? 'uuid') as 'uuid' | 'hex' | 'base64' | 'ascii';
        operations.push({ action: 'generate', encoding, length: Number(p.stringLength ?? 32) });
        return;
      }
      const algorithm = ALGORITHMS[String(p.type ?? 'MD5')];
      if (!algorithm) throw new NodeOperationError(`The algorithm "${String(p.type)}" is not supported`, undefined, i);
      const value = typeof p.value === 'object' && p.value !== null ? JSON.stringify(p.value) : String(p.value ?? '');
      const encoding = p.encoding === 'base64' ? 'base64' : 'hex';
      operations.push(action === 'hmac' ? { action: 'hmac', algorithm, value, secret: String(p.secret ?? ''), encoding } : { action: 'hash', algorithm, value, encoding });
    });
    const request: CryptoActivity = { operations };
    const pending: Pending = { properties };
    return { step: { kind: 'activity', node: ex.node.name, nodeType: ex.node.type, request: request as unknown as JsonValue }, pending: pending as unknown as JsonValue };
  },
  finish(ex, raw, resume) {
    if (resume.kind === 'activityError') throw new NodeOperationError(resume.error.message, resume.error.description);
    if (resume.kind !== 'activity') throw new Error(`Crypto: expected the activity's result, got ${resume.kind}`);
    const { properties } = raw as unknown as Pending;
    const { values } = resume.result as unknown as CryptoActivityResult;
    return [
      ex.items.map((item, i): Item => {
        const json: JsonObject = deepCopy(item.json);
        setField(json, properties[i]!, values[i] ?? null);
        return { ...item, json, pairedItem: { item: i } };
      }),
    ];
  },
};

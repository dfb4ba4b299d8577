/**
 * The Crypto node's work: hashes and HMACs need node:crypto, which the pure
 * engine core may not import, and `generate` is random, so the engine hands
 * the node to the durable run as an activity (no side effects; its result is
 * recorded like any other, so replay never draws a second random value).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { CryptoActivity, CryptoActivityResult } from '../../domain/pipeline/types';

/** Printable ASCII, as a random string of "ascii" characters shows it. */
const PRINTABLE = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function generate(encoding: 'uuid' | 'hex' | 'base64' | 'ascii', length: number): string {
  if (encoding === 'uuid') return randomUUID();
  if (encoding === 'hex') return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
  if (encoding === 'base64') return randomBytes(Math.ceil((length * 3) / 4) + 1).toString('base64').slice(0, length);
  return Array.from(randomBytes(length), (b) => PRINTABLE[b % PRINTABLE.length]).join('');
}

export function runCrypto(request: CryptoActivity): CryptoActivityResult {
  return {
    values: request.operations.map((op) => {
      switch (op.action) {
        case 'hash':
          return createHash(op.algorithm).update(op.value).digest(op.encoding);
        case 'hmac':
          return createHmac(op.algorithm, op.secret).update(op.value).digest(op.encoding);
        case 'generate':
          return generate(op.encoding, op.length);
      }
    }),
  };
}

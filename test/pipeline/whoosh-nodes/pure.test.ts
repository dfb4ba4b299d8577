/**
 * The pure rules beneath the WHOOSH nodes: approval commands and issue
 * references, the JSON answer check with its repair wording, credential
 * headers, the encryption key formats and sealing, and Docker's log frames.
 */
import { randomBytes } from 'node:crypto';
import { decrypt, encrypt } from '../../../activities/credentials/cipher';
import { demuxLogs } from '../../../activities/docker/job-runner';
import { authHeaders } from '../../../domain/credentials';
import { parseApprovalCommand, parseIssueRef } from '../../../domain/pipeline/nodes/whoosh-approval';
import { checkJsonAnswer } from '../../../domain/pipeline/nodes/whoosh-llm';
import { parseEncryptionKey } from '../../../infra/encryption-key';

test('approval commands and issue references', () => {
  expect(parseApprovalCommand('/approve ship it')).toEqual({ decision: 'approve', comment: 'ship it' });
  expect(parseApprovalCommand('Thanks!\n/reject   needs tests')).toEqual({ decision: 'reject', comment: 'needs tests' });
  expect(parseApprovalCommand('I would /approve this')).toBeUndefined();
  expect(parseApprovalCommand('/approved')).toBeUndefined();
  expect(parseIssueRef('acme/api#12')).toEqual({ owner: 'acme', name: 'api', number: 12 });
  expect(parseIssueRef('acme/api 12')).toBeUndefined();
});

test('JSON answers: fences stripped, schema problems named for the repair prompt', () => {
  const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
  expect(checkJsonAnswer('```json\n{"n": 2}\n```', schema)).toEqual({ ok: true, value: { n: 2 } });
  expect(checkJsonAnswer('{"n": "two"}', schema)).toEqual({ ok: false, problems: expect.stringMatching(/^n: .*number/) });
  expect(checkJsonAnswer('{"m": 1}', schema)).toEqual({ ok: false, problems: expect.stringContaining('n:') });
  expect(checkJsonAnswer('sure! {"n": 1}', null)).toEqual({ ok: false, problems: expect.stringMatching(/^the answer is not valid JSON/) });
});

test('credential headers', () => {
  expect(authHeaders('httpHeaderAuth', { name: 'X-Key', value: 'k' })).toEqual({ 'X-Key': 'k' });
  expect(authHeaders('httpBasicAuth', { user: 'zoë', password: 'p:w' })).toEqual({ authorization: `Basic ${Buffer.from('zoë:p:w').toString('base64')}` });
  expect(authHeaders('httpBearerAuth', { token: 't' })).toEqual({ authorization: 'Bearer t' });
  expect(() => authHeaders('httpHeaderAuth', { name: 'bad header', value: 'k' })).toThrow();
});

test('encryption keys: 32 bytes as hex or base64; sealed data is bound to its credential', () => {
  const key = randomBytes(32);
  expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
  expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
  expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
  expect(parseEncryptionKey('too-short')).toBeUndefined();
  const sealed = encrypt(key, '{"token":"s3cret"}', 'id1:httpBearerAuth');
  expect(sealed).not.toContain('s3cret');
  expect(decrypt(key, sealed, 'id1:httpBearerAuth')).toBe('{"token":"s3cret"}');
  expect(() => decrypt(key, sealed, 'id2:httpBearerAuth')).toThrow();
  expect(() => decrypt(randomBytes(32), sealed, 'id1:httpBearerAuth')).toThrow();
});

test("Docker's multiplexed log frames split into stdout and stderr", () => {
  const frame = (type: number, text: string) => Buffer.concat([Buffer.from([type, 0, 0, 0, 0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
  expect(demuxLogs(Buffer.concat([frame(1, 'out 1\n'), frame(2, 'err\n'), frame(1, 'out 2\n')]))).toEqual({ stdout: 'out 1\nout 2\n', stderr: 'err\n' });
});

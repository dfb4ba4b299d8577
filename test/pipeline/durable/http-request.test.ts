/**
 * The HTTP Request node's side effect against a real local HTTP server: what
 * the server receives for each request shape, and what comes back.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequestSpec } from '../../../domain/pipeline/types';
import { runHttpRequests } from '../../../activities/pipeline/http-request';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() });
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/json') return void res.setHeader('content-type', 'application/json').end(JSON.stringify({ ok: true, n: 1 }));
      if (path === '/text') return void res.setHeader('content-type', 'text/plain; charset=utf-8').end('héllo');
      if (path === '/png') return void res.setHeader('content-type', 'image/png').end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      if (path === '/missing') return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"nope"}');
      if (path === '/redirect') return void res.writeHead(302, { location: '/json' }).end();
      if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
      if (path === '/slow') {
        const t = setTimeout(() => res.end('late'), 2000);
        return void res.on('close', () => clearTimeout(t));
      }
      res.setHeader('content-type', 'application/json').end(JSON.stringify({ echo: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => void (seen.length = 0));

const spec = (over: Partial<HttpRequestSpec>): HttpRequestSpec => ({
  method: 'GET',
  url: `${base}/json`,
  query: [],
  headers: {},
  responseFormat: 'autodetect',
  timeoutMs: 10_000,
  followRedirects: true,
  maxRedirects: 21,
  allowUnauthorizedCerts: false,
  ...over,
});

test('query parameters (repeated names kept) and headers reach the server', async () => {
  const [r] = await runHttpRequests({ requests: [spec({ url: `${base}/echo?a=0`, query: [['a', '1'], ['a', '2'], ['q', 'x y']], headers: { 'X-Trace': 'abc' } })] });
  expect(r).toMatchObject({ ok: true, statusCode: 200, body: { encoding: 'text', text: '{"echo":true}' } });
  expect(seen[0]!.url).toBe('/echo?a=0&a=1&a=2&q=x+y');
  expect(seen[0]!.headers['x-trace']).toBe('abc');
});

test('JSON, form, multipart and raw bodies, each with its content type', async () => {
  await runHttpRequests({
    requests: [
      spec({ method: 'POST', url: `${base}/echo`, body: { type: 'json', json: { a: [1, 2], b: null } } }),
      spec({ method: 'PUT', url: `${base}/echo`, body: { type: 'form', fields: [['a', '1'], ['a', '2'], ['c', 'x&y']] } }),
      spec({ method: 'PATCH', url: `${base}/echo`, body: { type: 'multipart', fields: [['name', 'ann']] } }),
      spec({ method: 'DELETE', url: `${base}/echo`, body: { type: 'raw', contentType: 'text/csv', text: 'a,b\n1,2' } }),
    ],
  });
  const byMethod = Object.fromEntries(seen.map((s) => [s.method, s]));
  expect(byMethod.POST!.headers['content-type']).toBe('application/json');
  expect(JSON.parse(byMethod.POST!.body)).toEqual({ a: [1, 2], b: null });
  expect(byMethod.PUT!.headers['content-type']).toContain('application/x-www-form-urlencoded');
  expect(byMethod.PUT!.body).toBe('a=1&a=2&c=x%26y');
  expect(byMethod.PATCH!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  expect(byMethod.PATCH!.body).toContain('name="name"');
  expect(byMethod.DELETE!.headers['content-type']).toBe('text/csv');
  expect(byMethod.DELETE!.body).toBe('a,b\n1,2');
});

test('text stays text, binary content types come back base64, a file format forces bytes', async () => {
  const [text, png, file] = await runHttpRequests({ requests: [spec({ url: `${base}/text` }), spec({ url: `${base}/png` }), spec({ url: `${base}/json`, responseFormat: 'file' })] });
  expect(text).toMatchObject({ ok: true, body: { encoding: 'text', text: 'héllo' }, contentType: 'text/plain; charset=utf-8' });
  expect(png).toMatchObject({ ok: true, body: { encoding: 'base64', base64: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64') }, contentType: 'image/png' });
  expect(file).toMatchObject({ ok: true, body: { encoding: 'base64', base64: Buffer.from('{"ok":true,"n":1}').toString('base64') } });
});

test('an error status is reported with its body (the engine applies neverError)', async () => {
  const [r] = await runHttpRequests({ requests: [spec({ url: `${base}/missing` })] });
  expect(r).toMatchObject({ ok: true, statusCode: 404, body: { text: '{"error":"nope"}' } });
});

test('redirects are followed up to maxRedirects, or not at all', async () => {
  const [followed, kept, loop] = await runHttpRequests({
    requests: [spec({ url: `${base}/redirect` }), spec({ url: `${base}/redirect`, followRedirects: false }), spec({ url: `${base}/loop`, maxRedirects: 3 })],
  });
  expect(followed).toMatchObject({ ok: true, statusCode: 200, body: { text: '{"ok":true,"n":1}' } });
  expect(kept).toMatchObject({ ok: true, statusCode: 302, headers: { location: '/json' } });
  expect(loop).toMatchObject({ ok: true, statusCode: 302 });
  expect(seen.filter((s) => s.url === '/loop')).toHaveLength(4);
});

test('a refused connection and a timeout are failures with n8n-like messages', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  const [refused, slow] = await runHttpRequests({ requests: [spec({ url: `http://127.0.0.1:${port}/` }), spec({ url: `${base}/slow`, timeoutMs: 200 })] });
  expect(refused).toEqual({ ok: false, message: 'The service refused the connection - perhaps it is offline', code: 'ECONNREFUSED' });
  expect(slow).toEqual({ ok: false, message: 'timeout of 200ms exceeded', code: 'ECONNABORTED' });
});

test('batching: batchSize requests, then the interval, results in request order', async () => {
  const pauses: number[] = [];
  const requests = Array.from({ length: 5 }, (_, i) => spec({ url: `${base}/echo?i=${i}` }));
  const results = await runHttpRequests({ requests, batching: { batchSize: 2, intervalMs: 50 } }, { sleep: async (ms) => void pauses.push(ms) });
  expect(results).toHaveLength(5);
  expect(pauses).toEqual([50, 50]);
  expect(seen.map((s) => s.url).sort()).toEqual(requests.map((_, i) => `/echo?i=${i}`));
});

test('options fetch cannot honour are failures, never silently ignored', async () => {
  const [tls, proxy] = await runHttpRequests({ requests: [spec({ allowUnauthorizedCerts: true }), spec({ proxy: 'http://proxy:3128' })] });
  expect(tls).toMatchObject({ ok: false, code: 'UNSUPPORTED_OPTION' });
  expect(proxy).toMatchObject({ ok: false, code: 'UNSUPPORTED_OPTION' });
  expect(seen).toHaveLength(0);
});

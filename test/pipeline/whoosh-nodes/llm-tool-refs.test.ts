/** whoosh.llm's `tools` parameter in the forms an editor or a hand-written document gives it. */
import { toolRefsOf, whooshLlm } from '../../../domain/pipeline/nodes/whoosh-llm';

test('lists, JSON, fixedCollection and "server.tool" names', () => {
  expect(toolRefsOf([{ server: 'calc' }, { server: 'calc', tool: 'add' }])).toEqual([{ server: 'calc' }, { server: 'calc', tool: 'add' }]);
  expect(toolRefsOf('[{"server":"a","tool":""}]')).toEqual([{ server: 'a' }]);
  expect(toolRefsOf({ tool: [{ server: 'a', tool: 't' }] })).toEqual([{ server: 'a', tool: 't' }]);
  expect(toolRefsOf('calc.add, search')).toEqual([{ server: 'calc', tool: 'add' }, { server: 'search' }]);
  expect(toolRefsOf('')).toEqual([]);
  // The editor starts a fixedCollection empty, as n8n does.
  expect(toolRefsOf({})).toEqual([]);
});

test('bad forms are named', () => {
  expect(() => toolRefsOf('[oops')).toThrow('"tools" is not valid JSON');
  expect(() => toolRefsOf([{ tool: 'add' }])).toThrow(/needs a "server"/);
  expect(() => toolRefsOf(42)).toThrow(/must be a list/);
});

test('saving names a bad "tools" or "maxToolRounds"; an expression is left to the run', () => {
  const check = (parameters: Record<string, unknown>) => whooshLlm.check!({ name: 'Ask', type: 'whoosh.llm', typeVersion: 1, position: [0, 0], parameters: { prompt: 'x', ...parameters } });
  expect(check({ tools: [{ tool: 'add' }], maxToolRounds: 0 })).toEqual([
    'parameter "tools": Each tool needs a "server" (a name of mcp_servers.registry)',
    'parameter "maxToolRounds" must be a whole number from 1 to 50',
  ]);
  expect(check({ tools: '={{ $json.tools }}', maxToolRounds: 3 })).toEqual([]);
});

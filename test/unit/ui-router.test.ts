/** The dashboard's addresses (ui/src/lib/router.ts): what a path means, and which clicks the app handles. */
import { hrefs, isAppNavigation, parseRoute, sectionOf } from '../../ui/src/lib/router';

test('each view has a path, and list filters live in the query string', () => {
  expect(parseRoute('/')).toEqual({ name: 'overview' });
  expect(parseRoute('/teams', '?repository=acme%2Fapi&status=active&empty=')).toEqual({ name: 'teams', params: { repository: 'acme/api', status: 'active' } });
  expect(parseRoute('/teams/1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed')).toEqual({ name: 'team', id: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed' });
  expect(parseRoute('/councils/')).toEqual({ name: 'councils', params: {} });
  expect(parseRoute('/agents')).toEqual({ name: 'agents' });
  expect(parseRoute('/repositories')).toEqual({ name: 'repositories' });
  expect(parseRoute('/executions', '?kind=team&pageSize=10')).toEqual({ name: 'executions', params: { kind: 'team', pageSize: '10' } });
  expect(parseRoute('/agents/extra')).toEqual({ name: 'not-found', path: '/agents/extra' });
  expect(parseRoute('/executions/%E0%A4%A')).toEqual({ name: 'not-found', path: '/executions/%E0%A4%A' });
});

test('a workflow id with slashes, a colon and a hash survives the round trip through its address', () => {
  const id = 'team:acme/api#42';
  const href = hrefs.execution(id, '01a1fd79-b766-7c8b-b01a-522d2e0f5250');
  expect(href).toBe('/executions/team%3Aacme%2Fapi%2342?runId=01a1fd79-b766-7c8b-b01a-522d2e0f5250');
  const url = new URL(href, 'http://dash.test');
  expect(parseRoute(url.pathname, url.search)).toEqual({ name: 'execution', workflowId: id, runId: '01a1fd79-b766-7c8b-b01a-522d2e0f5250' });
  expect(sectionOf(parseRoute(url.pathname))).toBe('executions');
  expect(hrefs.executions({ kind: 'team', status: '', q: undefined })).toBe('/executions?kind=team');
});

test('only plain left clicks on the app’s own pages are taken over', () => {
  const click = { button: 0, metaKey: false, ctrlKey: false, shiftKey: false, altKey: false, defaultPrevented: false };
  const link = (href: string, target = '') => ({ href, target, hasDownload: false });
  const origin = 'http://dash.test';
  expect(isAppNavigation(click, link('http://dash.test/teams'), origin)).toBe(true);
  expect(isAppNavigation({ ...click, ctrlKey: true }, link('http://dash.test/teams'), origin)).toBe(false);
  expect(isAppNavigation({ ...click, button: 1 }, link('http://dash.test/teams'), origin)).toBe(false);
  expect(isAppNavigation(click, link('http://dash.test/teams', '_blank'), origin)).toBe(false);
  expect(isAppNavigation(click, link('http://temporal.test/namespaces/default'), origin)).toBe(false);
  expect(isAppNavigation(click, link('http://dash.test/api/docs'), origin)).toBe(false);
  expect(isAppNavigation(click, { ...link('http://dash.test/teams'), hasDownload: true }, origin)).toBe(false);
});

test('pipelines: the list with its tag filter, a pipeline, a new one, and a past run on its canvas', () => {
  expect(parseRoute('/pipelines', '?tag=ops')).toEqual({ name: 'pipelines', params: { tag: 'ops' } });
  expect(parseRoute('/pipelines/new')).toEqual({ name: 'pipeline', id: 'new' });
  const href = hrefs.pipeline('pl_abc', '0b7c3c1e-2f6d-4a8e-9d55-0d7c1b1e9f00');
  expect(href).toBe('/pipelines/pl_abc?execution=0b7c3c1e-2f6d-4a8e-9d55-0d7c1b1e9f00');
  const url = new URL(href, 'http://dash.test');
  expect(parseRoute(url.pathname, url.search)).toEqual({ name: 'pipeline', id: 'pl_abc', execution: '0b7c3c1e-2f6d-4a8e-9d55-0d7c1b1e9f00' });
  expect(sectionOf(parseRoute('/pipelines/pl_abc'))).toBe('pipelines');
  expect(hrefs.pipelines({ tag: 'a b' })).toBe('/pipelines?tag=a+b');
});

import {
  COUNCIL_ROLES,
  COUNCIL_ROLE_IDS,
  composeCouncil,
  routableNeeds,
  type CouncilBrief,
} from '../../domain/council/compose-council';
import type { NodeView } from '../../domain/routing/route-call';

const brief = (title: string, body = '', labels: string[] = ['chorus-entrypoint']): CouncilBrief => ({ title, body, labels });
const roles = (b: CouncilBrief): string[] => composeCouncil(b).members.map((m) => m.role);
const reasonsOf = (b: CouncilBrief, role: string): string[] => composeCouncil(b).members.find((m) => m.role === role)?.reasons ?? [];

test('a plain brief gets the three core roles, and says why each optional role stayed out', () => {
  const c = composeCouncil(brief('Design Brief: changelog generator', 'Generate release notes from merged pull requests, grouped by label.'));
  expect(c.members.map((m) => m.role)).toEqual(['product_manager', 'engineering_lead', 'qa_lead']);
  expect(c.members.every((m) => m.core && m.reasons[0] === 'core role: always on the council')).toBe(true);
  expect(c.skipped.map((s) => s.role)).toEqual(['security_lead', 'devops_lead', 'ux_lead']);
  expect(c.skipped[0]!.reason).toMatch(/no label or word in the brief calls for a security lead/);
});

test('words in the title and body call optional roles, and the reasons name them', () => {
  const b = brief('Design Brief: SSO login for the admin console', 'Staff authenticate with OAuth2 against our IdP. Deployed to Kubernetes next to the API.');
  expect(roles(b)).toEqual(['product_manager', 'engineering_lead', 'qa_lead', 'security_lead', 'devops_lead']);
  expect(reasonsOf(b, 'security_lead')).toEqual(['title mentions "login" → security_lead', 'title mentions "sso" → security_lead', 'body mentions "authenticate" → security_lead', 'body mentions "oauth2" → security_lead']);
  expect(reasonsOf(b, 'devops_lead')).toEqual(['body mentions "deployed" → devops_lead', 'body mentions "kubernetes" → devops_lead']);
});

test('labels call roles too, namespaced or not, and come first among the reasons', () => {
  const b = brief('Design Brief: billing page', 'A page listing invoices; card payments go through the provider.', ['chorus-entrypoint', 'area/Security', 'UX']);
  expect(roles(b)).toEqual(expect.arrayContaining(['security_lead', 'ux_lead']));
  expect(reasonsOf(b, 'security_lead')[0]).toBe('label "security" → security_lead');
  expect(reasonsOf(b, 'security_lead')).toContain('body mentions "payments" → security_lead');
  expect(reasonsOf(b, 'ux_lead')).toEqual(['label "ux" → ux_lead']);
});

test('hyphens and spaces match alike; a word in title and body is one reason', () => {
  const b = brief('Design Brief: sign-in screen', 'The sign in screen must meet WCAG AA.');
  expect(reasonsOf(b, 'security_lead')).toEqual(['title mentions "sign in" → security_lead']);
  expect(reasonsOf(b, 'ux_lead')).toEqual(['title mentions "screen" → ux_lead', 'body mentions "wcag" → ux_lead']);
});

test('words that only look related do not call anyone', () => {
  const b = brief(
    'Design Brief: faster summaries',
    'Report tokens per second in the form of a chart from the data pipeline; the Linux build credits its authors.',
  );
  expect(roles(b)).toEqual(['product_manager', 'engineering_lead', 'qa_lead']);
});

test('a brief that calls for many things keeps its reasons short', () => {
  const b = brief('Design Brief: platform', 'deploy docker kubernetes helm terraform monitoring alerting backups uptime', ['devops']);
  const reasons = reasonsOf(b, 'devops_lead');
  expect(reasons).toHaveLength(5);
  expect(reasons[0]).toBe('label "devops" → devops_lead');
  expect(reasons[4]).toMatch(/^…and \d+ more$/);
});

test('every role has metadata, and each seat carries routing needs with a relaxed fallback', () => {
  expect(Object.keys(COUNCIL_ROLES).sort()).toEqual([...COUNCIL_ROLE_IDS].sort());
  expect(new Set(COUNCIL_ROLE_IDS.map((r) => COUNCIL_ROLES[r].artifact)).size).toBe(COUNCIL_ROLE_IDS.length);
  expect(COUNCIL_ROLE_IDS.filter((r) => COUNCIL_ROLES[r].core)).toEqual(['product_manager', 'engineering_lead', 'qa_lead']);

  const security = composeCouncil(brief('Design Brief: encrypt backups')).members.find((m) => m.role === 'security_lead')!;
  expect(security).toMatchObject({ title: 'Security lead', artifact: 'threat_model', core: false });
  expect(security.needs).toEqual({ specialization: 'security', capabilities: ['security'] });
  expect(security.fallbackNeeds).toEqual({ specialization: 'security' });
});

test('routableNeeds keeps the capabilities when some live node has them, and drops them otherwise', () => {
  const node = (id: string, capabilities: string[], over: Partial<NodeView> = {}): NodeView => ({
    id,
    status: 'up',
    installedModels: ['llama3.1:8b'],
    configuredModels: ['llama3.1:8b'],
    specialization: null,
    capabilities,
    parallel: 1,
    active: 0,
    ...over,
  });
  const security = composeCouncil(brief('Design Brief: encrypt backups')).members.find((m) => m.role === 'security_lead')!;

  expect(routableNeeds(security, [node('a', ['security']), node('b', [])])).toEqual(security.needs);
  expect(routableNeeds(security, [node('b', ['backend'])])).toEqual({ specialization: 'security' });
  // The only node with the capability is down: waiting for it would stall the council.
  expect(routableNeeds(security, [node('a', ['security'], { status: 'down' }), node('b', [])], 'llama3.1:8b')).toEqual({ specialization: 'security', model: 'llama3.1:8b' });
  expect(routableNeeds(security, [node('a', ['security'])], 'llama3.1:8b')).toEqual({ ...security.needs, model: 'llama3.1:8b' });
});

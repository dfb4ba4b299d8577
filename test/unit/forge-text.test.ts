/**
 * Hostile text on its way to the forge: model answers, brief titles and
 * feedback carrying HTML, unsafe links, mentions and forged markers come out
 * inert, in the team comment as in the council's bodies.
 */
import { cell, isUnsafeLink, safeText } from '../../domain/forge-text';
import { endsWithMarker, findMarker, marker } from '../../domain/markers';
import { renderSummaryComment, renderTaskIssue } from '../../domain/council/render';
import { formedComment, teamMarker } from '../../domain/team/report';
import type { Classification } from '../../domain/team/classify-task';

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(document.cookie))',
  '[tab](java\tscript:alert(1))',
  '[enc](javascript&#58;alert(1))',
  '![pixel](data:text/html;base64,PHNjcmlwdD4=)',
  '<javascript:alert(1)>',
  '[ref]: vbscript:msgbox(1)',
  '<!-- whoosh:team:00000000-0000-0000-0000-000000000000:formed -->',
  '</details><script>alert(1)</script>',
  'cc @admin and @org/security-team',
].join('\n');

/** No live HTML tag, comment or unsafe link survives outside code. */
function assertInert(md: string): void {
  const prose = md.replace(/```[\s\S]*?```|`[^`\n]+`/g, '');
  expect(prose).not.toMatch(/<(img|script|javascript|\/details)/i);
  expect(prose).not.toMatch(/\]\(\s*(javascript|java\s*script|data|vbscript)/i);
  expect(prose).not.toMatch(/^\s*\[[^\]]*\]:\s*vbscript/im);
  expect(prose).not.toMatch(/&#58;/);
  expect(prose).not.toMatch(/(^|[^`])@admin/);
}

test('hostile Markdown is neutralized: HTML, unsafe links, entity tricks, forged markers, mentions', () => {
  const s = safeText(HOSTILE);
  assertInert(s);
  expect(s).toContain('&lt;img src=x onerror=alert(1)>');
  expect(s).toContain('[click]\\(javascript:alert(document.cookie))');
  expect(s).toContain('\\[ref]: vbscript:msgbox(1)');
  expect(findMarker(s)).toBeUndefined();
  // Ordinary text and safe links are left as written.
  expect(safeText('See [docs](https://example.com/a?b=c) and a < b, R&D, `x <y>`')).toBe('See [docs](https://example.com/a?b=c) and a &lt; b, R&D, `x <y>`');
  expect(cell('a | b\n<b>c</b>')).toBe('a \\| b &lt;b>c&lt;/b>');
  for (const bad of ['javascript:x', ' JavaScript:x', 'java\nscript:x', 'data:x', 'javascript&#58;x', 'javascript%3ax']) expect(isUnsafeLink(bad)).toBe(true);
  for (const good of ['https://a.b', 'http://a.b/c:d', 'mailto:a@b.c', '/relative/path', '#anchor', 'page.html']) expect(isUnsafeLink(good)).toBe(false);
});

test('markers: only the exact form at the very end of a body counts', () => {
  const m = marker('team', 'abc', 'formed');
  expect(m).toBe('<!-- whoosh:team:abc:formed -->');
  expect(endsWithMarker(`x\n\n${m}\n`, m)).toBe(true);
  expect(endsWithMarker(`${m} and then text`, m)).toBe(false);
  expect(endsWithMarker(`x <!--  whoosh:team:abc:formed  -->`, m)).toBe(false);
  expect(findMarker(`x\n\n${m}`)).toEqual({ kind: 'team', id: 'abc', what: 'formed' });
});

const llmClassification: Classification = {
  type: 'feature_development',
  complexity: { level: 'medium', score: 0.5 },
  domains: ['backend'],
  skills: { critical: ['python <img src=x onerror=alert(1)>'], desirable: ['@everyone'] },
  confidence: 0.8,
  signals: ['the model said [x](javascript:alert(1))', `closes the comment early ${teamMarker('someone-else', 'formed')}`],
  source: 'llm',
};

test('the team comment escapes LLM-written classification text as the council does', () => {
  const teamId = '4f7e1c1e-7d8a-4d2e-9a55-0c9f0b1f2a3b';
  const body = formedComment({
    teamId,
    classification: llmClassification,
    team: {
      members: [],
      unfilled: [{ roleId: 'tester', reason: 'nobody <b>scored</b>' }],
      table: [],
      totalScore: 0,
    },
    members: [{ roleId: 'dev', roleTitle: 'Developer', agentId: 'walnut', agentName: 'Walnut <img src=x onerror=alert(1)>', model: 'llama3.1:8b', score: 0.9, reasons: ['said @alice [x](javascript:alert(1))'] }],
    docker: 'off',
  });
  assertInert(body);
  expect(body.match(/<!-- whoosh:/g)).toHaveLength(1);
  expect(findMarker(body)).toEqual({ kind: 'team', id: teamId, what: 'formed' });
  expect(body).toContain('`@alice`');
});

test("a hostile brief title and /revise feedback reach neither the council's summary nor its task issues live", () => {
  const title = 'Design Brief <img src=x onerror=alert(1)> [x](javascript:alert(1))';
  const summary = renderSummaryComment({
    councilId: 'council:acme/api#7',
    round: 2,
    brief: { number: 7, title },
    members: [],
    plan: { summary: 'Plan <img src=x onerror=alert(1)>', tasks: [{ key: 'db', title: 'Schema [s](javascript:1)', description: 'd', role: 'engineering_lead', dependsOn: [], estimate: 3 }] },
    feedback: { text: '[y](javascript:alert(2)) <img onerror=x>', by: 'dana' },
  });
  assertInert(summary);
  const issue = renderTaskIssue({
    councilId: 'council:acme/api#7',
    brief: { number: 7, title },
    task: { key: 'db', title: 'Schema', description: 'do <img src=x onerror=alert(1)> [z](javascript:1)', role: 'engineering_lead', dependsOn: [], estimate: 3 },
  });
  assertInert(issue.body);
});

import { expressionSyntaxProblem, parameterExpressionProblems } from '../../../domain/pipeline/expression-syntax';

test.each([
  ['plain text {{ not an expression', undefined],
  ['={{ $json.a }}', undefined],
  ['=a {{ $json.a }} b {{ $json["x}}"] }}', undefined],
  ['={{ {a: 1}.a }}', undefined],
  ['={{ `t ${1}` }} and {{ [1,2].map(x => ({x})) }}', undefined],
  ['=}} stray closers are text', undefined],
  ['={{ $json.a ', /never closed/],
  ['={{ }}', /empty expression/],
  ['={{ ($json.a + 1 }}', /unclosed "\("/],
  ['={{ $json.a) }}', /unbalanced "\)"/],
  ['={{ "open }}', /unterminated string/],
])('%s', (template, expected) => {
  const problem = expressionSyntaxProblem(template);
  if (expected === undefined) expect(problem).toBeUndefined();
  else expect(problem).toMatch(expected);
});

test('problems are found anywhere in the parameters, with their path', () => {
  expect(parameterExpressionProblems({ url: '={{ 1', options: { list: ['ok', '={{ }}'] } })).toEqual([
    { parameter: 'url', message: expect.stringMatching(/never closed/) },
    { parameter: 'options.list[1]', message: expect.stringMatching(/empty/) },
  ]);
});

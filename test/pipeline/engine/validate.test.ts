/**
 * A document that cannot run is refused before it runs, with every problem
 * named: unsupported types and versions, unknown parameters, duplicate names,
 * broken connections, the legacy execution order, Merge's SQL mode.
 */
import { createExecution, validateWorkflow, WorkflowValidationError } from '../../../domain/pipeline';
import type { N8nWorkflow } from '../../../domain/pipeline/types';

const base = (nodes: object[], connections: object = {}, settings: object = { executionOrder: 'v1' }) =>
  ({ nodes, connections, settings }) as unknown as N8nWorkflow;
const start = { name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

describe('validateWorkflow', () => {
  it('accepts a supported document', () => {
    expect(validateWorkflow(base([start]))).toEqual([]);
  });

  it('names every unsupported node with its type and version', () => {
    const problems = validateWorkflow(
      base([
        start,
        { name: 'Old Set', type: 'n8n-nodes-base.set', typeVersion: 2, parameters: {} },
        { name: 'Slack', type: 'n8n-nodes-base.slack', typeVersion: 2.2, parameters: {} },
      ]),
    );
    expect(problems).toEqual([
      expect.objectContaining({ node: 'Old Set', type: 'n8n-nodes-base.set', typeVersion: 2, message: expect.stringContaining('version 2 is not supported (supported: 3, 3.1, 3.2, 3.3, 3.4)') }),
      expect.objectContaining({ node: 'Slack', type: 'n8n-nodes-base.slack', typeVersion: 2.2, message: expect.stringContaining('type n8n-nodes-base.slack (version 2.2) is not supported') }),
    ]);
  });

  it('refuses a parameter the node type does not understand, naming node and parameter', () => {
    const problems = validateWorkflow(base([start, { name: 'Limit', type: 'n8n-nodes-base.limit', typeVersion: 1, parameters: { maxItems: 2, maxItem: 3 } }]));
    expect(problems).toEqual([expect.objectContaining({ node: 'Limit', parameter: 'maxItem', message: 'Node "Limit": parameter "maxItem" is not understood by n8n-nodes-base.limit 1' })]);
  });

  it('finds duplicate names and connections to missing nodes, inputs or outputs', () => {
    const problems = validateWorkflow(
      base(
        [start, start, { name: 'IF', type: 'n8n-nodes-base.if', typeVersion: 2, parameters: {} }, { name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3, parameters: {} }],
        {
          Start: { main: [[{ node: 'Ghost', type: 'main', index: 0 }, { node: 'Merge', type: 'main', index: 2 }]] },
          IF: { main: [[], [], [{ node: 'Merge', type: 'main', index: 0 }]] },
          Nobody: { main: [[{ node: 'IF', type: 'main', index: 0 }]] },
        },
      ),
    ).map((p) => p.message);
    expect(problems).toEqual([
      'Node name "Start" is used more than once',
      'Node "Start" is connected to "Ghost", which is not a node of the workflow',
      'Node "Start" is connected to input 2 of "Merge", which has 2 input(s)',
      'Node "IF": output 2 is connected but the node has 2 output(s)',
      'Connections from "Nobody", which is not a node of the workflow',
    ]);
  });

  it('refuses the legacy v0 order and a missing executionOrder with a clear message', () => {
    expect(validateWorkflow(base([start], {}, { executionOrder: 'v0' }))[0]!.message).toMatch(/"v0" \(n8n's legacy order\) is not supported.*set "executionOrder": "v1"/);
    expect(validateWorkflow(base([start], {}, {}))[0]!.message).toMatch(/executionOrder is missing/);
  });

  it("refuses Merge's SQL mode, unsupported operators, Python code and auth without a usable credential", () => {
    const problems = validateWorkflow(
      base([
        start,
        { name: 'SQL', type: 'n8n-nodes-base.merge', typeVersion: 3.2, parameters: { mode: 'combineBySql', query: 'SELECT 1' } },
        { name: 'Py', type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { language: 'python', pythonCode: 'return []' } },
        { name: 'Auth', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { url: 'http://x', authentication: 'genericCredentialType' } },
        { name: 'OAuth', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, parameters: { url: 'http://x', authentication: 'predefinedCredentialType', nodeCredentialType: 'githubOAuth2Api' } },
        {
          name: 'Bearer',
          type: 'n8n-nodes-base.httpRequest',
          typeVersion: 4.2,
          parameters: { url: 'http://x', authentication: 'genericCredentialType', genericAuthType: 'httpBearerAuth' },
          credentials: { httpBearerAuth: { id: 'c1', name: 'Token' } },
        },
        { name: 'Odd IF', type: 'n8n-nodes-base.if', typeVersion: 2.2, parameters: { conditions: { conditions: [{ leftValue: 1, rightValue: 2, operator: { type: 'number', operation: 'between' } }], combinator: 'and' } } },
      ]),
    ).map((p) => p.message);
    expect(problems).toEqual([
      expect.stringMatching(/^Node "SQL": mode "combineBySql" \(SQL Query\) is not supported/),
      expect.stringMatching(/^Node "Py": parameter "language" "python" is not supported/),
      'Node "Auth": "genericAuthType" must be one of httpHeaderAuth, httpBasicAuth, httpBearerAuth, with the credential named in "credentials"',
      expect.stringMatching(/^Node "OAuth": parameter "authentication" "predefinedCredentialType" is not supported/),
      'Node "Odd IF": parameter "conditions" condition 0 has an unsupported operator "number:between"',
    ]);
  });

  it('createExecution throws every problem at once before anything runs', () => {
    let error: unknown;
    try {
      createExecution(base([start, { name: 'X', type: 'n8n-nodes-base.nope', typeVersion: 1 }], {}, { executionOrder: 'v0' }), { executionId: 'e', mode: 'manual' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowValidationError);
    expect((error as WorkflowValidationError).problems).toHaveLength(2);
  });
});

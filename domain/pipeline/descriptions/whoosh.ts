/**
 * WHOOSH's own nodes (the agent network, the forge, containers, teams and
 * councils, approvals, MCP tools) and n8n's Basic LLM Chain with its Ollama
 * Chat Model, which WHOOSH runs on the same fleet. Parameter names and
 * choices are those the nodes in ../nodes read.
 */
import { FORGE_TRIGGER_EVENTS } from '../nodes/whoosh-forge-trigger';
import { FORGE_OPERATIONS, REVIEW_EVENTS } from '../nodes/whoosh-forge';
import { bool, collection, fixedCollection, json, multiOptions, notice, num, options, str, type FieldGroup, type NodeDescription, type ParameterField } from './types';

const repository = (extra: Partial<ParameterField> = {}): ParameterField => str('repository', 'Repository', { default: '', placeholder: 'owner/name', required: true, description: 'A repository WHOOSH monitors', ...extra });

const LLM_OPTIONS: readonly ParameterField[] = [
  num('temperature', 'Temperature'),
  num('top_k', 'Top K'),
  num('top_p', 'Top P'),
  num('num_predict', 'Max tokens to generate'),
  num('num_ctx', 'Context length'),
  num('repeat_penalty', 'Repeat penalty'),
  num('seed', 'Seed'),
];

export const whooshLlmDescription: NodeDescription = {
  type: 'whoosh.llm',
  displayName: 'WHOOSH LLM',
  group: 'whoosh',
  description: 'Chats with or prompts a model on the agent network, routed with failover; optionally answers JSON checked against a schema',
  defaultName: 'LLM',
  inputs: [''],
  outputs: [''],
  parameters: [
    options('operation', 'Operation', [
      { name: 'Chat', value: 'chat', description: 'A system message, earlier messages and a prompt' },
      { name: 'Generate', value: 'generate', description: 'A system message and a prompt' },
    ]),
    str('model', 'Model', { default: '', placeholder: 'llama3.2', description: 'Leave empty to let WHOOSH pick by specialization' }),
    str('specialization', 'Specialization', { default: '', placeholder: 'code', description: 'The kind of agent to route to when no model is given' }),
    str('system', 'System message', { default: '', rows: 3 }),
    str('prompt', 'Prompt', { default: '', rows: 4, required: true, description: 'Plain text, or an expression with item data, e.g. {{ $json.body }}' }),
    json('messages', 'Messages', { default: '', placeholder: '[{ "role": "user", "content": "…" }]', show: { operation: ['chat'] }, description: 'Earlier messages: a list of { "role": "system" | "user" | "assistant", "content": "…" }' }),
    options('output', 'Output', [
      { name: 'Text', value: 'text', description: 'The answer in "text"' },
      { name: 'JSON', value: 'json', description: 'The answer parsed into "json"' },
    ]),
    json('jsonSchema', 'JSON schema', { default: '', placeholder: '{ "type": "object", "properties": { … } }', description: 'With a schema the answer is JSON and must match it (one repair is asked for otherwise)' }),
    collection('options', 'Options', LLM_OPTIONS),
    fixedCollection('tools', 'MCP tools', [{ name: 'tool', displayName: 'Tool', fields: [str('server', 'Server', { description: 'A server of mcp_servers.registry in whoosh.yaml' }), str('tool', 'Tool', { description: 'Leave empty to offer all of the server’s tools' })] }], {
      multiple: true,
      description: 'Tools the model may call; each call runs as an activity and its result goes back to the model',
    }),
    num('maxToolRounds', 'Max tool rounds', { default: 5, description: 'Model turns that call tools before the item fails' }),
  ],
};

const forgeOps = (ops: readonly (typeof FORGE_OPERATIONS)[number][]) => ({ operation: ops });
const OPERATION_NAMES: Record<(typeof FORGE_OPERATIONS)[number], string> = {
  getIssue: 'Get an issue',
  createIssue: 'Create an issue',
  editIssue: 'Edit an issue',
  closeIssue: 'Close an issue',
  comment: 'Comment on an issue or pull request',
  addLabels: 'Add labels',
  removeLabels: 'Remove labels',
  getPullRequestDiff: 'Get a pull request’s diff',
  reviewPullRequest: 'Review a pull request',
};

export const whooshForgeDescription: NodeDescription = {
  type: 'whoosh.forge',
  displayName: 'WHOOSH Forge',
  group: 'whoosh',
  description: 'Issues, comments, labels and pull request reviews on a monitored Gitea or GitHub repository',
  defaultName: 'Forge',
  inputs: [''],
  outputs: [''],
  credentials: ['forgeToken'],
  parameters: [
    repository(),
    options(
      'operation',
      'Operation',
      FORGE_OPERATIONS.map((value) => ({ name: OPERATION_NAMES[value], value })),
    ),
    num('issueNumber', 'Issue or pull request number', { default: '', show: forgeOps(FORGE_OPERATIONS.filter((o) => o !== 'createIssue')) }),
    str('title', 'Title', { default: '', show: forgeOps(['createIssue', 'editIssue']) }),
    str('body', 'Body', { default: '', rows: 5, description: 'Markdown', show: forgeOps(['createIssue', 'editIssue', 'comment', 'reviewPullRequest']) }),
    str('labels', 'Labels', { default: '', placeholder: 'bug, needs-review', description: 'Comma-separated', show: forgeOps(['createIssue', 'addLabels', 'removeLabels']) }),
    options('state', 'State', [{ name: 'Unchanged', value: '' }, 'open', 'closed'], { show: forgeOps(['editIssue']) }),
    options(
      'reviewEvent',
      'Review',
      REVIEW_EVENTS.map((value) => ({ name: { approve: 'Approve', requestChanges: 'Request changes', comment: 'Comment' }[value], value })),
      { default: 'comment', show: forgeOps(['reviewPullRequest']) },
    ),
  ],
};

const EVENT_NAMES: Record<(typeof FORGE_TRIGGER_EVENTS)[number], string> = {
  issueOpened: 'Issue opened',
  issueLabeled: 'Issue labeled',
  issueClosed: 'Issue closed',
  issueComment: 'Comment created',
  pullRequestOpened: 'Pull request opened',
  pullRequestSynchronized: 'Pull request updated',
  pullRequestMerged: 'Pull request merged',
};

export const whooshForgeTriggerDescription: NodeDescription = {
  type: 'whoosh.forgeTrigger',
  displayName: 'WHOOSH Forge Trigger',
  group: 'whoosh',
  description: 'Starts the pipeline on issue and pull request events of a monitored repository (when active)',
  defaultName: 'Forge Trigger',
  inputs: [],
  outputs: [''],
  parameters: [
    repository(),
    multiOptions(
      'events',
      'Events',
      FORGE_TRIGGER_EVENTS.map((value) => ({ name: EVENT_NAMES[value], value })),
      { default: ['issueOpened'], required: true },
    ),
    str('labels', 'Only with labels', { default: '', placeholder: 'bug, triage', description: 'Comma-separated; the issue must carry all of them' }),
  ],
};

const pairs = (displayName: string): FieldGroup[] => [{ name: 'values', displayName, fields: [str('name', 'Name'), str('value', 'Value')] }];

export const whooshDockerDescription: NodeDescription = {
  type: 'whoosh.docker',
  displayName: 'WHOOSH Docker',
  group: 'whoosh',
  description: 'Runs a container per item and gives its exit code, stdout and stderr',
  defaultName: 'Docker',
  inputs: [''],
  outputs: [''],
  parameters: [
    str('image', 'Image', { default: '', placeholder: 'alpine:3.20', required: true }),
    str('command', 'Command', { default: '', placeholder: 'sh -c "echo hello"', description: 'Split on spaces; quotes keep words together' }),
    fixedCollection('env', 'Environment', pairs('Variable'), { multiple: true }),
    fixedCollection('labels', 'Labels', pairs('Label'), { multiple: true }),
    collection('limits', 'Limits', [num('cpus', 'CPUs'), num('memoryMb', 'Memory (MB)'), num('pids', 'Processes')]),
  ],
};

const agentWorkflow = (type: string, displayName: string, description: string): NodeDescription => ({
  type,
  displayName,
  group: 'whoosh',
  description,
  defaultName: displayName.replace(/^WHOOSH /, ''),
  inputs: [''],
  outputs: [''],
  parameters: [repository(), num('issueNumber', 'Issue number', { default: '', required: true })],
});

export const whooshTeamDescription = agentWorkflow('whoosh.team', 'WHOOSH Team', 'Forms an agent team on an issue and goes on with its result');
export const whooshCouncilDescription = agentWorkflow('whoosh.council', 'WHOOSH Council', 'Kicks off a council on an issue and goes on with its result');

export const whooshApprovalDescription: NodeDescription = {
  type: 'whoosh.approval',
  displayName: 'WHOOSH Approval',
  group: 'whoosh',
  description: 'Waits for a person to approve or reject (dashboard, API or an /approve comment on the issue)',
  defaultName: 'Approval',
  inputs: [''],
  outputs: ['approved', 'rejected', 'timeout'],
  parameters: [
    str('message', 'Message', { default: '', placeholder: 'Deploy to production?' }),
    str('issue', 'Issue', { default: '', placeholder: 'owner/name#12', description: 'Asks there too and takes /approve or /reject comments' }),
    str('approvers', 'Approvers', { default: '', placeholder: 'alice, bob', description: 'Comma-separated; empty lets anyone allowed decide' }),
    num('timeoutSeconds', 'Timeout (seconds)', { default: 0, description: '0 waits forever; past it the items leave by the timeout output' }),
    num('remindEverySeconds', 'Remind every (seconds)', { default: 0 }),
    num('pollSeconds', 'Poll the issue every (seconds)', { default: 0 }),
  ],
};

export const whooshMcpToolDescription: NodeDescription = {
  type: 'whoosh.mcpTool',
  displayName: 'WHOOSH MCP Tool',
  group: 'whoosh',
  description: 'Calls a tool on an MCP server of whoosh.yaml’s mcp_servers.registry',
  defaultName: 'MCP Tool',
  inputs: [''],
  outputs: [''],
  parameters: [
    str('server', 'Server', { default: '', required: true, description: 'A name in mcp_servers.registry' }),
    str('tool', 'Tool', { default: '', required: true }),
    json('arguments', 'Arguments', { default: {}, description: 'A JSON object' }),
  ],
};

export const lmChatOllamaDescription: NodeDescription = {
  type: '@n8n/n8n-nodes-langchain.lmChatOllama',
  displayName: 'Ollama Chat Model',
  group: 'whoosh',
  description: 'The model of a Basic LLM Chain (connect it to the chain’s Model input); WHOOSH runs it on the fleet',
  defaultName: 'Ollama Chat Model',
  inputs: [],
  outputs: [],
  parameters: [
    str('model', 'Model', { default: 'llama3.2' }),
    collection('options', 'Options', [
      num('temperature', 'Sampling temperature'),
      num('topK', 'Top K'),
      num('topP', 'Top P'),
      num('numPredict', 'Max tokens to generate'),
      num('numCtx', 'Context length'),
      num('repeatPenalty', 'Repeat penalty'),
      num('frequencyPenalty', 'Frequency penalty'),
      num('presencePenalty', 'Presence penalty'),
      num('seed', 'Seed'),
    ]),
  ],
};

export const chainLlmDescription: NodeDescription = {
  type: '@n8n/n8n-nodes-langchain.chainLlm',
  displayName: 'Basic LLM Chain',
  group: 'whoosh',
  description: 'n8n’s Basic LLM Chain: a prompt to the connected chat model, per item',
  defaultName: 'Basic LLM Chain',
  inputs: [''],
  outputs: [''],
  parameters: [
    str('prompt', 'Prompt', { legacy: true, default: '' }),
    options('promptType', 'Source for prompt', [
      { name: 'Take from previous node automatically', value: 'auto', description: 'The chatInput field' },
      { name: 'Define below', value: 'define' },
    ]),
    str('text', 'Prompt (user message)', { default: '', rows: 4, show: { promptType: ['define'] } }),
    bool('hasOutputParser', 'Require specific output format', { default: false, description: 'Not supported: use WHOOSH LLM with a JSON schema' }),
    fixedCollection(
      'messages',
      'Chat messages',
      [
        {
          name: 'messageValues',
          displayName: 'Message',
          fields: [
            options('type', 'Type', [
              { name: 'System', value: 'SystemMessagePromptTemplate' },
              { name: 'User', value: 'HumanMessagePromptTemplate' },
              { name: 'AI', value: 'AIMessagePromptTemplate' },
            ]),
            str('message', 'Message'),
          ],
        },
      ],
      { multiple: true },
    ),
    collection('batching', 'Batch processing', [num('batchSize', 'Batch size'), num('delayBetweenBatches', 'Delay between batches (ms)')], { legacy: true }),
    bool('needsFallback', 'Enable fallback model', { default: false, legacy: true }),
    notice('notice', 'Connect an Ollama Chat Model to the Model input'),
  ],
};

export const WHOOSH_DESCRIPTIONS: readonly NodeDescription[] = [
  whooshForgeTriggerDescription,
  whooshLlmDescription,
  whooshForgeDescription,
  whooshDockerDescription,
  whooshTeamDescription,
  whooshCouncilDescription,
  whooshApprovalDescription,
  whooshMcpToolDescription,
  chainLlmDescription,
  lmChatOllamaDescription,
];

/** Trigger nodes: where a run starts. */
import { bool, collection, fixedCollection, json, notice, num, options, str, type NodeDescription } from './types';

const trigger = { group: 'triggers', inputs: [], outputs: [''] } as const;

export const manualTriggerDescription: NodeDescription = {
  ...trigger,
  type: 'n8n-nodes-base.manualTrigger',
  displayName: 'Manual Trigger',
  description: 'Starts the run when you click Execute',
  defaultName: 'When clicking ‘Execute workflow’',
  parameters: [],
};

export const scheduleTriggerDescription: NodeDescription = {
  ...trigger,
  type: 'n8n-nodes-base.scheduleTrigger',
  displayName: 'Schedule Trigger',
  description: 'Starts the run on a schedule',
  defaultName: 'Schedule Trigger',
  parameters: [
    fixedCollection(
      'rule',
      'Trigger rules',
      [
        {
          name: 'interval',
          displayName: 'Interval',
          fields: [
            options('field', 'Trigger interval', ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'cronExpression'], { default: 'days' }),
            num('secondsInterval', 'Seconds between triggers', { default: 30, show: { field: ['seconds'] } }),
            num('minutesInterval', 'Minutes between triggers', { default: 5, show: { field: ['minutes'] } }),
            num('hoursInterval', 'Hours between triggers', { default: 1, show: { field: ['hours'] } }),
            num('daysInterval', 'Days between triggers', { default: 1, show: { field: ['days'] } }),
            num('triggerAtHour', 'Trigger at hour', { default: 0, show: { field: ['days', 'weeks', 'months'] } }),
            num('triggerAtMinute', 'Trigger at minute', { default: 0, show: { field: ['hours', 'days', 'weeks', 'months'] } }),
            str('expression', 'Cron expression', { placeholder: '0 9 * * 1-5', show: { field: ['cronExpression'] } }),
          ],
        },
      ],
      { multiple: true, default: { interval: [{ field: 'days' }] } },
    ),
  ],
};

export const webhookDescription: NodeDescription = {
  ...trigger,
  type: 'n8n-nodes-base.webhook',
  displayName: 'Webhook',
  description: 'Starts the run when an HTTP request arrives at /webhook/{path}',
  defaultName: 'Webhook',
  credentials: ['httpHeaderAuth', 'httpBasicAuth'],
  parameters: [
    bool('multipleMethods', 'Allow multiple HTTP methods', { default: false }),
    options('httpMethod', 'HTTP method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], { default: 'GET' }),
    str('path', 'Path', { default: '', placeholder: 'my-hook', required: true }),
    options('authentication', 'Authentication', [
      { name: 'None', value: 'none' },
      { name: 'Header auth', value: 'headerAuth' },
      { name: 'Basic auth', value: 'basicAuth' },
    ]),
    options('responseMode', 'Respond', [
      { name: 'Immediately', value: 'onReceived' },
      { name: 'When last node finishes', value: 'lastNode' },
      { name: 'Using ‘Respond to Webhook’ node', value: 'responseNode' },
    ]),
    num('responseCode', 'Response code', { default: 200, show: { responseMode: ['onReceived', 'lastNode'] } }),
    options('responseData', 'Response data', ['firstEntryJson', 'allEntries', 'firstEntryBinary', 'noData'], { show: { responseMode: ['lastNode'] } }),
    str('responseBinaryPropertyName', 'Binary property', { default: 'data', show: { responseData: ['firstEntryBinary'] } }),
    collection('options', 'Options', [bool('rawBody', 'Raw body'), str('responseContentType', 'Response content type'), json('responseHeaders', 'Response headers'), str('ipWhitelist', 'IP(s) allowlist')]),
  ],
};

export const executeWorkflowTriggerDescription: NodeDescription = {
  ...trigger,
  type: 'n8n-nodes-base.executeWorkflowTrigger',
  displayName: 'Execute Workflow Trigger',
  description: 'Starts the run when another pipeline calls this one',
  defaultName: 'When executed by another workflow',
  parameters: [
    notice('events', 'Runs when another workflow calls this one', { default: 'worklfow_call' }),
    options('inputSource', 'Input data mode', [
      { name: 'Define using fields below', value: 'workflowInputs' },
      { name: 'Define using JSON example', value: 'jsonExample' },
      { name: 'Accept all data', value: 'passthrough' },
    ]),
    fixedCollection(
      'workflowInputs',
      'Workflow input schema',
      [{ name: 'values', displayName: 'Values', fields: [str('name', 'Name'), options('type', 'Type', ['any', 'string', 'number', 'boolean', 'array', 'object'])] }],
      { multiple: true, show: { inputSource: ['workflowInputs'] } },
    ),
    json('jsonExample', 'JSON example', { default: '{}', show: { inputSource: ['jsonExample'] } }),
    collection('inputOptions', 'Input options', [bool('attemptToConvertTypes', 'Attempt to convert types'), bool('ignoreTypeErrors', 'Ignore type errors')]),
  ],
};

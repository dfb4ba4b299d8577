/** Flow nodes: branching, merging, looping, waiting, stopping, sub-workflows. */
import { bool, code, collection, conditions, fixedCollection, json, notice, num, options, str, type NodeDescription } from './types';

const conditionFields = [
  conditions('conditions', 'Conditions', { default: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 }, conditions: [], combinator: 'and' } }),
  bool('looseTypeValidation', 'Convert types where required', { default: false }),
  collection('options', 'Options', [bool('ignoreCase', 'Ignore case'), bool('looseTypeValidation', 'Less strict type validation')]),
];

export const ifDescription: NodeDescription = {
  type: 'n8n-nodes-base.if',
  displayName: 'If',
  group: 'flow',
  description: 'Routes items to true or false by conditions',
  defaultName: 'If',
  inputs: [''],
  outputs: ['true', 'false'],
  parameters: conditionFields,
};

export const filterDescription: NodeDescription = {
  type: 'n8n-nodes-base.filter',
  displayName: 'Filter',
  group: 'flow',
  description: 'Keeps the items that meet the conditions',
  defaultName: 'Filter',
  inputs: [''],
  outputs: ['kept'],
  parameters: conditionFields,
};

export const switchDescription: NodeDescription = {
  type: 'n8n-nodes-base.switch',
  displayName: 'Switch',
  group: 'flow',
  description: 'Routes items to outputs by rules or by an expression',
  defaultName: 'Switch',
  inputs: [''],
  outputs: [],
  dynamicOutputs: 'switch',
  parameters: [
    options('mode', 'Mode', [
      { name: 'Rules', value: 'rules' },
      { name: 'Expression', value: 'expression' },
    ]),
    fixedCollection(
      'rules',
      'Routing rules',
      [
        {
          name: 'values',
          displayName: 'Rule',
          fields: [
            conditions('conditions', 'Conditions', { default: { options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 }, conditions: [], combinator: 'and' } }),
            bool('renameOutput', 'Rename output', { default: false }),
            str('outputKey', 'Output name', { show: { renameOutput: [true] } }),
          ],
        },
      ],
      { multiple: true, show: { mode: ['rules'] } },
    ),
    num('numberOutputs', 'Number of outputs', { default: 4, show: { mode: ['expression'] } }),
    str('output', 'Output index', { default: '', placeholder: '={{ 0 }}', show: { mode: ['expression'] } }),
    bool('looseTypeValidation', 'Convert types where required', { default: false }),
    collection('options', 'Options', [
      options('fallbackOutput', 'Fallback output', [
        { name: 'None (default)', value: 'none' },
        { name: 'Extra output', value: 'extra' },
      ]),
      bool('ignoreCase', 'Ignore case'),
      bool('allMatchingOutputs', 'Send data to all matching outputs'),
      bool('renameFallbackOutput', 'Rename fallback output'),
    ]),
  ],
};

export const mergeDescription: NodeDescription = {
  type: 'n8n-nodes-base.merge',
  displayName: 'Merge',
  group: 'flow',
  description: 'Merges the items of several inputs',
  defaultName: 'Merge',
  inputs: ['input 1', 'input 2'],
  dynamicInputs: 'numberInputs',
  outputs: [''],
  parameters: [
    options('mode', 'Mode', ['append', 'combine', 'combineBySql', 'chooseBranch']),
    options('combineBy', 'Combine by', ['combineByFields', 'combineByPosition', 'combineAll'], { show: { mode: ['combine'] } }),
    num('numberInputs', 'Number of inputs', { default: 2, show: { mode: ['append', 'combineByPosition', 'combineBySql'] } }),
    str('fieldsToMatchString', 'Fields to match', { show: { mode: ['combine'] } }),
    bool('advanced', 'Fields to match have different names', { default: false, show: { mode: ['combine'] } }),
    fixedCollection('mergeByFields', 'Fields to match', [{ name: 'values', displayName: 'Fields', fields: [str('field1', 'Input 1 field'), str('field2', 'Input 2 field')] }], {
      multiple: true,
      show: { advanced: [true] },
    }),
    options('joinMode', 'Output type', ['keepMatches', 'keepNonMatches', 'keepEverything', 'enrichInput1', 'enrichInput2'], { show: { mode: ['combine'] } }),
    options('outputDataFrom', 'Output data from', ['both', 'input1', 'input2'], { show: { joinMode: ['keepMatches', 'keepNonMatches'] } }),
    options('chooseBranchMode', 'Choose branch mode', ['waitForAll'], { show: { mode: ['chooseBranch'] } }),
    options('output', 'Output', ['specifiedInput', 'empty'], { show: { mode: ['chooseBranch'] } }),
    num('useDataOfInput', 'Use data of input', { default: 1, show: { output: ['specifiedInput'] } }),
    collection('options', 'Options', [
      fixedCollection('clashHandling', 'Clash handling', [
        { name: 'values', displayName: 'Values', fields: [options('resolveClash', 'When field values clash', ['preferLast', 'preferInput1', 'preferInput2', 'addSuffix']), options('mergeMode', 'Merging nested fields', ['deepMerge', 'shallowMerge'])] },
      ]),
      bool('disableDotNotation', 'Disable dot notation'),
      bool('fuzzyCompare', 'Fuzzy compare'),
      bool('includeUnpaired', 'Include any unpaired items'),
      options('multipleMatches', 'Multiple matches', ['all', 'first']),
    ]),
    code('query', 'SQL query', 'json', { show: { mode: ['combineBySql'] } }),
  ],
};

export const splitInBatchesDescription: NodeDescription = {
  type: 'n8n-nodes-base.splitInBatches',
  displayName: 'Loop Over Items',
  group: 'flow',
  description: 'Splits items into batches and loops over them',
  defaultName: 'Loop Over Items',
  inputs: [''],
  outputs: ['done', 'loop'],
  parameters: [num('batchSize', 'Batch size', { default: 1 }), collection('options', 'Options', [bool('reset', 'Reset')])],
};

export const waitDescription: NodeDescription = {
  type: 'n8n-nodes-base.wait',
  displayName: 'Wait',
  group: 'flow',
  description: 'Waits durably before going on',
  defaultName: 'Wait',
  inputs: [''],
  outputs: [''],
  parameters: [
    options('resume', 'Resume', [
      { name: 'After time interval', value: 'timeInterval' },
      { name: 'At specified time', value: 'specificTime' },
      { name: 'On webhook call', value: 'webhook' },
      { name: 'On form submitted', value: 'form' },
    ]),
    num('amount', 'Wait amount', { default: 1, show: { resume: ['timeInterval'] } }),
    options('unit', 'Wait unit', ['seconds', 'minutes', 'hours', 'days'], { default: 'hours', show: { resume: ['timeInterval'] } }),
    str('dateTime', 'Date and time', { show: { resume: ['specificTime'] } }),
    options('incomingAuthentication', 'Authentication', ['none', 'basicAuth', 'headerAuth'], { show: { resume: ['webhook'] } }),
    options('httpMethod', 'HTTP method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'], { show: { resume: ['webhook'] } }),
    num('responseCode', 'Response code', { default: 200, show: { resume: ['webhook'] } }),
    options('responseMode', 'Respond', ['onReceived', 'lastNode', 'responseNode'], { show: { resume: ['webhook'] } }),
    options('responseData', 'Response data', ['firstEntryJson', 'allEntries', 'noData'], { show: { resume: ['webhook'] } }),
    str('responseBinaryPropertyName', 'Binary property', { show: { resume: ['webhook'] } }),
    bool('limitWaitTime', 'Limit wait time', { show: { resume: ['webhook', 'form'] } }),
    options('limitType', 'Limit type', ['afterTimeInterval', 'atSpecifiedTime'], { show: { limitWaitTime: [true] } }),
    num('resumeAmount', 'Amount', { show: { limitType: ['afterTimeInterval'] } }),
    options('resumeUnit', 'Unit', ['seconds', 'minutes', 'hours', 'days'], { show: { limitType: ['afterTimeInterval'] } }),
    str('maxDateAndTime', 'Max date and time', { show: { limitType: ['atSpecifiedTime'] } }),
    collection('options', 'Options', [str('webhookSuffix', 'Webhook suffix')]),
    str('webhookSuffix', 'Webhook suffix', { show: { resume: ['webhook'] } }),
  ],
};

export const stopAndErrorDescription: NodeDescription = {
  type: 'n8n-nodes-base.stopAndError',
  displayName: 'Stop and Error',
  group: 'flow',
  description: 'Fails the run with a message',
  defaultName: 'Stop and Error',
  inputs: [''],
  outputs: [''],
  parameters: [
    options('errorType', 'Error type', [
      { name: 'Error message', value: 'errorMessage' },
      { name: 'Error object', value: 'errorObject' },
    ]),
    str('errorMessage', 'Error message', { show: { errorType: ['errorMessage'] } }),
    json('errorObject', 'Error object', { show: { errorType: ['errorObject'] } }),
  ],
};

export const noOpDescription: NodeDescription = {
  type: 'n8n-nodes-base.noOp',
  displayName: 'No Operation',
  group: 'flow',
  description: 'Passes its items on unchanged',
  defaultName: 'No Operation, do nothing',
  inputs: [''],
  outputs: [''],
  parameters: [],
};

export const executeWorkflowDescription: NodeDescription = {
  type: 'n8n-nodes-base.executeWorkflow',
  displayName: 'Execute Sub-workflow',
  group: 'flow',
  description: 'Runs another pipeline as a child run',
  defaultName: 'Execute Workflow',
  inputs: [''],
  outputs: [''],
  parameters: [
    notice('operation', 'Runs a sub-workflow', { default: 'call_workflow' }),
    options('source', 'Source', [
      { name: 'Database', value: 'database' },
      { name: 'Define below (JSON)', value: 'parameter' },
      { name: 'URL', value: 'url' },
    ]),
    json('workflowId', 'Workflow', { show: { source: ['database'] } }),
    str('workflowPath', 'Workflow path', { show: { source: ['localFile'] } }),
    code('workflowJson', 'Workflow JSON', 'json', { default: '\n\n\n', show: { source: ['parameter'] } }),
    str('workflowUrl', 'Workflow URL', { show: { source: ['url'] } }),
    json('workflowInputs', 'Workflow inputs'),
    options('mode', 'Mode', [
      { name: 'Run once with all items', value: 'once' },
      { name: 'Run once for each item', value: 'each' },
    ]),
    collection('options', 'Options', [bool('waitForSubWorkflow', 'Wait for sub-workflow completion')]),
    notice('executionNotice', 'The sub-workflow runs as a child run of this one'),
    notice('outdatedVersionWarning', 'This node version is outdated'),
  ],
};

/** Data nodes: set fields, reshape, sort, dedupe, dates, hashes. */
import { assignments, bool, collection, fixedCollection, json, notice, num, options, str, type NodeDescription } from './types';

const oneInOut = { group: 'data', inputs: [''], outputs: [''] } as const;
const fieldList = (name: string, displayName: string, extra = {}) => str(name, displayName, { placeholder: 'e.g. id, name', ...extra });

export const setDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.set',
  displayName: 'Edit Fields (Set)',
  description: 'Sets, changes or removes item fields',
  defaultName: 'Edit Fields',
  parameters: [
    options('mode', 'Mode', [
      { name: 'Manual mapping', value: 'manual' },
      { name: 'JSON', value: 'raw' },
    ]),
    bool('duplicateItem', 'Duplicate item', { default: false }),
    num('duplicateCount', 'Duplicate item count', { default: 0, show: { duplicateItem: [true] } }),
    json('fields', 'Fields to set (version 3.2 and before)', { legacy: true }),
    assignments('assignments', 'Fields to set', { default: { assignments: [] }, show: { mode: ['manual'] } }),
    json('jsonOutput', 'JSON', { default: '{\n  "my_field_1": "value",\n  "my_field_2": 1\n}\n', show: { mode: ['raw'] } }),
    bool('includeOtherFields', 'Include other input fields', { default: false }),
    options('include', 'Input fields to include', ['all', 'selected', 'except'], { show: { includeOtherFields: [true] } }),
    fieldList('includeFields', 'Fields to include', { show: { include: ['selected'] } }),
    fieldList('excludeFields', 'Fields to exclude', { show: { include: ['except'] } }),
    collection('options', 'Options', [bool('dotNotation', 'Support dot notation'), bool('ignoreConversionErrors', 'Ignore type conversion errors'), bool('includeBinary', 'Include binary file')]),
  ],
};

export const splitOutDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.splitOut',
  displayName: 'Split Out',
  description: 'Turns a list inside items into separate items',
  defaultName: 'Split Out',
  parameters: [
    fieldList('fieldToSplitOut', 'Fields to split out', { required: true }),
    options('include', 'Include', ['noOtherFields', 'allOtherFields', 'selectedOtherFields']),
    fieldList('fieldsToInclude', 'Fields to include', { show: { include: ['selectedOtherFields'] } }),
    collection('options', 'Options', [bool('disableDotNotation', 'Disable dot notation'), str('destinationFieldName', 'Destination field name'), bool('includeBinary', 'Include binary')]),
  ],
};

export const aggregateDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.aggregate',
  displayName: 'Aggregate',
  description: 'Combines fields of many items into one item',
  defaultName: 'Aggregate',
  parameters: [
    options('aggregate', 'Aggregate', ['aggregateIndividualFields', 'aggregateAllItemData']),
    fixedCollection('fieldsToAggregate', 'Fields to aggregate', [{ name: 'fieldToAggregate', displayName: 'Field', fields: [str('fieldToAggregate', 'Input field name'), bool('renameField', 'Rename field'), str('outputFieldName', 'Output field name', { show: { renameField: [true] } })] }], {
      multiple: true,
      show: { aggregate: ['aggregateIndividualFields'] },
    }),
    str('destinationFieldName', 'Put output in field', { default: 'data', show: { aggregate: ['aggregateAllItemData'] } }),
    options('include', 'Include', ['allFields', 'specifiedFields', 'allFieldsExcept'], { show: { aggregate: ['aggregateAllItemData'] } }),
    fieldList('fieldsToInclude', 'Fields to include', { show: { include: ['specifiedFields'] } }),
    fieldList('fieldsToExclude', 'Fields to exclude', { show: { include: ['allFieldsExcept'] } }),
    collection('options', 'Options', [bool('disableDotNotation', 'Disable dot notation'), bool('mergeLists', 'Merge lists'), bool('keepMissing', 'Keep missing and null values'), bool('includeBinaries', 'Include binaries')]),
  ],
};

export const summarizeDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.summarize',
  displayName: 'Summarize',
  description: 'Sums, counts, averages… grouped by fields',
  defaultName: 'Summarize',
  parameters: [
    fixedCollection('fieldsToSummarize', 'Fields to summarize', [{ name: 'values', displayName: 'Field', fields: [options('aggregation', 'Aggregation', ['append', 'average', 'concatenate', 'count', 'countUnique', 'max', 'min', 'sum']), str('field', 'Field')] }], { multiple: true }),
    fieldList('fieldsToSplitBy', 'Fields to split by'),
    collection('options', 'Options', [bool('continueIfFieldNotFound', 'Continue if field not found'), bool('disableDotNotation', 'Disable dot notation'), options('outputFormat', 'Output format', ['separateItems', 'singleItem']), bool('skipEmptySplitFields', 'Ignore items without valid fields to group by')]),
  ],
};

export const sortDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.sort',
  displayName: 'Sort',
  description: 'Sorts items by fields, at random, or by code',
  defaultName: 'Sort',
  parameters: [
    options('type', 'Type', ['simple', 'random', 'code']),
    fixedCollection('sortFieldsUi', 'Fields to sort by', [{ name: 'sortField', displayName: 'Field', fields: [str('fieldName', 'Field name'), options('order', 'Order', ['ascending', 'descending'])] }], { multiple: true, show: { type: ['simple'] } }),
    { name: 'code', displayName: 'Code', type: 'code', language: 'javascript', show: { type: ['code'] } },
    collection('options', 'Options', [bool('disableDotNotation', 'Disable dot notation')]),
  ],
};

export const limitDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.limit',
  displayName: 'Limit',
  description: 'Keeps the first or last N items',
  defaultName: 'Limit',
  parameters: [num('maxItems', 'Max items', { default: 1 }), options('keep', 'Keep', ['firstItems', 'lastItems'])],
};

export const removeDuplicatesDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.removeDuplicates',
  displayName: 'Remove Duplicates',
  description: 'Removes items with the same fields',
  defaultName: 'Remove Duplicates',
  parameters: [
    options('operation', 'Operation', ['removeDuplicateInputItems', 'removeItemsRepeatedWithinPreviousExecutions', 'clearDeduplicationHistory']),
    options('compare', 'Compare', ['allFields', 'allFieldsExcept', 'selectedFields']),
    fieldList('fieldsToExclude', 'Fields to exclude', { show: { compare: ['allFieldsExcept'] } }),
    fieldList('fieldsToCompare', 'Fields to compare', { show: { compare: ['selectedFields'] } }),
    collection('options', 'Options', [bool('disableDotNotation', 'Disable dot notation'), bool('removeOtherFields', 'Remove other fields')]),
    options('logic', 'Keep items where', ['removeItemsWithAlreadySeenKeyValues', 'removeItemsUpToStoredIncrementalKey', 'removeItemsUpToStoredDate'], { show: { operation: ['removeItemsRepeatedWithinPreviousExecutions'] } }),
    str('dedupeValue', 'Value to dedupe on', { show: { operation: ['removeItemsRepeatedWithinPreviousExecutions'] } }),
    options('mode', 'Mode', ['cleanDatabase'], { show: { operation: ['clearDeduplicationHistory'] } }),
  ],
};

export const renameKeysDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.renameKeys',
  displayName: 'Rename Keys',
  description: 'Renames fields',
  defaultName: 'Rename Keys',
  parameters: [
    fixedCollection('keys', 'Keys', [{ name: 'key', displayName: 'Key', fields: [str('currentKey', 'Current key name'), str('newKey', 'New key name')] }], { multiple: true }),
    collection('additionalOptions', 'Additional options', [json('regexReplacement', 'Regex')]),
  ],
};

export const itemListsDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.itemLists',
  displayName: 'Item Lists (legacy)',
  description: 'Split out, aggregate, dedupe, sort, limit or summarize items',
  defaultName: 'Item Lists',
  parameters: [
    options('operation', 'Operation', ['splitOutItems', 'aggregateItems', 'concatenateItems', 'removeDuplicates', 'sort', 'limit', 'summarize']),
    fieldList('fieldToSplitOut', 'Field to split out', { show: { operation: ['splitOutItems'] } }),
    options('include', 'Include', ['noOtherFields', 'allOtherFields', 'selectedOtherFields']),
    fieldList('fieldsToInclude', 'Fields to include'),
    options('aggregate', 'Aggregate', ['aggregateIndividualFields', 'aggregateAllItemData'], { show: { operation: ['aggregateItems', 'concatenateItems'] } }),
    json('fieldsToAggregate', 'Fields to aggregate', { show: { operation: ['aggregateItems', 'concatenateItems'] } }),
    str('destinationFieldName', 'Put output in field', { show: { operation: ['aggregateItems', 'concatenateItems'] } }),
    fieldList('fieldsToExclude', 'Fields to exclude'),
    options('compare', 'Compare', ['allFields', 'allFieldsExcept', 'selectedFields'], { show: { operation: ['removeDuplicates'] } }),
    fieldList('fieldsToCompare', 'Fields to compare', { show: { compare: ['selectedFields'] } }),
    options('type', 'Type', ['simple', 'random', 'code'], { show: { operation: ['sort'] } }),
    json('sortFieldsUi', 'Fields to sort by', { show: { operation: ['sort'] } }),
    { name: 'code', displayName: 'Code', type: 'code', language: 'javascript', show: { type: ['code'] } },
    num('maxItems', 'Max items', { default: 1, show: { operation: ['limit'] } }),
    options('keep', 'Keep', ['firstItems', 'lastItems'], { show: { operation: ['limit'] } }),
    json('fieldsToSummarize', 'Fields to summarize', { show: { operation: ['summarize'] } }),
    fieldList('fieldsToSplitBy', 'Fields to split by', { show: { operation: ['summarize'] } }),
    json('options', 'Options'),
  ],
};

const dateField = (name: string, displayName: string, ops: string[]) => str(name, displayName, { show: { operation: ops } });

export const dateTimeDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.dateTime',
  displayName: 'Date & Time',
  description: 'Gets, adds, subtracts, formats, rounds and compares dates',
  defaultName: 'Date & Time',
  parameters: [
    options('operation', 'Operation', ['getCurrentDate', 'addToDate', 'subtractFromDate', 'formatDate', 'roundDate', 'getTimeBetweenDates', 'extractDate']),
    bool('includeTime', 'Include current time', { default: true, show: { operation: ['getCurrentDate'] } }),
    str('outputFieldName', 'Output field name', { default: 'currentDate' }),
    dateField('magnitude', 'Date to add to / subtract from', ['addToDate', 'subtractFromDate']),
    options('timeUnit', 'Time unit', ['years', 'quarters', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'], { default: 'days', show: { operation: ['addToDate', 'subtractFromDate'] } }),
    num('duration', 'Duration', { default: 0, show: { operation: ['addToDate', 'subtractFromDate'] } }),
    dateField('date', 'Date', ['formatDate', 'roundDate', 'extractDate']),
    options('format', 'Format', ['custom', 'MM/dd/yyyy', 'yyyy/MM/dd', 'MMMM dd yyyy', 'MM-dd-yyyy', 'yyyy-MM-dd', 'X', 'x'], { show: { operation: ['formatDate'] } }),
    str('customFormat', 'Custom format', { show: { format: ['custom'] } }),
    options('mode', 'Mode', ['roundDown', 'roundUp'], { show: { operation: ['roundDate'] } }),
    options('toNearest', 'To nearest', ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'], { show: { mode: ['roundDown'] } }),
    options('to', 'To', ['endOfMonth'], { show: { mode: ['roundUp'] } }),
    dateField('startDate', 'Start date', ['getTimeBetweenDates']),
    dateField('endDate', 'End date', ['getTimeBetweenDates']),
    json('units', 'Units', { show: { operation: ['getTimeBetweenDates'] } }),
    options('part', 'Part', ['year', 'month', 'week', 'day', 'hour', 'minute', 'second'], { show: { operation: ['extractDate'] } }),
    collection('options', 'Options', [bool('includeInputFields', 'Include input fields'), str('timezone', 'Time zone'), bool('fromFormat', 'From date format'), bool('isoString', 'Output as ISO string')]),
    notice('notice', 'Dates in expressions are Luxon DateTimes'),
  ],
};

export const cryptoDescription: NodeDescription = {
  ...oneInOut,
  type: 'n8n-nodes-base.crypto',
  displayName: 'Crypto',
  description: 'Hashes, HMACs and random values',
  defaultName: 'Crypto',
  parameters: [
    options('action', 'Action', ['hash', 'hmac', 'sign', 'generate']),
    options('type', 'Type', ['MD5', 'SHA1', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512'], { default: 'SHA256', show: { action: ['hash', 'hmac'] } }),
    str('value', 'Value', { show: { action: ['hash', 'hmac', 'sign'] } }),
    str('dataPropertyName', 'Property name', { default: 'data' }),
    options('encoding', 'Encoding', ['hex', 'base64'], { show: { action: ['hash', 'hmac', 'sign'] } }),
    str('secret', 'Secret', { show: { action: ['hmac'] } }),
    bool('binaryData', 'Binary file', { show: { action: ['hash', 'hmac'] } }),
    str('binaryPropertyName', 'Binary property name', { show: { binaryData: [true] } }),
    options('encodingType', 'Type', ['uuid', 'hex', 'base64', 'ascii'], { show: { action: ['generate'] } }),
    num('stringLength', 'Length', { default: 32, show: { action: ['generate'] } }),
    str('privateKey', 'Private key', { show: { action: ['sign'] } }),
    str('algorithm', 'Algorithm', { show: { action: ['sign'] } }),
  ],
};

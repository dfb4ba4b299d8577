/** Code and HTTP nodes. */
import { bool, code, collection, fixedCollection, json, notice, num, options, str, type FieldGroup, type NodeDescription } from './types';

export const codeDescription: NodeDescription = {
  type: 'n8n-nodes-base.code',
  displayName: 'Code',
  group: 'code',
  description: 'Runs JavaScript in a sandbox, once for all items or once for each item',
  defaultName: 'Code',
  inputs: [''],
  outputs: [''],
  parameters: [
    options('mode', 'Mode', [
      { name: 'Run once for all items', value: 'runOnceForAllItems' },
      { name: 'Run once for each item', value: 'runOnceForEachItem' },
    ]),
    options('language', 'Language', [{ name: 'JavaScript', value: 'javaScript' }]),
    code('jsCode', 'JavaScript', 'javascript', {
      default: "// Loop over input items and add a new field called 'myNewField' to the JSON of each one\nfor (const item of $input.all()) {\n  item.json.myNewField = 1;\n}\n\nreturn $input.all();",
    }),
    code('pythonCode', 'Python', 'python', { show: { language: ['python'] } }),
    notice('notice', 'Type $ for a list of special vars and methods'),
  ],
};

const pairs = (displayName: string): FieldGroup[] => [{ name: 'parameters', displayName, fields: [str('name', 'Name'), str('value', 'Value')] }];

export const httpRequestDescription: NodeDescription = {
  type: 'n8n-nodes-base.httpRequest',
  displayName: 'HTTP Request',
  group: 'http',
  description: 'Makes an HTTP request and returns the response',
  defaultName: 'HTTP Request',
  inputs: [''],
  outputs: [''],
  credentials: ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth'],
  parameters: [
    options('method', 'Method', ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']),
    str('url', 'URL', { default: '', placeholder: 'https://example.com/api', required: true }),
    options('authentication', 'Authentication', [
      { name: 'None', value: 'none' },
      { name: 'Predefined credential type', value: 'predefinedCredentialType' },
      { name: 'Generic credential type', value: 'genericCredentialType' },
    ]),
    str('nodeCredentialType', 'Credential type', { show: { authentication: ['predefinedCredentialType'] } }),
    options('genericAuthType', 'Generic auth type', ['httpHeaderAuth', 'httpBasicAuth', 'httpBearerAuth'], { show: { authentication: ['genericCredentialType'] } }),
    bool('provideSslCertificates', 'SSL certificates', { default: false }),
    str('sslCertificate', 'SSL certificate', { show: { provideSslCertificates: [true] } }),
    bool('sendQuery', 'Send query parameters', { default: false }),
    options('specifyQuery', 'Specify query parameters', ['keypair', 'json'], { show: { sendQuery: [true] } }),
    fixedCollection('queryParameters', 'Query parameters', pairs('Parameter'), { multiple: true, show: { specifyQuery: ['keypair'] } }),
    json('jsonQuery', 'JSON', { show: { specifyQuery: ['json'] } }),
    bool('sendHeaders', 'Send headers', { default: false }),
    options('specifyHeaders', 'Specify headers', ['keypair', 'json'], { show: { sendHeaders: [true] } }),
    fixedCollection('headerParameters', 'Header parameters', pairs('Header'), { multiple: true, show: { specifyHeaders: ['keypair'] } }),
    json('jsonHeaders', 'JSON', { show: { specifyHeaders: ['json'] } }),
    bool('sendBody', 'Send body', { default: false }),
    options('contentType', 'Body content type', ['json', 'form-urlencoded', 'multipart-form-data', 'raw', 'binaryData'], { show: { sendBody: [true] } }),
    options('specifyBody', 'Specify body', ['keypair', 'json', 'string'], { show: { sendBody: [true] } }),
    fixedCollection('bodyParameters', 'Body parameters', pairs('Parameter'), { multiple: true, show: { specifyBody: ['keypair'] } }),
    json('jsonBody', 'JSON', { show: { specifyBody: ['json'] } }),
    str('body', 'Body', { show: { specifyBody: ['string'] } }),
    str('rawContentType', 'Content type', { show: { contentType: ['raw'] } }),
    str('inputDataFieldName', 'Input data field name', { show: { contentType: ['binaryData'] } }),
    collection('options', 'Options', [
      json('batching', 'Batching'),
      bool('allowUnauthorizedCerts', 'Ignore SSL issues'),
      json('redirect', 'Redirects'),
      json('response', 'Response'),
      str('proxy', 'Proxy'),
      num('timeout', 'Timeout (ms)'),
    ]),
    notice('infoMessage', 'You can view the raw requests this node makes in the execution'),
    notice('curlImport', 'Import cURL'),
  ],
};

export const respondToWebhookDescription: NodeDescription = {
  type: 'n8n-nodes-base.respondToWebhook',
  displayName: 'Respond to Webhook',
  group: 'http',
  description: 'Answers the webhook call that started the run',
  defaultName: 'Respond to Webhook',
  inputs: [''],
  outputs: [''],
  parameters: [
    options('respondWith', 'Respond with', ['firstIncomingItem', 'allIncomingItems', 'json', 'text', 'noData', 'redirect', 'binary']),
    code('responseBody', 'Response body', 'json', { show: { respondWith: ['json', 'text'] } }),
    options('responseDataSource', 'Response data source', ['automatically', 'set'], { show: { respondWith: ['binary'] } }),
    str('inputFieldName', 'Input field name', { show: { responseDataSource: ['set'] } }),
    str('redirectURL', 'Redirect URL', { show: { respondWith: ['redirect'] } }),
    json('payload', 'Payload'),
    collection('options', 'Options', [num('responseCode', 'Response code'), json('responseHeaders', 'Response headers'), str('responseKey', 'Put response in field')]),
    bool('enableResponseOutput', 'Enable response output', { default: false }),
    notice('generalNotice', 'Answers the webhook call with the data you choose'),
    notice('webhookNotice', 'Set the Webhook node’s Respond to “Using ‘Respond to Webhook’ node”'),
  ],
};

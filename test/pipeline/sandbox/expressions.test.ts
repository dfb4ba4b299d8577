/**
 * n8n expression semantics in the sandbox: `=` strings, `{{ }}` templates,
 * the $-variables over a hand-built DataAccess, n8n's error wording.
 */
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import type { Sandbox } from '../../../domain/pipeline/types';
import { dataAccess } from './data-access';

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox();
});
afterAll(() => sandbox.dispose());

const input = [
  { name: 'Ada Lovelace', age: 36, tags: ['math', 'poetry'], address: { city: 'London' }, empty: null },
  { name: 'Alan Turing', age: 41, tags: [], address: { city: 'Manchester' }, empty: null },
];
const runs = {
  Fetch: [
    { outputs: [[{ json: { id: 1 } }, { json: { id: 2 } }, { json: { id: 3 } }]] },
    { outputs: [[{ json: { id: 10 } }], [{ json: { id: 11, branch: 1 } }]] },
  ],
};
const paired = { Fetch: [{ json: { id: 2, paired: true } }, { json: { id: 3, paired: true } }] };
const data = (over: Parameters<typeof dataAccess>[0] = {}) => dataAccess({ input, runs, paired, ...over });
const ev = (expression: string, over: Parameters<typeof dataAccess>[0] = {}) => sandbox.evaluate(expression, data(over));

describe('expression forms', () => {
  it('returns strings without a leading = as they are, and = text without {{ }} as text', () => {
    expect(sandbox.evaluate('plain {{ $json.name }}', data())).toBe('plain {{ $json.name }}');
    expect(ev('=TRUE')).toBe('TRUE');
  });

  it('keeps the type of a single {{ }}', () => {
    expect(ev('={{ $json.age }}')).toBe(36);
    expect(ev('={{ $json.tags }}')).toEqual(['math', 'poetry']);
    expect(ev('={{ $json.address }}')).toEqual({ city: 'London' });
    expect(ev('={{ $json.empty }}')).toBeNull();
    expect(ev('={{ $json.nothing }}')).toBeUndefined();
    expect(ev('={{ $json.age > 30 }}')).toBe(true);
    expect(ev('={{ { "data": $json.name } }}')).toEqual({ data: 'Ada Lovelace' });
    expect(ev('={{ Math.floor(Math.min(1, 2) * 100); }}')).toBe(100);
  });

  it('renders templates as text: null/undefined empty, arrays comma-joined, objects as JSON, false and 0 kept', () => {
    expect(ev('=Hi {{ $json.name }}!')).toBe('Hi Ada Lovelace!');
    expect(ev('= {{ $json.age }}')).toBe(' 36');
    expect(ev('={{ $json.name }}{{ $json.age }}')).toBe('Ada Lovelace36');
    expect(ev('=[{{ $json.empty }}|{{ $json.nothing }}]')).toBe('[|]');
    expect(ev('=tags: {{ $json.tags }}')).toBe('tags: math,poetry');
    expect(ev('=at {{ $json.address }}')).toBe('at {"city":"London"}');
    expect(ev('={{ false }}/{{ 0 }}/{{ "" }}')).toBe('false/0/');
  });

  it('turns runtime errors inside an expression into undefined, as n8n does on the backend', () => {
    expect(ev('={{ $json.address.street.name }}')).toBeUndefined();
    expect(ev('=street: {{ $json.address.street.name }}')).toBe('street: ');
    expect(ev('={{ notDefinedAnywhere }}')).toBeUndefined();
  });

  it("reports n8n's messages for syntax errors, functions and constructor access", () => {
    expect(() => ev('={{ 1 + }}')).toThrow('invalid syntax');
    expect(() => ev('={{ $json.name.toUpperCase }}')).toThrow('this is a function, please add ()');
    expect(() => ev('={{ DateTime }}')).toThrow('this is a DateTime, please access its methods');
    expect(() => ev('={{ $ }}')).toThrow('invalid syntax');
    expect(() => ev('={{ $json.constructor }}')).toThrow('Expression contains invalid constructor function call');
  });
});

describe('extension methods in a fresh sandbox', () => {
  it('load on first need, in single expressions and templates alike', () => {
    const fresh = createSandbox();
    try {
      expect(fresh.evaluate('=Name: {{ $json.name.toSnakeCase() }}', data())).toBe('Name: ada_lovelace');
      expect(fresh.evaluate('={{ $json.age.isEven() }}', data())).toBe(true);
    } finally {
      fresh.dispose();
    }
    const other = createSandbox();
    try {
      expect(other.evaluate('={{ $json.address.street.name }}', data())).toBeUndefined();
      expect(other.evaluate('={{ [1, 2].sum() }}', data())).toBe(3);
    } finally {
      other.dispose();
    }
  });

  it('isEmpty() on a missing value is true and isNotEmpty() false, as in n8n', () => {
    const fresh = createSandbox();
    try {
      expect(fresh.evaluate('={{ $json.missing.isEmpty() }}', data())).toBe(true);
      expect(fresh.evaluate('={{ $json.empty.isNotEmpty() }}', data())).toBe(false);
      expect(fresh.evaluate('={{ $json["missing"].isEmpty() && $json.name.isNotEmpty() }}', data())).toBe(true);
      expect(fresh.evaluate('=[{{ $("Fetch").item.json.nothing.isEmpty() }}]', data())).toBe('[true]');
      expect(fresh.evaluate('={{ $json.tags.isEmpty() }}', data({ itemIndex: 1 }))).toBe(true);
    } finally {
      fresh.dispose();
    }
  });
});

describe('variables', () => {
  it('$json, $binary, $itemIndex, $runIndex follow the current item', () => {
    expect(ev('={{ $json.name }}', { itemIndex: 1 })).toBe('Alan Turing');
    expect(ev('={{ $itemIndex }}-{{ $runIndex }}', { itemIndex: 1, runIndex: 2 })).toBe('1-2');
    expect(ev('={{ $binary }}')).toEqual({});
    const withBinary = dataAccess({ input: [{ json: {}, binary: { file: { data: 'aGk=', mimeType: 'text/plain', fileName: 'a.txt' } } }] });
    expect(sandbox.evaluate('={{ $binary.file.fileName }}', withBinary)).toBe('a.txt');
  });

  it('$input.all/first/last/item/params', () => {
    expect(ev('={{ $input.all().length }}')).toBe(2);
    expect(ev('={{ $input.first().json.name }}')).toBe('Ada Lovelace');
    expect(ev('={{ $input.last().json.name }}')).toBe('Alan Turing');
    expect(ev('={{ $input.item.json.age }}', { itemIndex: 1 })).toBe(41);
    expect(ev('={{ $input.params.mode }}')).toBe('manual');
  });

  it("$('Node') reads another node's output: all(branch, run), first, last, item, itemMatching, isExecuted", () => {
    expect(ev('={{ $("Fetch").all().map(i => i.json.id) }}')).toEqual([10]);
    expect(ev('={{ $("Fetch").all(0, 0).map(i => i.json.id) }}')).toEqual([1, 2, 3]);
    expect(ev('={{ $("Fetch").all(1).map(i => i.json.id) }}')).toEqual([11]);
    expect(ev('={{ $("Fetch").first(0, 0).json.id }}')).toBe(1);
    expect(ev('={{ $("Fetch").last(0, 0).json.id }}')).toBe(3);
    expect(ev('={{ $("Fetch").item.json }}', { itemIndex: 1 })).toEqual({ id: 3, paired: true });
    expect(ev('={{ $("Fetch").itemMatching(0).json.id }}')).toBe(2);
    expect(ev('={{ $("Fetch").isExecuted }}')).toBe(true);
    expect(ev('={{ $("Never").isExecuted }}')).toBe(false);
  });

  it("an unexecuted node's data is an error with the engine's message, never undefined", () => {
    expect(() => ev('={{ $("Never").all() }}')).toThrow("Node 'Never' hasn't been executed");
    expect(() => ev('=x {{ $("Never").item.json.a }}')).toThrow("Paired item data for item from node 'Never' is unavailable");
  });

  it('$node["X"] is positional', () => {
    expect(ev('={{ $node["Fetch"].json.id }}', { itemIndex: 0 })).toBe(10);
    expect(ev('={{ $node["Fetch"].json }}', { itemIndex: 3 })).toBeUndefined();
  });

  it('$node["X"].context reads the node context when the engine offers it', () => {
    expect(ev('={{ $node["Loop"].context }}')).toEqual({});
    const withContext = { ...data(), nodeContext: (name: string) => (name === 'Loop' ? { noItemsLeft: true } : {}) };
    expect(sandbox.evaluate('={{ $node["Loop"].context["noItemsLeft"] }}', withContext)).toBe(true);
  });

  it('$prevNode, $workflow, $execution, $vars', () => {
    expect(ev('={{ $prevNode.name }}:{{ $prevNode.outputIndex }}:{{ $prevNode.runIndex }}')).toBe('Previous:0:0');
    expect(ev('={{ $workflow }}')).toEqual({ id: 'wf-1', name: 'Sandbox test', active: false });
    expect(ev('={{ $execution.id }} {{ $execution.mode }} {{ $execution.resumeUrl }}')).toBe('ex-42 manual http://localhost:5678/webhook-waiting/ex-42');
    expect(ev('={{ $vars.region }}')).toBe('eu');
  });

  it('$env is blocked by default with n8n\'s message, readable when given', () => {
    expect(() => ev('={{ $env.HOME }}')).toThrow('access to env vars denied');
    expect(ev('={{ $env.MODE }}', { env: { MODE: 'prod' } })).toBe('prod');
  });

  it('$now and $today are workflow time in the workflow timezone (Luxon)', () => {
    const now = Date.UTC(2024, 2, 15, 23, 30, 0);
    expect(ev('={{ $now.toISO() }}', { now })).toBe('2024-03-15T23:30:00.000Z');
    expect(ev('={{ $now.toISO() }}', { now, timezone: 'Europe/Berlin' })).toBe('2024-03-16T00:30:00.000+01:00');
    expect(ev('={{ $today.toISO() }}', { now, timezone: 'Europe/Berlin' })).toBe('2024-03-16T00:00:00.000+01:00');
    expect(ev('={{ $now }}', { now })).toBe('2024-03-15T23:30:00.000Z');
    expect(ev('=Today is {{ $today.toFormat("cccc d LLLL yyyy") }}', { now })).toBe('Today is Friday 15 March 2024');
    expect(ev('={{ $now.setZone("America/New_York").toFormat("yyyy-MM-dd HH:mm ZZZZ") }}', { now })).toBe('2024-03-15 19:30 EDT');
  });

  it('DateTime, Duration, Interval are Luxon', () => {
    expect(ev('={{ DateTime.fromISO("2024-02-28").plus({ days: 2 }).toISODate() }}')).toBe('2024-03-01');
    expect(ev('={{ Duration.fromObject({ hours: 2 }).as("minutes") }}')).toBe(120);
    expect(ev('={{ Interval.fromDateTimes(DateTime.fromISO("2024-01-01"), DateTime.fromISO("2024-01-31")).length("days") }}')).toBe(30);
  });

  it('$jmespath, $if, $ifEmpty, $min, $max', () => {
    expect(ev('={{ $jmespath($json, "address.city") }}')).toBe('London');
    expect(ev('={{ $jmespath({ a: [{ b: 1 }, { b: 2 }] }, "a[*].b") }}')).toEqual([1, 2]);
    expect(ev('={{ $if($json.age > 40, "old", "young") }}')).toBe('young');
    expect(ev('={{ $ifEmpty($json.empty, "default") }}')).toBe('default');
    expect(ev('={{ $ifEmpty($json.tags, "none") }}', { itemIndex: 1 })).toBe('none');
    expect(ev('={{ $ifEmpty($json.name, "none") }}')).toBe('Ada Lovelace');
    expect(ev('={{ $max(1, 7, 3) }}-{{ $min(4, 2) }}')).toBe('7-2');
  });
});

describe('resolveParameters', () => {
  it('walks nested objects and arrays, resolving only = strings', () => {
    const parameters = {
      mode: 'manual',
      count: 3,
      assignments: {
        assignments: [
          { name: 'greeting', value: '=Hello {{ $json.name }}', type: 'string' },
          { name: 'age', value: '={{ $json.age + 1 }}', type: 'number' },
        ],
      },
      flags: [true, '={{ $json.tags.length }}'],
    };
    expect(sandbox.resolveParameters(parameters, data())).toEqual({
      mode: 'manual',
      count: 3,
      assignments: {
        assignments: [
          { name: 'greeting', value: 'Hello Ada Lovelace', type: 'string' },
          { name: 'age', value: 37, type: 'number' },
        ],
      },
      flags: [true, 2],
    });
  });
});

describe('data isolation', () => {
  it.each([
    ['Array.prototype.extra = 1', '[].extra'],
    ['Object.defineProperty(String.prototype, "extra", { value: 1 })', '"".extra'],
    ['globalThis.extra = 1', 'typeof extra === "undefined" ? undefined : extra'],
    ['Math["extra"] += 1', 'Math.extra'],
    ['delete Array.prototype.first', '[5].first()'],
  ])('an expression changing a built-in (%s) does not leak into the next one', (change, probe) => {
    sandbox.evaluate(`={{ (() => { ${change}; return 1 })() }}`, data());
    const seen = sandbox.evaluate(`={{ ${probe} }}`, data());
    expect(seen).toEqual(probe === '[5].first()' ? 5 : undefined);
  });


  it('changing $json in an expression never changes the host data', () => {
    const access = data();
    expect(sandbox.evaluate('={{ (() => { $json.name = "changed"; $input.all()[0].json.age = 0; return $json.name })() }}', access)).toBe('changed');
    expect(access.inputItems()[0]?.json).toEqual(input[0]);
    expect(sandbox.evaluate('={{ $json.name }}', access)).toBe('Ada Lovelace');
  });
});

describe('built-ins changed before a library loads', () => {
  it('are still noticed after the library is loaded', () => {
    const fresh = createSandbox();
    try {
      // The change happens first; the TypeError then loads the extension methods in the same evaluation.
      expect(fresh.evaluate('={{ (() => { Array.prototype.extra = 1; return [1, 2].sum() })() }}', data())).toBe(3);
      expect(fresh.evaluate('={{ [].extra }}', data())).toBeUndefined();
      expect(fresh.evaluate('={{ (() => { Number.prototype.extra = 2; return $now.year })() }}', data())).toBe(2024);
      expect(fresh.evaluate('={{ (5).extra }}', data())).toBeUndefined();
    } finally {
      fresh.dispose();
    }
  });
});

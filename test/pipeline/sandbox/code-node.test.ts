/**
 * The Code node (Code 2, JavaScript) in the sandbox: both modes, n8n's result
 * normalisation, errors "<message> [line N]" / "[line N, for item i]",
 * console capture, top-level await, and upstream data left untouched.
 */
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import type { Sandbox } from '../../../domain/pipeline/types';
import { dataAccess } from './data-access';

let sandbox: Sandbox;
beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox({ timeoutMs: 1000 });
});
afterAll(() => sandbox.dispose());

const input = [
  { name: 'Ada', age: 36 },
  { name: 'Alan', age: 41 },
  { name: 'Grace', age: 85 },
];
const data = () => dataAccess({ input, runs: { Source: [{ outputs: [[{ json: { id: 7 } }]] }] } });
const all = (code: string) => sandbox.runCode(code, 'runOnceForAllItems', data());
const each = (code: string) => sandbox.runCode(code, 'runOnceForEachItem', data());
const error = (run: () => unknown): Error => {
  try {
    run();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
};

describe('run once for all items', () => {
  it('sees items and $input, and returns items', () => {
    const result = all('return items.map((item) => ({ json: { ...item.json, older: item.json.age + 1 } }));');
    expect(result.items).toEqual(input.map((json) => ({ json: { ...json, older: json.age + 1 } })));
    expect(all('return [{ json: { n: $input.all().length, first: $input.first().json.name, last: $input.last().json.name } }]').items).toEqual([
      { json: { n: 3, first: 'Ada', last: 'Grace' } },
    ]);
  });

  it('wraps plain objects and a single object into items, as n8n does', () => {
    expect(all('return [{ a: 1 }, { a: 2 }]').items).toEqual([{ json: { a: 1 } }, { json: { a: 2 } }]);
    expect(all('return { a: 1 }').items).toEqual([{ json: { a: 1 } }]);
    expect(all('return []').items).toEqual([]);
    expect(all('return [{ json: { a: 1 }, pairedItem: { item: 2 } }]').items).toEqual([{ json: { a: 1 }, pairedItem: { item: 2 } }]);
  });

  it("rejects what n8n rejects, with n8n's messages", () => {
    expect(error(() => all('const x = 1;')).message).toBe("Code doesn't return items properly");
    expect(error(() => all('return 5')).message).toBe("Code doesn't return items properly");
    expect(error(() => all('return [{ json: { a: 1 }, extra: 2 }]')).message).toBe('Unknown top-level item key: extra [item 0]');
    expect(error(() => all('return [{ json: 5 }]')).message).toBe("A 'json' property isn't an object [item 0]");
    expect(error(() => all('return [{ json: {} }, { a: 1 }]')).name).toBe('CodeError');
  });

  it('allows top-level await', () => {
    expect(all('const v = await Promise.resolve(41);\nreturn [{ v: v + 1 }]').items).toEqual([{ json: { v: 42 } }]);
    expect(all('const wait = async (x) => x * 2;\nconst r = await Promise.all([wait(1), wait(2)]);\nreturn [{ r }]').items).toEqual([{ json: { r: [2, 4] } }]);
  });

  it('reads other nodes and the workflow through $', () => {
    expect(all('return [{ id: $("Source").first().json.id, wf: $workflow.name, ex: $execution.id }]').items).toEqual([
      { json: { id: 7, wf: 'Sandbox test', ex: 'ex-42' } },
    ]);
  });

  it('has Luxon, $now and the extension methods', () => {
    expect(all('return [{ d: $now.toISODate(), t: DateTime.fromISO("2024-01-01").plus(1, "day").toISODate(), s: [3, 4].sum(), title: "ada lovelace".toTitleCase() }]').items).toEqual([
      { json: { d: '2024-03-15', t: '2024-01-02', s: 7, title: 'Ada Lovelace' } },
    ]);
  });

  it('captures console output', () => {
    const result = all('console.log("items:", items.length, { ok: true });\nconsole.warn("careful");\nreturn []');
    expect(result.console).toEqual(['items: 3 {"ok":true}', 'careful']);
  });

  it('reports errors with the line in the user code', () => {
    expect(error(() => all('const a = 1;\nconst b = null;\nreturn b.c;')).message).toBe("Cannot read properties of null (reading 'c') [line 3]");
    expect(error(() => all('\n\nthrow new Error("custom failure")')).message).toBe('custom failure [line 3]');
    expect(error(() => all('const x = 1;\nawait null;\nundefinedFunction();')).message).toBe('undefinedFunction is not defined [line 3]');
    const syntax = error(() => all('const a = 1;\nconst = 2;'));
    expect(syntax.name).toBe('CodeError');
    expect(syntax.message).toMatch(/^SyntaxError: .+ \[line 2\]$/);
  });

  it('never changes upstream data', () => {
    const access = data();
    sandbox.runCode('items[0].json.name = "changed";\n$input.first().json.age = 0;\nreturn items', 'runOnceForAllItems', access);
    expect(access.inputItems().map((i) => i.json)).toEqual(input);
  });
});

describe('run once for each item', () => {
  it('sees $json, $input.item, $itemIndex and item, one call per item', () => {
    expect(each('return { name: $json.name, same: $input.item.json.name === item.json.name, i: $itemIndex }').items).toEqual([
      { json: { name: 'Ada', same: true, i: 0 }, pairedItem: { item: 0 } },
      { json: { name: 'Alan', same: true, i: 1 }, pairedItem: { item: 1 } },
      { json: { name: 'Grace', same: true, i: 2 }, pairedItem: { item: 2 } },
    ]);
  });

  it("$('X').item follows the item being run", () => {
    const access = dataAccess({ input, paired: { Source: [{ json: { id: 'a' } }, { json: { id: 'b' } }, { json: { id: 'c' } }] } });
    expect(sandbox.runCode('return { id: $("Source").item.json.id }', 'runOnceForEachItem', access).items.map((i) => i.json.id)).toEqual(['a', 'b', 'c']);
  });

  it('drops an item when the code returns null', () => {
    expect(each('return $json.age > 40 ? { name: $json.name } : null').items.map((i) => i.json)).toEqual([{ name: 'Alan' }, { name: 'Grace' }]);
  });

  it('accepts the item form', () => {
    expect(each('return { json: { n: $itemIndex } }').items[1]).toEqual({ json: { n: 1 }, pairedItem: { item: 1 } });
  });

  it('rejects undefined and arrays as n8n does', () => {
    const undef = error(() => each('const x = 1;'));
    expect(undef.message).toBe("Code doesn't return an object [item 0]");
    expect((undef as Error & { description?: string }).description).toBe("Please return an object representing the output item. ('undefined' was returned instead.)");
    expect(error(() => each('return [{ a: 1 }]')).message).toBe("Code doesn't return a single object [item 0]");
  });

  it('reports errors with the line and the item, and keeps what was printed before', () => {
    const err = error(() => each('console.log("item", $itemIndex);\nif ($json.age > 40) throw new Error("too old");\nreturn {}')) as Error & { itemIndex?: number; console?: string[] };
    expect(err.message).toBe('too old [line 2, for item 1]');
    expect(err.itemIndex).toBe(1);
    expect(err.console).toEqual(['item 0', 'item 1']);
  });

  it("rejects $input.item in all-items mode with n8n's hint", () => {
    expect(error(() => all('return [$input.item.json]')).message).toMatch(/^Can't use \.item here/);
  });

  it('changing $json never changes upstream data', () => {
    const access = data();
    sandbox.runCode('$json.name = "x";\n$input.item.json.age = 1;\nreturn $json', 'runOnceForEachItem', access);
    expect(access.inputItems().map((i) => i.json)).toEqual(input);
  });
});

describe('limits in Code', () => {
  it('ends an endless loop at the deadline and runs the next code normally', () => {
    const err = error(() => all('let i = 0;\nwhile (true) { i++ }'));
    expect(err.name).toBe('SandboxLimitError');
    expect(err.message).toBe('Evaluation timed out after 1000 ms');
    expect(all('return [{ ok: true }]').items).toEqual([{ json: { ok: true } }]);
  });
});

describe('one context for the batch', () => {
  // White-box: the QuickJS context behind the sandbox, to tell a kept context from a rebuilt one.
  const contextOf = (s: Sandbox) => (s as unknown as { vm?: object }).vm;

  it('keeps its context across runs that change nothing shared', () => {
    const s = createSandbox();
    const access = data();
    s.runCode('return [{ d: DateTime.fromISO("2024-01-01").toISODate() }]', 'runOnceForAllItems', access);
    const kept = contextOf(s);
    expect(kept).toBeDefined();
    s.runCode('const local = { n: NaN };\nreturn [{ d: $now.toISODate(), t: "a b".toTitleCase() }]', 'runOnceForAllItems', access);
    expect(s.evaluate('={{ $json.name.toSnakeCase() }}', access)).toBe('ada');
    expect(contextOf(s)).toBe(kept);
    s.dispose();
  });

  it('work a Code node leaves pending never runs with the next node', () => {
    const s = createSandbox();
    const first = dataAccess({ input: [{ secret: 'first node data' }] });
    const second = dataAccess({ input: [{ other: true }] });
    s.runCode('console.probe = [];\nconst spin = (n) => n > 0 ? Promise.resolve().then(() => spin(n - 1)) : console.probe.push($input.first().json);\nspin(50);\nreturn [{ json: { a: 1 } }]', 'runOnceForAllItems', first);
    expect(s.runCode('return [{ json: { seen: console.probe ?? null } }]', 'runOnceForAllItems', second).items).toEqual([{ json: { seen: null } }]);
    s.runCode('TypeError.stash = $input.first().json;\nDateTime.prototype.stash = 1;\nreturn []', 'runOnceForAllItems', first);
    expect(s.runCode('return [{ json: { a: TypeError.stash ?? null, b: DateTime.now().stash ?? null } }]', 'runOnceForAllItems', second).items).toEqual([{ json: { a: null, b: null } }]);
    s.dispose();
  });

  it('starts a fresh context after user code changed a built-in', () => {
    const s = createSandbox();
    const access = data();
    s.runCode('console.probe = "kept";\nArray.prototype.extra = 1;\nreturn []', 'runOnceForAllItems', access);
    expect(s.runCode('return [{ p: console.probe ?? null, extra: [].extra ?? null }]', 'runOnceForAllItems', access).items).toEqual([
      { json: { p: null, extra: null } },
    ]);
    s.dispose();
  });
});

describe('Luxon in Code', () => {
  it('is the real thing when the code names it', () => {
    expect(all('return [{ a: typeof DateTime, b: $now instanceof DateTime, c: DateTime.fromISO("2024-05-01").weekdayLong, d: Duration.fromObject({ minutes: 90 }).as("hours") }]').items).toEqual([
      { json: { a: 'function', b: true, c: 'Wednesday', d: 1.5 } },
    ]);
  });
});

/**
 * Escape and abuse payloads against the sandbox (the families behind n8n's
 * sandbox CVEs, plus limits). Each must end as a clear error or a harmless
 * sandbox-local value; none may reach the host (a host global, a marker file,
 * Object.prototype stay untouched); and the same sandbox then evaluates a
 * normal expression correctly.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox, loadSandboxEngine } from '../../../activities/pipeline/sandbox';
import type { Sandbox } from '../../../domain/pipeline/types';
import { dataAccess } from './data-access';

declare global {
  var __sandboxHostMarker: string | undefined;
}

const markerFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sandbox-escape-')), 'marker.txt');
const F = JSON.stringify(markerFile);

interface Payload {
  readonly name: string;
  readonly kind: 'expr' | 'code';
  readonly src: string;
  /** error: must throw, with a message matching; value: must return this (sandbox-local) value. */
  readonly expect: { error: RegExp } | { value: unknown };
}

const harmless = (value: unknown) => ({ value });
const fails = (error: RegExp) => ({ error });

const payloads: Payload[] = [
  { name: '`this` in an IIFE', kind: 'expr', src: '={{ (function () { return typeof this.process })() }}', expect: harmless('undefined') },
  { name: '`this` in an arrow at top level', kind: 'expr', src: '={{ (() => typeof this.require)() }}', expect: harmless('undefined') },
  { name: 'template-literal constructor', kind: 'expr', src: '={{ `${"".constructor.constructor("return process")()}` }}', expect: fails(/invalid constructor function call/) },
  { name: 'computed constructor chain', kind: 'expr', src: '={{ ""["const" + "ructor"]["const" + "ructor"]("return typeof process")() }}', expect: harmless('undefined') },
  { name: 'computed-destructuring constructor', kind: 'expr', src: '={{ (({ ["constr" + "uctor"]: F }) => F("return typeof require")())(() => 1) }}', expect: harmless('undefined') },
  { name: '`with` statement', kind: 'expr', src: '={{ (function () { with ({}) { return typeof require + typeof process } })() }}', expect: harmless('undefinedundefined') },
  { name: 'caller of a function', kind: 'expr', src: '={{ (function f() { return f.caller === null || f.caller === undefined ? "none" : typeof f.caller })() }}', expect: harmless('none') },
  { name: 'arguments.callee.caller', kind: 'code', src: 'function f() { return arguments.callee.caller }\nreturn [{ json: { t: typeof f() } }]', expect: harmless([{ json: { t: 'undefined' } }]) },
  { name: 'Error.prepareStackTrace', kind: 'code', src: 'Error.prepareStackTrace = (e, frames) => frames.map((f) => f.getThis());\nconst s = new Error("x").stack;\nreturn [{ json: { kind: typeof s } }]', expect: harmless([{ json: { kind: 'string' } }]) },
  { name: 'class extends Function', kind: 'code', src: 'class X extends Function {}\nreturn [{ json: { r: new X("return typeof process + typeof require")() } }]', expect: harmless([{ json: { r: 'undefinedundefined' } }]) },
  { name: 'async function constructor', kind: 'code', src: 'const AF = Object.getPrototypeOf(async function () {}).constructor;\nconst r = await AF("return typeof process")();\nreturn [{ json: { r } }]', expect: harmless([{ json: { r: 'undefined' } }]) },
  { name: 'generator function constructor', kind: 'code', src: 'const GF = Object.getPrototypeOf(function* () {}).constructor;\nreturn [{ json: { r: GF("yield typeof require")().next().value } }]', expect: harmless([{ json: { r: 'undefined' } }]) },
  { name: 'spread of process', kind: 'expr', src: '={{ ({ ...process }) }}', expect: harmless({}) },
  { name: 'process in Code', kind: 'code', src: 'return [{ json: { env: process.env } }]', expect: fails(/^process is not defined \[line 1\]$/) },
  { name: 'require in Code', kind: 'code', src: `const fs = require('fs');\nfs.writeFileSync(${F}, 'pwned');\nreturn []`, expect: fails(/^require is not defined \[line 1\]$/) },
  { name: 'globalThis has no host', kind: 'expr', src: '={{ Object.getOwnPropertyNames(globalThis).filter((k) => /process|require|module|^Buffer$|hostCall|fetch|WebAssembly|setTimeout/.test(k)) }}', expect: harmless([]) },
  { name: 'dynamic import()', kind: 'code', src: `const fs = await import('node:fs');\nfs.writeFileSync(${F}, 'pwned');\nreturn []`, expect: fails(/\S/) },
  { name: "Function('return this')()", kind: 'expr', src: '={{ Function("return this")().process === undefined && typeof Function("return this")().hostCall }}', expect: harmless('undefined') },
  { name: 'indirect eval', kind: 'expr', src: '={{ (0, eval)("typeof process + typeof require + typeof module") }}', expect: harmless('undefinedundefinedundefined') },
  { name: 'prototype pollution stays in the sandbox', kind: 'code', src: 'Object.prototype.polluted = "yes";\nArray.prototype.push = () => 0;\nreturn [{ json: { p: ({}).polluted } }]', expect: harmless([{ json: { p: 'yes' } }]) },
  { name: '__proto__ key in a result', kind: 'expr', src: '={{ JSON.parse(\'{"a":1,"__proto__":{"polluted":"yes"} }\') }}', expect: harmless({ a: 1 }) },
  { name: 'host data is a copy', kind: 'code', src: '$input.all()[0].json.name = "changed";\nitems[0].json.__proto__.polluted = 1;\nreturn []', expect: harmless([]) },
  { name: 'infinite loop', kind: 'expr', src: '={{ (() => { while (true) {} })() }}', expect: fails(/timed out after 1000 ms/) },
  { name: 'while(true) in async code', kind: 'code', src: 'await null;\nwhile (true) {}', expect: fails(/timed out after 1000 ms/) },
  { name: 'promise that never settles', kind: 'code', src: 'await new Promise(() => {});\nreturn []', expect: fails(/never settles/) },
  { name: 'endless microtasks', kind: 'code', src: 'const spin = () => Promise.resolve().then(spin);\nspin();\nawait new Promise(() => {})', expect: fails(/timed out after 1000 ms/) },
  { name: 'memory bomb', kind: 'code', src: 'const a = [];\nfor (;;) a.push(new Uint8Array(4e6));', expect: fails(/ran out of memory \(limit 32 MB\)/) },
  { name: 'huge string', kind: 'code', src: 'return [{ json: { n: "x".repeat(2 ** 30).length } }]', expect: fails(/Invalid string length \[line 1\]|ran out of memory/) },
  { name: 'string doubling', kind: 'expr', src: '={{ (() => { let s = "x"; for (;;) s += s })() }}', expect: fails(/ran out of memory/) },
  { name: 'output bomb', kind: 'expr', src: '={{ "x".repeat(2000000) }}', expect: fails(/result is too large/) },
  { name: 'output bomb in Code', kind: 'code', src: 'return Array.from({ length: 2000 }, () => ({ json: { s: "y".repeat(1000) } }))', expect: fails(/result is too large/) },
  { name: 'deep recursion', kind: 'code', src: 'function f(n) { return f(n + 1) + 1 }\nreturn [{ json: { r: f(0) } }]', expect: fails(/stack/i) },
  { name: 'deeply nested result', kind: 'code', src: 'let o = {};\nfor (let i = 0; i < 200000; i++) o = { o };\nreturn [{ json: o }]', expect: fails(/^Maximum nesting depth of 1000 exceeded$/) },
  { name: 'deeply nested JSON text', kind: 'code', src: 'return [{ json: { r: JSON.parse("[".repeat(200000) + "]".repeat(200000)) } }]', expect: fails(/Maximum nesting depth of 1000 exceeded \[line 1\]/) },
  { name: 'deeply nested value stringified', kind: 'code', src: 'let o = {};\nfor (let i = 0; i < 200000; i++) o = { o };\nreturn [{ json: { n: JSON.stringify(o).length } }]', expect: fails(/Maximum nesting depth of 1000 exceeded \[line 3\]/) },
  { name: 'Proxy chain 100,000 deep', kind: 'code', src: 'let p = {};\nfor (let i = 0; i < 100000; i++) p = new Proxy(p, {});\nreturn [{ json: { x: p.x ?? null } }]', expect: fails(/Maximum call stack size exceeded|ran out of memory/) },
  { name: 'bound-function chain', kind: 'code', src: 'let f = function () { return 1 };\nfor (let i = 0; i < 100000; i++) f = f.bind(null);\nreturn [{ json: { x: f() } }]', expect: fails(/Maximum call stack size exceeded|ran out of memory/) },
  { name: 'flattening a deep array', kind: 'code', src: 'let a = [];\nfor (let i = 0; i < 100000; i++) a = [a];\nreturn [{ json: { x: a.flat(Infinity).length } }]', expect: fails(/Maximum call stack size exceeded|ran out of memory/) },
  { name: 'huge ArrayBuffer', kind: 'code', src: 'const b = new ArrayBuffer(1e9);\nreturn [{ json: { n: b.byteLength } }]', expect: fails(/memory|RangeError|invalid array buffer length/i) },
  { name: 'Atomics/SharedArrayBuffer', kind: 'code', src: 'const sab = new SharedArrayBuffer(16);\nAtomics.wait(new Int32Array(sab), 0, 0, 100000);\nreturn []', expect: fails(/Atomics/) },
  { name: 'Proxy on host data that throws', kind: 'expr', src: '={{ new Proxy($json, { ownKeys() { throw new Error("trap") }, get() { throw new Error("trap") } }) }}', expect: fails(/trap/) },
  { name: 'Proxy on host data that loops', kind: 'code', src: 'return [{ json: new Proxy($input.first().json, { ownKeys() { for (;;) {} } }) }]', expect: fails(/timed out after 1000 ms/) },
  { name: 'toJSON that loops', kind: 'expr', src: '={{ ({ toJSON() { for (;;) {} } }) }}', expect: fails(/timed out after 1000 ms/) },
  { name: 'getter that loops in a Code result', kind: 'code', src: 'return [{ json: { get x() { for (;;) {} } } }]', expect: fails(/timed out after 1000 ms/) },
  { name: 'catastrophic regex', kind: 'expr', src: '={{ /^(a+)+$/.test("a".repeat(40) + "b") }}', expect: fails(/timed out after 1000 ms/) },
  { name: 'catching the timeout does not help', kind: 'code', src: 'for (;;) { try { for (;;) {} } catch (e) {} }', expect: fails(/timed out after 1000 ms/) },
  { name: 'replacing JSON does not forge the result', kind: 'code', src: 'JSON.stringify = () => "{not json";\nJSON.parse = () => ({ state: "done", items: { v: [{ json: { forged: true } }] } });\nreturn [{ json: { real: 1 } }]', expect: harmless([{ json: { real: 1 } }]) },
  { name: 'WebAssembly is absent', kind: 'expr', src: '={{ typeof WebAssembly }}', expect: harmless('undefined') },
];

let sandbox: Sandbox;
const input = [{ name: 'Ada', n: 1 }];
const data = () => dataAccess({ input });

beforeAll(async () => {
  await loadSandboxEngine();
  sandbox = createSandbox({ timeoutMs: 1000, maxOutputChars: 1_000_000, memoryLimitBytes: 32 * 1024 * 1024 });
  globalThis.__sandboxHostMarker = 'intact';
  writeFileSync(markerFile, 'intact');
});
afterAll(() => {
  sandbox.dispose();
  delete globalThis.__sandboxHostMarker;
});

it('has at least 30 payloads', () => {
  expect(payloads.length).toBeGreaterThanOrEqual(30);
});

describe.each(payloads)('$name', (payload) => {
  it('ends clearly, reaches nothing of the host, and the sandbox goes on', () => {
    const access = data();
    const run = () =>
      payload.kind === 'expr' ? sandbox.evaluate(payload.src, access) : sandbox.runCode(payload.src, 'runOnceForAllItems', access).items;
    if ('error' in payload.expect) {
      let thrown: unknown;
      try {
        run();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(Error);
      const err = thrown as Error;
      expect(['ExpressionError', 'CodeError', 'SandboxLimitError']).toContain(err.name);
      expect(err.message).toMatch(payload.expect.error);
    } else {
      expect(run()).toEqual(payload.expect.value);
    }

    expect(globalThis.__sandboxHostMarker).toBe('intact');
    expect(readFileSync(markerFile, 'utf8')).toBe('intact');
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect([].push).toBe(Array.prototype.push);
    expect(access.inputItems()[0]?.json).toEqual(input[0]);

    expect(sandbox.evaluate('={{ $json.name + " " + [1, 2, 3].sum() }}', data())).toBe('Ada 6');
  });
});

describe('a failure of QuickJS itself', () => {
  it('ends as a clear error, and the sandbox goes on on a fresh WebAssembly instance', async () => {
    // A stack limit this high lets deep recursion exhaust the host's stack inside WebAssembly.
    const fragile = createSandbox({ maxStackBytes: 1024 * 1024 });
    let thrown: unknown;
    try {
      fragile.runCode('function f(n) { return f(n + 1) + 1 }\nreturn [{ json: { r: f(0) } }]', 'runOnceForAllItems', data());
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ name: 'SandboxLimitError' });
    expect((thrown as Error).message).toMatch(/call stack/i);
    expect(fragile.evaluate('={{ $json.n + 1 }}', data())).toBe(2);
    fragile.dispose();
    await loadSandboxEngine();
    const next = createSandbox();
    expect(next.evaluate('={{ $json.name }}', data())).toBe('Ada');
    next.dispose();
    expect(globalThis.__sandboxHostMarker).toBe('intact');
  });
});

it('refuses options that would make the limits unsafe', () => {
  expect(() => createSandbox({ maxStackBytes: 64 * 1024 * 1024 })).toThrow('createSandbox: maxStackBytes must be a whole number from 32768 to 1048576, got 67108864');
  expect(() => createSandbox({ timeoutMs: 0 })).toThrow(RangeError);
});

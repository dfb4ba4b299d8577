/**
 * The sandbox for user code (n8n expressions and Code nodes): QuickJS compiled
 * to WebAssembly, one runtime and context per Sandbox, reused for a batch of
 * evaluations and freed by dispose(). User code reaches the host only through
 * one JSON-in/JSON-out function (host-bridge.ts). Each evaluation has a
 * deadline, the runtime a memory and stack limit, results a size bound; a
 * limit ends the evaluation with a SandboxLimitError and the next evaluation
 * gets a fresh context, transparently. See README.md.
 *
 * quickjs-emscripten's WebAssembly module loads asynchronously once per
 * process: `await loadSandboxEngine()` before the first createSandbox().
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  newQuickJSWASMModuleFromVariant,
  RELEASE_SYNC,
  type QuickJSContext,
  type QuickJSSyncVariant,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import type { CodeResult, DataAccess, Item, Sandbox } from '../../../domain/pipeline/types';
import { handleHostCall } from './host-bridge';
import { CodeError, ExpressionError, SandboxLimitError } from './sandbox-errors';

export interface SandboxOptions {
  /** Deadline of one evaluation (an expression, or a whole Code node run), ms. Default 3000. */
  readonly timeoutMs?: number;
  /** Memory limit of the sandbox's heap, bytes. Default 64 MiB. */
  readonly memoryLimitBytes?: number;
  /** QuickJS's stack limit, bytes. Default 160 KiB: QuickJS must stop deep recursion before the host's own stack runs out inside WebAssembly. */
  readonly maxStackBytes?: number;
  /** Largest result (JSON characters) an evaluation may hand back. Default 16 MiB. */
  readonly maxOutputChars?: number;
}

const DEFAULTS = {
  timeoutMs: 3000,
  memoryLimitBytes: 64 * 1024 * 1024,
  maxStackBytes: 160 * 1024,
  maxOutputChars: 16 * 1024 * 1024,
} as const;

/**
 * The release build of QuickJS (sync). Its module loader is a dynamic import(),
 * which Jest's VM cannot run; requiring the CommonJS build of the same module
 * works everywhere.
 */
const variant: QuickJSSyncVariant = {
  ...RELEASE_SYNC,
  importModuleLoader: () =>
    Promise.resolve(
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: import() is what Jest cannot run
      require(require.resolve('@jitl/quickjs-wasmfile-release-sync/emscripten-module', { paths: [path.dirname(require.resolve('quickjs-emscripten'))] })),
    ),
};
const newQuickJSWASMModule = () => newQuickJSWASMModuleFromVariant(variant);

/**
 * The process's WebAssembly instances of QuickJS: the one in use and a spare.
 * A runtime that hit the memory or stack limit may have leaked objects inside
 * QuickJS, and freeing it would abort the whole instance; so it is abandoned,
 * and after a few abandoned runtimes the spare takes over. If QuickJS fails at
 * the WebAssembly level (the host's stack ran out inside it), that instance is
 * not trusted again and the spare takes over at once. A new spare loads in the
 * background; `loadSandboxEngine()` waits for it.
 */
interface Engine {
  readonly module: QuickJSWASMModule;
  abandoned: number;
}
const MAX_ABANDONED_RUNTIMES = 8;
let engine: Engine | undefined;
let spare: QuickJSWASMModule | undefined;
let loadingSpare: Promise<void> | undefined;

function loadSpare(): Promise<void> {
  loadingSpare ??= newQuickJSWASMModule()
    .then((module) => {
      spare = module;
    })
    .finally(() => {
      loadingSpare = undefined;
    });
  return loadingSpare;
}

/** Loads the WebAssembly engine (and its spare); createSandbox() needs it. Cheap once loaded: call it before each batch. */
export async function loadSandboxEngine(): Promise<void> {
  if (!engine) engine = { module: await newQuickJSWASMModule(), abandoned: 0 };
  if (!spare) await loadSpare();
}

function switchToSpare(): void {
  if (!spare) {
    // No spare yet (two failures in a row): keep the current instance until the spare is there,
    // rather than failing every evaluation of the batch; it is replaced as soon as it loads.
    if (engine) engine.abandoned = MAX_ABANDONED_RUNTIMES;
    loadSpare().then(
      () => {
        if (engine && engine.abandoned >= MAX_ABANDONED_RUNTIMES) switchToSpare();
      },
      (err: unknown) => console.error('sandbox: loading a spare QuickJS instance failed', err),
    );
    return;
  }
  engine = { module: spare, abandoned: 0 };
  spare = undefined;
  loadSpare().catch((err: unknown) => console.error('sandbox: loading a spare QuickJS instance failed', err));
}

function runtimeAbandoned(module: QuickJSWASMModule): void {
  if (engine?.module !== module) return;
  engine.abandoned++;
  if (engine.abandoned >= MAX_ABANDONED_RUNTIMES) switchToSpare();
}

function engineDied(module: QuickJSWASMModule): void {
  if (engine?.module === module) switchToSpare();
}

const runtimeSource = readFileSync(path.join(__dirname, 'js/runtime.js'), 'utf8');

interface SandboxError {
  readonly name: string;
  readonly message: string;
  readonly description?: string;
  readonly stack?: string;
  readonly validation?: boolean;
  readonly itemIndex?: number;
}

type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: SandboxError };

/** Own "__proto__" keys are dropped: a later Object.assign/spread on the host would turn them into a prototype. */
const dropProtoKeys = (key: string, value: unknown) => (key === '__proto__' ? undefined : value);

/** The sandbox's answers are JSON; anything else means user code broke the runtime inside the sandbox. */
function readJson(json: string): unknown {
  try {
    return JSON.parse(json, dropProtoKeys);
  } catch {
    throw new ExpressionError('The sandbox returned an unreadable result', 'User code changed the sandbox so that it could not report its result.');
  }
}

function decodeValue(json: string): Decoded {
  const r = readJson(json) as { v?: unknown; t?: string; error?: SandboxError };
  if (r.error) return { ok: false, error: r.error };
  if (r.t === 'u') return { ok: true, value: undefined };
  if (r.t === 'n') return { ok: true, value: Number((r as { v: string }).v) };
  return { ok: true, value: r.v };
}

/** One QuickJS runtime + context with the sandbox runtime loaded. */
class Vm {
  readonly runtime: QuickJSRuntime;
  readonly context: QuickJSContext;
  private readonly api: QuickJSHandle;
  private deadline = Infinity;
  /** Set when a limit may have left QuickJS's heap inconsistent: never free this runtime. */
  tainted = false;
  /** The Code node wrapper's parameter list ($input, items, ...). */
  readonly codeParams: string;
  interrupted = false;
  data: DataAccess | undefined;

  constructor(
    readonly module: QuickJSWASMModule,
    private readonly options: Required<SandboxOptions>,
  ) {
    this.runtime = module.newRuntime();
    this.runtime.setMemoryLimit(options.memoryLimitBytes);
    this.runtime.setMaxStackSize(options.maxStackBytes);
    this.runtime.setInterruptHandler(() => {
      if (Date.now() > this.deadline) {
        this.interrupted = true;
        return true;
      }
      return false;
    });
    this.context = this.runtime.newContext();
    const ctx = this.context;
    try {
      const hostCall = ctx.newFunction('hostCall', (opHandle, argsHandle) => {
        const json = handleHostCall(this.data, ctx.getString(opHandle), ctx.getString(argsHandle));
        return ctx.newString(json);
      });
      const factory = ctx.unwrapResult(ctx.evalCode(runtimeSource, 'whoosh-runtime.js', { type: 'global', strict: true }));
      this.api = ctx.unwrapResult(ctx.callFunction(factory, ctx.undefined, hostCall));
      factory.dispose();
      hostCall.dispose();
      const params = ctx.getProp(this.api, 'codeParams');
      this.codeParams = ctx.getString(params);
      params.dispose();
    } catch (err) {
      // A context that failed to start may hold leaked objects: abandon it rather than free it.
      this.tainted = true;
      this.dispose();
      throw new SandboxLimitError(`The sandbox could not start: ${err instanceof Error ? err.message || err.name : String(err)}`, 'engine');
    }
  }

  /** Runs fn with the deadline armed and `data` visible to hostCall. */
  armed<T>(data: DataAccess, fn: () => T): T {
    this.data = data;
    this.interrupted = false;
    this.deadline = Date.now() + this.options.timeoutMs;
    try {
      return fn();
    } finally {
      this.deadline = Infinity;
      this.data = undefined;
    }
  }

  /** Calls a method of the runtime's API with string/number arguments; returns the string it returns. */
  call(method: string, ...args: (string | number | boolean | QuickJSHandle)[]): string {
    const ctx = this.context;
    const fn = ctx.getProp(this.api, method);
    const handles = args.map((a) =>
      typeof a === 'string' ? ctx.newString(a) : typeof a === 'number' ? ctx.newNumber(a) : typeof a === 'boolean' ? (a ? ctx.true : ctx.false) : a,
    );
    try {
      const result = ctx.callFunction(fn, ctx.undefined, ...handles);
      if (result.error) {
        const err = ctx.dump(result.error) as SandboxError | string;
        result.error.dispose();
        throw this.limitError(err) ?? new ExpressionError(typeof err === 'string' ? err : v8Wording(err.message));
      }
      const out = ctx.typeof(result.value) === 'string' ? ctx.getString(result.value) : '';
      result.value.dispose();
      // An interrupt inside a promise job only rejects that promise; the deadline still ended the evaluation.
      if (this.interrupted) throw this.limitError(undefined);
      return out;
    } finally {
      fn.dispose();
      handles.forEach((h, i) => {
        if (typeof args[i] === 'string' || typeof args[i] === 'number') h.dispose();
      });
    }
  }

  /** A sandbox error caused by a limit, as the host reports it; undefined for ordinary errors. */
  limitError(err: SandboxError | string | undefined): SandboxLimitError | undefined {
    if (this.interrupted) return new SandboxLimitError(`Evaluation timed out after ${this.options.timeoutMs} ms`, 'timeout');
    if (!err || typeof err === 'string') return undefined;
    if (err.name === 'InternalError' && /out of memory|string too long|array too long|invalid array length/i.test(err.message)) {
      return new SandboxLimitError(`Evaluation ran out of memory (limit ${Math.round(this.options.memoryLimitBytes / 1048576)} MB)`, 'memory');
    }
    if ((err.name === 'InternalError' || err.name === 'RangeError') && /stack overflow|call stack/i.test(err.message)) {
      return new SandboxLimitError('Maximum call stack size exceeded', 'stack');
    }
    if (err.name === 'SandboxLimitError') return new SandboxLimitError(err.message, 'output');
    if (err.name === 'InternalError' && /interrupted/.test(err.message)) {
      return new SandboxLimitError(`Evaluation timed out after ${this.options.timeoutMs} ms`, 'timeout');
    }
    return undefined;
  }

  dispose(): void {
    if (this.tainted) {
      runtimeAbandoned(this.module);
      return;
    }
    try {
      if (this.api?.alive) this.api.dispose();
      if (this.context.alive) this.context.dispose();
      if (this.runtime.alive) this.runtime.dispose();
    } catch {
      // QuickJS aborted while freeing: this WebAssembly instance is unusable from now on.
      engineDied(this.module);
    }
  }
}

/** Code that names Luxon gets it; other code does not pay for loading it. */
const USES_LUXON = /\b(?:DateTime|Duration|Interval)\b|\$now\b|\$today\b/;

/**
 * Only an expression that writes to a member (`a.b = `, `a[b] += `, `x.y++`,
 * a destructuring target), deletes or redefines can change a built-in; the
 * others skip the check. A bare `x = 1` in an expression only sets a local of that evaluation.
 */
const ASSIGN_OP = '(?:[-+*/%&|^]|\\*\\*|<<|>>>?|&&|\\|\\||\\?\\?)?=(?![=>])';
const MAY_CHANGE_BUILTINS = new RegExp(
  [
    `\\.\\s*[\\w$]+\\s*${ASSIGN_OP}`,
    `[\\]}]\\s*${ASSIGN_OP}`,
    '(?:\\.\\s*[\\w$]+|\\])\\s*(?:\\+\\+|--)',
    '(?:\\+\\+|--)\\s*[\\w$]+\\s*[.[]',
    '\\bdelete\\b|defineProperty|setPrototypeOf|__proto__|\\bassign\\b|\\bReflect\\b',
  ].join('|'),
);

/** QuickJS's wording of common errors, as V8 (and so n8n) words them. */
const V8_WORDING: [RegExp, string][] = [
  [/^cannot read property '(.*)' of (undefined|null)$/, "Cannot read properties of $2 (reading '$1')"],
  [/^cannot set property '(.*)' of (undefined|null)$/, "Cannot set properties of $2 (setting '$1')"],
  [/^'(.*)' is not defined$/, '$1 is not defined'],
  [/^invalid string length$/, 'Invalid string length'],
  [/^invalid array length$/, 'Invalid array length'],
];
export function v8Wording(message: string): string {
  for (const [pattern, replacement] of V8_WORDING) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}

const ERROR_LINE = /user-code:(\d+)(?::\d+)?\)?/;

/** The line in the user's code an error was thrown from, if its stack names one. */
function userLine(stack: string | undefined): number | undefined {
  const m = stack ? ERROR_LINE.exec(stack) : null;
  return m ? Number(m[1]) : undefined;
}

class QuickJsSandbox implements Sandbox {
  private vm: Vm | undefined;
  private readonly options: Required<SandboxOptions>;
  private disposed = false;

  constructor(options: SandboxOptions) {
    this.options = { ...DEFAULTS, ...options };
    currentModule(); // fail fast when the engine is not loaded; the context itself is made on first use
  }

  private get live(): Vm {
    if (this.disposed) throw new Error('The sandbox was disposed');
    if (!this.vm) this.vm = new Vm(currentModule(), this.options);
    return this.vm;
  }

  /** After a limit was hit the context may hold garbage or broken state: start the next evaluation afresh. */
  private discard(): void {
    this.vm?.dispose();
    this.vm = undefined;
  }

  private guarded<T>(fn: (vm: Vm) => T): T {
    const vm = this.live;
    try {
      return fn(vm);
    } catch (err) {
      if (err instanceof SandboxLimitError) {
        if (err.limit === 'output') throw err;
        // Interrupted or out of memory, QuickJS may have leaked objects: freeing the runtime would abort it.
        vm.tainted = true;
      } else if (err instanceof ExpressionError || err instanceof CodeError) {
        throw err;
      } else {
        // Not an error of the user's code: QuickJS failed at the WebAssembly level.
        vm.tainted = true;
        engineDied(vm.module);
        this.discard();
        throw new SandboxLimitError(`The sandbox failed: ${(err as Error)?.message ?? String(err)}`, 'engine');
      }
      this.discard();
      throw err;
    }
  }

  evaluate(expression: string, data: DataAccess): unknown {
    if (typeof expression !== 'string' || expression.charAt(0) !== '=') return expression;
    return this.guarded((vm) => {
      const out = vm.armed(data, () => {
        const mayChange = MAY_CHANGE_BUILTINS.test(expression);
        if (mayChange) vm.call('guard');
        const result = vm.call('evaluate', expression, this.options.maxOutputChars, data.timezone);
        if (mayChange) this.checkIntact(vm);
        return result;
      });
      const decoded = decodeValue(out);
      if (decoded.ok) return decoded.value;
      throw vm.limitError(decoded.error) ?? new ExpressionError(v8Wording(decoded.error.message), decoded.error.description);
    });
  }

  resolveParameters(parameters: unknown, data: DataAccess): unknown {
    if (typeof parameters === 'string') return this.evaluate(parameters, data);
    if (Array.isArray(parameters)) return parameters.map((p) => this.resolveParameters(p, data));
    if (parameters !== null && typeof parameters === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(parameters)) out[key] = this.resolveParameters(value, data);
      return out;
    }
    return parameters;
  }

  runCode(code: string, mode: 'runOnceForAllItems' | 'runOnceForEachItem', data: DataAccess, options: { continueOnFail?: boolean } = {}): CodeResult {
    return this.guarded((vm) =>
      vm.armed(data, () => {
        const ctx = vm.context;
        const params = vm.codeParams;
        vm.call('guard');
        // The wrapper shares the first line with the user's code, so lines in stacks are the user's.
        const compiled = ctx.evalCode(`(async function (${params}) {${code}\n})`, 'user-code', { type: 'global' });
        if (compiled.error) {
          const err = ctx.dump(compiled.error) as SandboxError;
          compiled.error.dispose();
          throw vm.limitError(err) ?? this.codeError(err, mode, undefined);
        }
        try {
          vm.call('startCode', compiled.value, mode, data.timezone, USES_LUXON.test(code), options.continueOnFail === true);
        } finally {
          compiled.value.dispose();
        }
        for (;;) {
          const status = readJson(vm.call('codeStatus', this.options.maxOutputChars)) as
            | { state: 'running' }
            | { state: 'failed'; error: SandboxError; console: string[] }
            | { state: 'done'; items: { v: Item[] }; console: string[] };
          if (status.state === 'done') {
            this.checkIntact(vm);
            return { items: this.itemErrorsAsItems(vm, status.items.v, mode), console: status.console };
          }
          if (status.state === 'failed') {
            const limit = vm.limitError(status.error);
            if (limit) throw limit;
            this.checkIntact(vm);
            throw this.codeError(status.error, mode, status.error.itemIndex, status.console);
          }
          const jobs = vm.runtime.executePendingJobs();
          if (vm.interrupted) {
            if (jobs.error) jobs.error.dispose();
            throw vm.limitError(undefined);
          }
          if (jobs.error) {
            const err = ctx.dump(jobs.error) as SandboxError;
            jobs.error.dispose();
            throw vm.limitError(err) ?? this.codeError(err, mode, undefined);
          }
          if (jobs.value === 0) {
            throw new CodeError("Code doesn't finish: it waits for a promise that never settles", 'Every awaited promise must resolve or reject; timers and network requests are not available in the Code node.');
          }
        }
      }),
    );
  }

  /**
   * User code changed a built-in, or left promise jobs behind (they would run
   * in the next Code node with its data): the next evaluation gets a fresh context.
   */
  private checkIntact(vm: Vm): void {
    if (this.vm !== vm || !vm.context.alive) return;
    if (vm.runtime.hasPendingJob()) {
      this.discard();
      return;
    }
    let intact: boolean;
    try {
      intact = vm.call('intact') === 'true';
    } catch {
      intact = false;
    }
    if (!intact) this.discard();
  }

  /**
   * continueOnFail once per item: an item whose run failed is `{ json: { error } }`
   * with n8n's message, and the others went on. A limit (memory, time) still
   * stops the node: it is the sandbox's verdict, not the item's.
   */
  private itemErrorsAsItems(vm: Vm, items: Item[], mode: 'runOnceForAllItems' | 'runOnceForEachItem'): Item[] {
    return items.map((item) => {
      const failed = (item as { __codeError?: SandboxError }).__codeError;
      if (failed === undefined) return item;
      const limit = vm.limitError(failed);
      if (limit) throw limit;
      return { json: { error: this.codeError(failed, mode, failed.itemIndex).message } };
    });
  }

  /** n8n's form: "<message> [line N]" / "[line N, for item i]". */
  private codeError(err: SandboxError, mode: 'runOnceForAllItems' | 'runOnceForEachItem', itemIndex: number | undefined, lines: string[] = []): CodeError {
    const index = mode === 'runOnceForEachItem' ? itemIndex : undefined;
    if (err.name === 'CodeError' || err.validation) {
      const suffix = index !== undefined && !/\[item \d+\]$/.test(err.message) ? ` [item ${index}]` : '';
      return new CodeError(err.message + suffix, err.description, index, lines);
    }
    const line = userLine(err.stack);
    const message = err.name === 'SyntaxError' ? `SyntaxError: ${err.message}` : v8Wording(err.message);
    const where =
      mode === 'runOnceForEachItem' && itemIndex !== undefined
        ? line !== undefined
          ? ` [line ${line}, for item ${itemIndex}]`
          : ` [item ${itemIndex}]`
        : line !== undefined
          ? ` [line ${line}]`
          : '';
    return new CodeError(message + where, err.description, index, lines);
  }

  dispose(): void {
    this.disposed = true;
    this.discard();
  }
}

/** A Sandbox with its own QuickJS context. Needs `await loadSandboxEngine()` once per process first. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  checkOptions(options);
  return new QuickJsSandbox(options);
}

const BOUNDS: Record<keyof SandboxOptions, readonly [number, number]> = {
  timeoutMs: [1, 10 * 60_000],
  memoryLimitBytes: [8 * 1024 * 1024, 2 * 1024 * 1024 * 1024],
  // Above ~1 MiB the host's own stack runs out inside WebAssembly before QuickJS's check trips.
  maxStackBytes: [32 * 1024, 1024 * 1024],
  maxOutputChars: [1024, 512 * 1024 * 1024],
};

function checkOptions(options: SandboxOptions): void {
  for (const [key, [min, max]] of Object.entries(BOUNDS) as [keyof SandboxOptions, readonly [number, number]][]) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(`createSandbox: ${key} must be a whole number from ${min} to ${max}, got ${String(value)}`);
    }
  }
}

function currentModule(): QuickJSWASMModule {
  if (!engine) throw new Error('The sandbox engine is not loaded: await loadSandboxEngine() before createSandbox()');
  return engine.module;
}

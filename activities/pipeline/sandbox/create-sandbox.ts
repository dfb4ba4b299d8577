/**
 * The sandbox for user code (n8n expressions and Code nodes): QuickJS compiled
 * to WebAssembly, one runtime and context per Sandbox (quickjs-vm.ts), reused
 * for a batch of evaluations and freed by dispose(). User code reaches the host
 * only through one JSON-in/JSON-out function (host-bridge.ts). Each evaluation
 * has a deadline, the runtime a memory and stack limit, results a size bound
 * (sandbox-options.ts); a limit ends the evaluation with a SandboxLimitError
 * and the next evaluation gets a fresh context, transparently. See README.md.
 *
 * quickjs-emscripten's WebAssembly module loads asynchronously once per
 * process: `await loadSandboxEngine()` (quickjs-engine.ts) before the first
 * createSandbox().
 */
import type { CodeResult, DataAccess, Item, Sandbox } from '../../../domain/pipeline/types';
import { codeErrorOf, decodeValue, readJson, v8Wording, type CodeMode, type SandboxError } from './answers';
import { currentModule, engineDied } from './quickjs-engine';
import { Vm } from './quickjs-vm';
import { CodeError, ExpressionError, SandboxLimitError } from './sandbox-errors';
import { checkOptions, SANDBOX_DEFAULTS, type SandboxOptions } from './sandbox-options';

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

class QuickJsSandbox implements Sandbox {
  private vm: Vm | undefined;
  private readonly options: Required<SandboxOptions>;
  private disposed = false;

  constructor(options: SandboxOptions) {
    this.options = { ...SANDBOX_DEFAULTS, ...options };
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

  runCode(code: string, mode: CodeMode, data: DataAccess, options: { continueOnFail?: boolean } = {}): CodeResult {
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
          throw vm.limitError(err) ?? codeErrorOf(err, mode, undefined);
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
            throw codeErrorOf(status.error, mode, status.error.itemIndex, status.console);
          }
          const jobs = vm.runtime.executePendingJobs();
          if (vm.interrupted) {
            if (jobs.error) jobs.error.dispose();
            throw vm.limitError(undefined);
          }
          if (jobs.error) {
            const err = ctx.dump(jobs.error) as SandboxError;
            jobs.error.dispose();
            throw vm.limitError(err) ?? codeErrorOf(err, mode, undefined);
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
  private itemErrorsAsItems(vm: Vm, items: Item[], mode: CodeMode): Item[] {
    return items.map((item) => {
      const failed = (item as { __codeError?: SandboxError }).__codeError;
      if (failed === undefined) return item;
      const limit = vm.limitError(failed);
      if (limit) throw limit;
      return { json: { error: codeErrorOf(failed, mode, failed.itemIndex).message } };
    });
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

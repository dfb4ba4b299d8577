/**
 * One QuickJS runtime and context with the sandbox runtime (js/runtime.js)
 * loaded: its limits (memory, stack, the deadline checked by the interrupt
 * handler), its one door to the host (hostCall, host-bridge.ts), calls into
 * the runtime's API, and which QuickJS errors mean a limit was hit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import type { DataAccess } from '../../../domain/pipeline/types';
import { v8Wording, type SandboxError } from './answers';
import { handleHostCall } from './host-bridge';
import { engineDied, runtimeAbandoned } from './quickjs-engine';
import { ExpressionError, SandboxLimitError } from './sandbox-errors';
import type { SandboxOptions } from './sandbox-options';

const runtimeSource = readFileSync(path.join(__dirname, 'js/runtime.js'), 'utf8');

/** One QuickJS runtime + context with the sandbox runtime loaded. */
export class Vm {
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

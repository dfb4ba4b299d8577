/**
 * The process's QuickJS WebAssembly instances. quickjs-emscripten's module
 * loads asynchronously once per process: `await loadSandboxEngine()` before
 * the first createSandbox().
 */
import path from 'node:path';
import { newQuickJSWASMModuleFromVariant, RELEASE_SYNC, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten';

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

/** A runtime that hit a limit is left unfreed; enough of them and the spare takes over. */
export function runtimeAbandoned(module: QuickJSWASMModule): void {
  if (engine?.module !== module) return;
  engine.abandoned++;
  if (engine.abandoned >= MAX_ABANDONED_RUNTIMES) switchToSpare();
}

/** QuickJS failed at the WebAssembly level: the instance is not trusted again. */
export function engineDied(module: QuickJSWASMModule): void {
  if (engine?.module === module) switchToSpare();
}

/** The instance new runtimes are made in; throws when loadSandboxEngine() has not run. */
export function currentModule(): QuickJSWASMModule {
  if (!engine) throw new Error('The sandbox engine is not loaded: await loadSandboxEngine() before createSandbox()');
  return engine.module;
}

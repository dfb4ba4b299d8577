/*
 * Runs INSIDE the QuickJS sandbox, never in Node. Evaluated once per sandbox
 * context as a function expression and called with `hostCall`, the one host
 * function: hostCall(op, argsJson) -> resultJson. Everything that crosses is
 * JSON text; no host object is reachable from here.
 *
 * It builds n8n's expression scope ($json, $input, $('Node'), $now, ...),
 * splits `{{ }}` templates, renders them with n8n's rules, runs Code-node
 * functions and normalises their results, and serialises values back to the
 * host. The extension methods (extensions.js), Luxon and jmespath are loaded
 * lazily on first use.
 */
/* eslint-disable @typescript-eslint/no-unused-expressions -- the file is one function expression, evaluated for its value inside QuickJS */
(function (hostCall) {
  'use strict';
  const G = globalThis;
  // Captured before user code runs: the messages to the host stay JSON whatever user code does to JSON.
  const jsonParse = JSON.parse;
  const nativeStringify = JSON.stringify;
  const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

  // QuickJS's JSON recursion barely uses the stack its limit watches, so very
  // deep nesting would exhaust the host's stack inside WebAssembly instead of
  // ending as a catchable error. Nesting is capped (n8n data is never this deep).
  const MAX_NESTING = 1000;
  const tooDeep = () => {
    const e = new RangeError(`Maximum nesting depth of ${MAX_NESTING} exceeded`);
    return e;
  };
  function checkDepth(value) {
    if (value === null || typeof value !== 'object') return;
    const stack = [value, 1];
    const seen = new Set();
    while (stack.length) {
      const depth = stack.pop();
      const v = stack.pop();
      if (depth > MAX_NESTING) throw tooDeep();
      if (seen.has(v)) continue; // cycles: JSON.stringify reports them itself
      seen.add(v);
      const keys = Object.keys(v);
      for (let i = 0; i < keys.length; i++) {
        const c = v[keys[i]];
        if (c !== null && typeof c === 'object') stack.push(c, depth + 1);
      }
    }
  }
  function checkTextDepth(text) {
    if (text.length < 2 * MAX_NESTING) return;
    if (text.replace(/[^[{]/g, '').length <= MAX_NESTING) return;
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 92) i++; // backslash
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 91 || c === 123) {
        if (++depth > MAX_NESTING) throw tooDeep();
      } else if (c === 93 || c === 125) depth--;
    }
  }
  const jsonStringify = (value, replacer, space) => {
    checkDepth(value);
    return nativeStringify(value, replacer, space);
  };
  const nativeParse = jsonParse;
  // User code gets the guarded versions too.
  JSON.stringify = function stringify(value, replacer, space) {
    return jsonStringify(value, replacer, space);
  };
  JSON.parse = function parse(text, reviver) {
    checkTextDepth(String(text));
    return nativeParse(text, reviver);
  };

  class ExpressionError extends Error {
    constructor(message, description) {
      super(message);
      this.name = 'ExpressionError';
      if (description) this.description = description;
    }
  }
  class ExpressionExtensionError extends ExpressionError {
    constructor(message, description) {
      super(message, description);
      this.name = 'ExpressionExtensionError';
    }
  }

  function host(op, args) {
    const r = jsonParse(hostCall(op, jsonStringify(args === undefined ? [] : args)));
    if (r.e !== undefined) throw new ExpressionError(r.e, r.d);
    return r.v;
  }

  // ------------------------------------------------------------ lazy libraries

  const libs = Object.create(null);
  function loadLib(name) {
    if (libs[name]) return libs[name];
    // Loading changes built-ins (extension methods): changes user code made before stay detected.
    if (snapshot !== null && !intact()) dirty = true;
    const source = host('lib', [name]);
    if (name === 'luxon') {
      // n8n's plus(n, unit) & co. must be there before any date is made.
      loadLib('extensions');
      libs.luxon = new Function(source + '\n;return luxon;')();
      // As n8n does: Luxon's default zone is the workflow's timezone.
      resetLuxon(libs.luxon.Settings);
      const extensions = libs.extensions;
      if (extensions) extensions.onLuxon(libs.luxon);
      for (const k of Object.keys(libs.luxon)) freezeLibrary(libs.luxon[k]);
    } else if (name === 'jmespath') {
      const exports = {};
      new Function('exports', source)(exports);
      libs.jmespath = freezeLibrary(exports);
    } else if (name === 'extensions') {
      libs.extensions = (0, eval)(source)(extensionApi);
      if (libs.luxon) libs.extensions.onLuxon(libs.luxon);
    }
    if (snapshot !== null) takeSnapshot();
    return libs[name];
  }
  const luxon = () => loadLib('luxon');

  // A library's classes are shared by every later evaluation of the batch: frozen, user code cannot leave state on them.
  function freezeLibrary(v) {
    if (v !== null && (typeof v === 'object' || typeof v === 'function')) {
      Object.freeze(v);
      if (v.prototype && typeof v.prototype === 'object') Object.freeze(v.prototype);
    }
    return v;
  }

  // Luxon needs Intl, which QuickJS lacks: these shims answer with the host's
  // Intl through JSON (locale, options and a timestamp in; strings out).
  function installIntl() {
    if (G.Intl) return;
    const make = (kind, methods) => {
      const C = function (locale, options) {
        if (!(this instanceof C)) return new C(locale, options);
        this.locale = locale === undefined ? undefined : jsonParse(jsonStringify(locale));
        this.options = options === undefined ? undefined : jsonParse(jsonStringify(options));
        this.resolved = undefined;
      };
      C.prototype.resolvedOptions = function () {
        if (!this.resolved) this.resolved = host('intl', [kind, 'resolvedOptions', this.locale, this.options]);
        return Object.assign({}, this.resolved);
      };
      for (const m of methods) {
        C.prototype[m] = function (arg) {
          const value = arg instanceof Date ? arg.getTime() : arg;
          return host('intl', [kind, m, this.locale, this.options, value === undefined ? Date.now() : value]);
        };
      }
      C.supportedLocalesOf = (locales) => host('intl', [kind, 'supportedLocalesOf', locales]);
      return C;
    };
    Object.defineProperty(G, 'Intl', {
      value: {
        DateTimeFormat: make('DateTimeFormat', ['format', 'formatToParts']),
        NumberFormat: make('NumberFormat', ['format', 'formatToParts']),
        ListFormat: make('ListFormat', ['format']),
      },
      writable: true,
      configurable: true,
    });
  }

  installIntl();

  // ------------------------------------------------------------ one evaluation's view

  let ev = null; // per-evaluation cache, reset by begin()
  let timezone = 'UTC';
  // Luxon's Settings live in its module, out of the built-ins check's sight:
  // each evaluation starts from n8n's settings whatever earlier code set.
  function setTimezone(tz) {
    if (typeof tz === 'string') timezone = tz;
    if (libs.luxon) resetLuxon(libs.luxon.Settings);
  }
  function resetLuxon(Settings) {
    Settings.defaultZone = timezone;
    Settings.defaultLocale = 'en-US';
    Settings.defaultNumberingSystem = null;
    Settings.defaultOutputCalendar = null;
    Settings.throwOnInvalid = false;
    Settings.now = () => Date.now();
  }
  function begin() {
    ev = { meta: undefined, item: undefined, all: undefined, vars: Object.create(null) };
    locals = Object.create(null);
  }
  const meta = () => (ev.meta === undefined ? (ev.meta = host('meta')) : ev.meta);
  const currentItem = () => (ev.item === undefined ? (ev.item = host('item')) : ev.item);
  const allInput = () => (ev.all === undefined ? (ev.all = host('inputAll')) : ev.all);
  const pos = (v, name) => {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new ExpressionError(`${name} must be a whole number`);
    return v;
  };

  function nodeProxy(name) {
    if (typeof name !== 'string') throw new ExpressionError('$() needs a node name');
    const all = (branch, run) => host('nodeItems', [name, pos(branch, 'branchIndex'), pos(run, 'runIndex')]);
    return {
      all,
      first: (branch, run) => all(branch, run)[0],
      last: (branch, run) => {
        const items = all(branch, run);
        return items[items.length - 1];
      },
      // The current item's lineage; in a Code node's per-item run that is the item being run.
      get item() {
        return host('pairedItem', [name, meta().itemIndex]);
      },
      itemMatching: (i) => host('pairedItem', [name, pos(i, 'itemIndex')]),
      pairedItem: (i) => host('pairedItem', [name, pos(i, 'itemIndex')]),
      get isExecuted() {
        return host('isExecuted', [name]);
      },
      get params() {
        return host('nodeParams', [name]);
      },
      get runIndex() {
        return host('nodeRunIndex', [name]);
      },
    };
  }

  // $node["X"] is positional: the item at the same index in X's output.
  const $node = new Proxy(
    {},
    {
      get(_t, name) {
        if (typeof name !== 'string') return undefined;
        const item = () => host('nodeItem', [name, meta().itemIndex]);
        return {
          get json() {
            const it = item();
            return it ? it.json : undefined;
          },
          get binary() {
            const it = item();
            return it ? it.binary : undefined;
          },
          get parameter() {
            return host('nodeParams', [name]);
          },
          get runIndex() {
            return host('nodeRunIndex', [name]);
          },
          // e.g. $node["Loop Over Items"].context["noItemsLeft"]
          get context() {
            return host('nodeContext', [name]);
          },
        };
      },
    },
  );

  // n8n's $ifEmpty: undefined, null, '', [] and an object without keys are empty.
  function isEmptyValue(v) {
    if (v === undefined || v === null || v === '') return true;
    if (Array.isArray(v)) return v.length === 0;
    return typeof v === 'object' && Object.keys(v).length === 0;
  }

  function makeInput(mode) {
    return {
      all: () => allInput(),
      first: () => allInput()[0],
      last: () => {
        const items = allInput();
        return items[items.length - 1];
      },
      get item() {
        if (mode === 'runOnceForAllItems') {
          throw new ExpressionError("Can't use .item here", "You can't use $input.item in 'Run Once for All Items' mode; use $input.first(), $input.all() or $input.last()");
        }
        return currentItem();
      },
      get params() {
        return host('params');
      },
      get context() {
        return {};
      },
    };
  }

  // The names an expression or Code node can use; each is computed on first use.
  const scopeVars = {
    $json: () => {
      const it = currentItem();
      return it ? it.json : undefined;
    },
    $binary: () => {
      const it = currentItem();
      return it ? it.binary || {} : {};
    },
    $input: () => makeInput(ev.mode),
    $: () => nodeProxy,
    $node: () => $node,
    $items: () => (name, out, run) => (name === undefined ? allInput() : host('nodeItems', [name, pos(out, 'outputIndex'), pos(run, 'runIndex')])),
    $item: () => (i) => ({
      get $json() {
        const it = host('item', [pos(i, 'itemIndex')]);
        return it ? it.json : undefined;
      },
      get $binary() {
        const it = host('item', [pos(i, 'itemIndex')]);
        return it ? it.binary || {} : {};
      },
      $node: new Proxy({}, { get: (_t, name) => (typeof name === 'string' ? { get json() { const it = host('nodeItem', [name, i]); return it ? it.json : undefined; } } : undefined) }),
    }),
    $prevNode: () => meta().prevNode || {},
    $runIndex: () => meta().runIndex,
    $itemIndex: () => meta().itemIndex,
    $position: () => meta().itemIndex,
    $workflow: () => meta().workflow,
    $execution: () => meta().execution,
    $executionId: () => meta().execution.id,
    $mode: () => meta().execution.mode,
    $resumeWebhookUrl: () => meta().execution.resumeUrl,
    $vars: () => meta().vars,
    $env: () => host('env'),
    $parameter: () => host('params'),
    $now: () => luxon().DateTime.fromMillis(meta().now, { zone: meta().timezone }),
    $today: () => luxon().DateTime.fromMillis(meta().now, { zone: meta().timezone }).startOf('day'),
    DateTime: () => luxon().DateTime,
    Duration: () => luxon().Duration,
    Interval: () => luxon().Interval,
    $jmespath: () => (data, query) => {
      if (typeof query !== 'string') throw new ExpressionError('$jmespath: the query must be a string', 'Use $jmespath(data, query)');
      return loadLib('jmespath').search(data, query);
    },
    $if: () => (condition, a, b) => (condition ? a : b),
    $ifEmpty: () => (value, fallback) => (isEmptyValue(value) ? fallback : value),
    $min: () => (...n) => Math.min(...n),
    $max: () => (...n) => Math.max(...n),
    $average: () => (...n) => (n.length ? n.reduce((a, b) => a + b, 0) / n.length : NaN),
    $not: () => (v) => !v,
    __isEmpty: () => (v) => (v === null || v === undefined ? true : (loadLib('extensions'), v.isEmpty())),
    __isNotEmpty: () => (v) => (v === null || v === undefined ? false : (loadLib('extensions'), v.isNotEmpty())),
  };
  function scopeValue(name) {
    if (name in ev.vars) return ev.vars[name];
    const v = scopeVars[name]();
    ev.vars[name] = v;
    return v;
  }

  // Expression scope: like n8n's data proxy, every free identifier resolves
  // here: $-variables first, then sandbox globals, else undefined.
  let locals = Object.create(null);
  const scope = new Proxy(Object.create(null), {
    has: (_t, k) => typeof k === 'string',
    get(_t, k) {
      if (typeof k !== 'string') return undefined;
      if (hasOwn(scopeVars, k)) return scopeValue(k);
      if (k in locals) return locals[k];
      if (k in G) return G[k];
      return undefined;
    },
    set(_t, k, v) {
      locals[k] = v;
      return true;
    },
  });

  // ------------------------------------------------------------ expressions

  // n8n splits on `{{` and the next `}}`; an unclosed `{{` stays text.
  function splitTemplate(text) {
    const chunks = [];
    let i = 0;
    while (i <= text.length) {
      const open = text.indexOf('{{', i);
      if (open === -1) {
        chunks.push({ code: false, text: text.slice(i) });
        break;
      }
      const close = text.indexOf('}}', open + 2);
      if (close === -1) {
        chunks.push({ code: false, text: text.slice(i) });
        break;
      }
      chunks.push({ code: false, text: text.slice(i, open) });
      chunks.push({ code: true, text: text.slice(open + 2, close) });
      i = close + 2;
      if (i === text.length) break;
    }
    return chunks;
  }

  const compiled = new Map();
  function compile(code) {
    let fn = compiled.get(code);
    if (fn) return fn;
    let body = code.trim();
    while (body.endsWith(';')) body = body.slice(0, -1).trimEnd();
    if (body === '') body = 'undefined';
    try {
      fn = new Function('__scope', 'with (__scope) { return (' + body + '\n); }');
    } catch (e) {
      if (e instanceof SyntaxError) throw new ExpressionError('invalid syntax');
      throw e;
    }
    if (compiled.size > 5000) compiled.clear();
    compiled.set(code, fn);
    return fn;
  }

  // n8n fails the expression on its own errors (node access, $env, extension
  // misuse) and on limits; other runtime errors make that part undefined.
  function isFatal(e) {
    if (e === NEED_EXTENSIONS) return false;
    return e instanceof ExpressionError || !(e instanceof Error) || e.name === 'InternalError' || e.name === 'SandboxLimitError';
  }
  // Extension methods load on first need: a TypeError before they are loaded
  // (`"x".toTitleCase is not a function`) re-runs the expression with them.
  const NEED_EXTENSIONS = { needExtensions: true };
  function runPart(code) {
    const fn = compile(code);
    try {
      return fn(scope);
    } catch (e) {
      if (isFatal(e)) throw e;
      if (e instanceof TypeError && NULL_RECEIVER.test(e.message)) {
        const safe = nullSafe(code);
        if (safe !== code) return runPart(safe);
      }
      if (!libs.extensions && e instanceof TypeError) throw NEED_EXTENSIONS;
      return undefined;
    }
  }

  // n8n answers `x.isEmpty()` on a missing value (null or undefined) with true
  // and `x.isNotEmpty()` with false. When an expression trips on exactly that,
  // its calls on plain member chains are rewritten to null-safe helpers.
  const NULL_RECEIVER = /^cannot read property '(isEmpty|isNotEmpty)' of (undefined|null)$/;
  const MEMBER_CALL = new RegExp(
    '(\\$\\((?:"[^"]*"|\'[^\']*\')\\)|[A-Za-z_$][\\w$]*)' + // $('Node') or a name
      '((?:\\??\\.[A-Za-z_$][\\w$]*(?:\\(\\))?|\\[(?:"[^"]*"|\'[^\']*\'|\\d+)\\])*?)' + // .a, .b(), ["c"], [0]
      '\\??\\.(isEmpty|isNotEmpty)\\(\\)',
    'g',
  );
  const nullSafe = (code) => code.replace(MEMBER_CALL, (_m, head, chain, fn) => `__${fn}(${head}${chain})`);

  function partText(v) {
    if (!(v || v === 0 || v === false)) return '';
    if (typeof v === 'object' && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
      return jsonStringify(v);
    }
    return String(v);
  }

  function checkResult(v) {
    if (typeof v === 'function') {
      if (v === nodeProxy) throw new ExpressionError('invalid syntax');
      if (libs.luxon && v === libs.luxon.DateTime) throw new ExpressionError('this is a DateTime, please access its methods');
      throw new ExpressionError('this is a function, please add ()');
    }
    return v;
  }

  function evaluateExpression(expression) {
    const text = expression.charAt(0) === '=' ? expression.slice(1) : expression;
    if (/\.\s*constructor/m.test(text)) {
      throw new ExpressionError('Expression contains invalid constructor function call', 'Constructor override attempt is not allowed due to security concerns');
    }
    if (text.indexOf('{{') === -1) return text;
    try {
      return renderTemplate(text);
    } catch (e) {
      if (e !== NEED_EXTENSIONS) throw e;
      loadLib('extensions');
      const mode = ev.mode;
      begin();
      ev.mode = mode;
      return renderTemplate(text);
    }
  }

  function renderTemplate(text) {
    const chunks = splitTemplate(text);
    if (chunks.length === 2 && chunks[0].text === '' && chunks[1].code) {
      return checkResult(runPart(chunks[1].text));
    }
    let out = '';
    for (const c of chunks) out += c.code ? partText(runPart(c.text)) : c.text;
    return out;
  }

  // ------------------------------------------------------------ values back to the host

  function encode(value, limit) {
    let text;
    if (value === undefined) text = '{"t":"u"}';
    else if (typeof value === 'number' && !Number.isFinite(value)) text = jsonStringify({ t: 'n', v: String(value) });
    else if (typeof value === 'bigint') text = jsonStringify({ v: value.toString() });
    else {
      const json = jsonStringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
      text = json === undefined ? '{"t":"u"}' : '{"v":' + json + '}';
    }
    if (text.length > limit) {
      const e = new Error(`The result is too large (${text.length} characters; the limit is ${limit})`);
      e.name = 'SandboxLimitError';
      throw e;
    }
    return text;
  }

  function errorOut(e) {
    if (e instanceof Error) {
      return jsonStringify({ error: { name: e.name, message: String(e.message), description: e.description, stack: String(e.stack || '') } });
    }
    let message;
    try {
      message = typeof e === 'string' ? e : jsonStringify(e);
    } catch {
      message = String(e);
    }
    return jsonStringify({ error: { name: 'Error', message: String(message), stack: '' } });
  }

  function evaluate(expression, limit, tz) {
    setTimezone(tz);
    begin();
    ev.mode = 'expression';
    try {
      return encode(evaluateExpression(expression), limit);
    } catch (e) {
      if (e && e.name === 'InternalError') throw e;
      return errorOut(e);
    }
  }

  // ------------------------------------------------------------ Code node

  const consoleLines = [];
  function formatArg(a) {
    if (typeof a === 'string') return a;
    if (a === undefined) return 'undefined';
    if (typeof a === 'function') return `[Function: ${a.name || 'anonymous'}]`;
    if (a instanceof Error) return String(a.stack ? `${a.name}: ${a.message}` : a);
    try {
      const s = jsonStringify(a);
      return s === undefined ? String(a) : s;
    } catch {
      return String(a);
    }
  }
  const sandboxConsole = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) {
    sandboxConsole[level] = (...args) => {
      if (consoleLines.length >= 1000) return;
      const line = args.map(formatArg).join(' ');
      consoleLines.push(line.length > 10000 ? line.slice(0, 10000) + '…' : line);
    };
  }
  Object.defineProperty(G, 'console', { value: sandboxConsole, writable: true, configurable: true });

  const CODE_PARAMS = ['$input', 'items', 'item', '$json', '$binary', '$itemIndex', '$runIndex', '$', '$node', '$prevNode', '$workflow', '$execution', '$vars', '$env', '$now', '$today', 'DateTime', 'Duration', 'Interval', '$jmespath', '$if', '$ifEmpty', '$min', '$max', '$parameter', '$items', '$mode', 'console'];

  // The scope of a Code node: the names are plain parameters; the expensive
  // ones ($now, DateTime, $env...) are getters so they load only when read.
  // Only these differ from item to item; the other arguments are made once per run.
  const PER_ITEM = { item: true, $json: true, $binary: true, $itemIndex: true };
  function codeArgs(mode, run) {
    if (!run.args) {
      run.args = CODE_PARAMS.map((name) => {
        switch (name) {
          case 'items':
            return mode === 'runOnceForAllItems' ? allInput() : undefined;
          case 'console':
            return sandboxConsole;
          case '$env':
          case '$parameter':
            return lazyValue(name);
          case '$now':
          case '$today':
          case 'DateTime':
          case 'Duration':
          case 'Interval':
            // Luxon costs tens of ms to load: only for code that names it.
            return run.usesLuxon ? scopeValue(name) : undefined;
          default:
            return PER_ITEM[name] ? undefined : scopeValue(name);
        }
      });
    }
    const args = run.args.slice();
    CODE_PARAMS.forEach((name, i) => {
      if (!PER_ITEM[name]) return;
      if (name === 'item') args[i] = mode === 'runOnceForEachItem' ? currentItem() : undefined;
      else args[i] = scopeValue(name);
    });
    return args;
  }
  // $env and $parameter are read on first use: a blocked $env fails only the code that reads it.
  function lazyValue(name) {
    let real;
    let loaded = false;
    const load = () => {
      if (!loaded) {
        real = scopeValue(name);
        loaded = true;
      }
      return real;
    };
    return new Proxy(
      {},
      {
        get: (_t, k) => Reflect.get(load(), k),
        has: (_t, k) => k in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_t, k) => Reflect.getOwnPropertyDescriptor(load(), k),
      },
    );
  }

  const ITEM_KEYS = ['json', 'binary', 'pairedItem', 'error', 'index'];
  class CodeError extends Error {
    constructor(message, description) {
      super(message);
      this.name = 'CodeError';
      if (description) this.description = description;
    }
  }
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

  function checkItemKeys(item, index) {
    for (const key of Object.keys(item)) {
      if (!ITEM_KEYS.includes(key)) {
        throw new CodeError(`Unknown top-level item key: ${key}${index === undefined ? '' : ` [item ${index}]`}`, 'Access the properties of an item under `.json`, e.g. `item.json`');
      }
    }
    if (item.json !== undefined && !isObject(item.json)) {
      throw new CodeError(`A 'json' property isn't an object${index === undefined ? '' : ` [item ${index}]`}`, "In the returned data, every key named 'json' must point to an object.");
    }
    if (item.binary !== undefined && !isObject(item.binary)) {
      throw new CodeError(`A 'binary' property isn't an object${index === undefined ? '' : ` [item ${index}]`}`, "In the returned data, every key named 'binary' must point to an object.");
    }
  }

  // n8n's normalizeItems: a list of items, a list of plain objects, or one object.
  function normalizeAll(result) {
    if (result === undefined || result === null || typeof result !== 'object') {
      throw new CodeError("Code doesn't return items properly", 'Please return an array of objects, one for each item you would like to output.');
    }
    let list = Array.isArray(result) ? result : [result];
    if (Array.isArray(result)) {
      list.forEach((item, i) => {
        if (!isObject(item)) throw new CodeError("Code doesn't return items properly", 'Please return an array of objects, one for each item you would like to output.' + ` [item ${i}]`);
      });
      const mustHaveItemKeys = list.some((item) => Object.keys(item).some((k) => ITEM_KEYS.includes(k)));
      if (mustHaveItemKeys) list.forEach((item, i) => checkItemKeys(item, i));
    } else if (result.json !== undefined) {
      checkItemKeys(result);
    }
    if (list.every((item) => 'json' in item)) return list.map(toItem);
    if (list.some((item) => 'json' in item)) throw new CodeError('Inconsistent item format');
    if (list.every((item) => 'binary' in item)) {
      return list.map((item) => {
        const json = {};
        for (const k of Object.keys(item)) if (k !== 'binary') json[k] = item[k];
        return { json, binary: item.binary };
      });
    }
    if (list.some((item) => 'binary' in item)) throw new CodeError('Inconsistent item format');
    return list.map((item) => ({ json: item }));
  }
  function toItem(item) {
    const out = { json: item.json };
    if (item.binary !== undefined) out.binary = item.binary;
    if (item.pairedItem !== undefined) out.pairedItem = item.pairedItem;
    if (item.error !== undefined) out.error = item.error;
    return out;
  }

  function normalizeOne(result, index) {
    if (result === null) return null;
    if (Array.isArray(result)) {
      throw new CodeError("Code doesn't return a single object", "An array of objects was returned. If you need to output multiple items, please use the 'Run Once for All Items' mode instead.");
    }
    if (result === undefined || typeof result !== 'object') {
      throw new CodeError("Code doesn't return an object", `Please return an object representing the output item. ('${String(result)}' was returned instead.)`);
    }
    const hasItemKeys = Object.keys(result).some((k) => ITEM_KEYS.includes(k));
    if (hasItemKeys) checkItemKeys(result);
    const item = hasItemKeys && result.json !== undefined ? toItem(result) : { json: hasItemKeys ? {} : result };
    if (hasItemKeys && result.json === undefined && result.binary !== undefined) item.binary = result.binary;
    if (item.pairedItem === undefined) item.pairedItem = { item: index };
    return item;
  }

  // Settles a Code-node promise: the host drains the job queue between calls.
  let pending = null;
  // keepGoing (continueOnFail, once per item): a failed item becomes an error entry and the next item runs.
  function startCode(fn, mode, tz, usesLuxon, keepGoing) {
    setTimezone(tz);
    loadLib('extensions');
    begin();
    ev.mode = mode;
    consoleLines.length = 0;
    pending = { state: 'running', mode, fn, results: [], index: 0, count: 0, args: undefined, meta: undefined, usesLuxon: usesLuxon === true, keepGoing: keepGoing === true };
    if (mode === 'runOnceForAllItems') {
      callUser(fn, mode);
    } else {
      pending.count = host('inputLength');
      nextItem();
    }
  }
  function callUser(fn, mode) {
    let promise;
    try {
      promise = fn(...codeArgs(mode, pending));
    } catch (e) {
      fail(e);
      return;
    }
    Promise.resolve(promise).then(
      (v) => settle(v),
      (e) => fail(e),
    );
  }
  function nextItem() {
    if (pending.index >= pending.count) {
      pending.state = 'done';
      return;
    }
    begin();
    ev.mode = pending.mode;
    ev.item = host('item', [pending.index]);
    if (pending.meta === undefined) pending.meta = host('meta');
    ev.meta = Object.assign({}, pending.meta, { itemIndex: pending.index });
    callUser(pending.fn, pending.mode);
  }
  function settle(value) {
    if (pending.state !== 'running') return;
    try {
      if (pending.mode === 'runOnceForAllItems') {
        pending.results = normalizeAll(value);
        pending.state = 'done';
      } else {
        const item = normalizeOne(value, pending.index);
        if (item !== null) pending.results.push(item);
        pending.index++;
        nextItem();
      }
    } catch (e) {
      fail(e, true);
    }
  }
  function fail(e, fromValidation) {
    if (pending.state !== 'running') return;
    if (pending.keepGoing && pending.mode === 'runOnceForEachItem') {
      const err = jsonParse(errorOut(e)).error;
      err.validation = fromValidation === true;
      err.itemIndex = pending.index;
      pending.results.push({ __codeError: err });
      pending.index++;
      nextItem();
      return;
    }
    pending.state = 'failed';
    pending.error = e;
    pending.fromValidation = fromValidation === true;
  }
  function codeStatus(limit) {
    const p = pending;
    if (p.state === 'running') return '{"state":"running"}';
    pending = null;
    const lines = consoleLines.slice();
    if (p.state === 'failed') {
      const err = jsonParse(errorOut(p.error)).error;
      err.validation = p.fromValidation;
      if (p.mode === 'runOnceForEachItem') err.itemIndex = p.index;
      return jsonStringify({ state: 'failed', error: err, console: lines });
    }
    let items;
    try {
      items = encode(p.results, limit);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // limits go to the host as they are
      const err = jsonParse(errorOut(e)).error;
      err.validation = true;
      return jsonStringify({ state: 'failed', error: err, console: lines });
    }
    return '{"state":"done","console":' + jsonStringify(lines) + ',"items":' + items + '}';
  }

  // ------------------------------------------------------------ integrity of the shared realm

  // One context serves a whole batch, so user code that changes a built-in
  // (Array.prototype.push = ..., a global) would leak into the next
  // evaluation. intact() compares the built-ins with a snapshot; the host
  // replaces the context when they differ.
  // Taken lazily, before the first user code that may change a built-in runs (guard()).
  let snapshot = null;
  let dirty = false;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const getPrototypeOf = Object.getPrototypeOf;
  // What user code can reach and change to leave state for later code: the
  // global object and the built-ins (with their prototypes) that code actually
  // touches. Checking every global costs milliseconds; the library classes are
  // frozen instead (freezeLibrary).
  const BUILTINS = [Object, Array, String, Number, Boolean, Function, Date, RegExp, Promise, Map, Set, WeakMap, WeakSet, Symbol, Error, TypeError, RangeError, SyntaxError, ReferenceError];
  function guardedObjects() {
    const list = new Set([G, JSON, Math, Reflect, G.console, G.Intl]);
    const add = (v) => {
      if (v === null || v === undefined) return;
      list.add(v);
      if (v.prototype !== null && typeof v.prototype === 'object') list.add(v.prototype);
    };
    BUILTINS.forEach(add);
    return list;
  }
  // Per object: its prototype, its own keys, and per key either the data value
  // (read directly: no descriptor to allocate) or the accessor pair.
  const ownKeys = Reflect.ownKeys;
  const objectIs = Object.is;
  function takeSnapshot() {
    snapshot = [];
    for (const obj of guardedObjects()) {
      const keys = ownKeys(obj);
      const data = [];
      const accessors = [];
      for (const k of keys) {
        const d = getOwnPropertyDescriptor(obj, k);
        if ('value' in d) data.push(k, d.value);
        else accessors.push(k, d.get, d.set);
      }
      snapshot.push({ obj, count: keys.length, data, accessors, proto: getPrototypeOf(obj) });
    }
  }
  function guard() {
    if (snapshot === null) takeSnapshot();
  }
  function intact() {
    if (dirty) return false;
    if (snapshot === null) return true;
    for (let i = 0; i < snapshot.length; i++) {
      const { obj, count, data, accessors, proto } = snapshot[i];
      if (getPrototypeOf(obj) !== proto || ownKeys(obj).length !== count) return false;
      for (let j = 0; j < data.length; j += 2) {
        // A data property turned accessor would run user code here; it is compared the same way.
        if (!objectIs(obj[data[j]], data[j + 1]) || !hasOwn(obj, data[j])) return false; // Object.is: NaN is a global
      }
      for (let j = 0; j < accessors.length; j += 3) {
        const d = getOwnPropertyDescriptor(obj, accessors[j]);
        if (!d || d.get !== accessors[j + 1] || d.set !== accessors[j + 2]) return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------ for extensions.js

  const extensionApi = { ExpressionError, ExpressionExtensionError, luxon, host, isEmptyValue };

  return { evaluate, startCode, codeStatus, guard, intact: () => String(intact()), codeParams: CODE_PARAMS.join(', ') };
});

/*
 * Runs INSIDE the QuickJS sandbox. n8n's data transformation functions
 * ("extension methods", docs.n8n.io > Data transformation functions) for
 * strings, numbers, booleans, arrays, objects and dates, written from their
 * documented behaviour. They are installed as non-enumerable methods on the
 * sandbox's own prototypes: each context is thrown away after its batch, and
 * JSON.stringify / Object.keys / for-in never see them.
 *
 * Called with `api` = { ExpressionError, ExpressionExtensionError, luxon, host, isEmptyValue };
 * returns { onLuxon(luxon) } so date methods are added when Luxon loads.
 */
/* eslint-disable @typescript-eslint/no-unused-expressions -- the file is one function expression, evaluated for its value inside QuickJS */
(function (api) {
'use strict';
const { ExpressionExtensionError, luxon, host, isEmptyValue } = api;

function define(proto, methods) {
  for (const name of Object.keys(methods)) {
    if (Object.prototype.hasOwnProperty.call(proto, name)) continue; // never replace a native method
    Object.defineProperty(proto, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  }
}
const fail = (message, description) => {
  throw new ExpressionExtensionError(message, description);
};
const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
const deepEqual = (a, b) => {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
};

// ------------------------------------------------------------------ strings

// eslint-disable-next-line no-control-regex -- RFC 5322's quoted local part allows these characters
const EMAIL = /(?:[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-zA-Z0-9!#$%&'*+/=?^_`{|}~-]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f\x21\x23-\x5b\x5d-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")@(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?|\[(?:(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)\.){3}(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?|[a-zA-Z0-9-]*[a-zA-Z0-9]:(?:[\x01-\x08\x0b\x0c\x0e-\x1f\x21-\x5a\x53-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])+)\])/;
const URL_RE = /https?:\/\/(?:www\.)?[-a-zA-Z0-9@:%._+~#=]{1,256}\.[a-zA-Z0-9()]{1,6}\b(?:[-a-zA-Z0-9()[\]@:%_+.~#?&//=]*)/;
const DOMAIN_RE = /^(?:(?:https?|ftp):\/\/)?(?:mailto:)?(?:\/\/)?(?:www\.)?((?:[-\w]+\.)+[a-zA-Z0-9]{2,})(?::\d+)?(?:[/?#].*)?$/;
const CURRENCY = /[$€£¥₹₽₩₪₫₴₦₱฿₺₲₡₵₸₮₭]/g;
const SMALL_WORDS = new Set('a an and as at because but by en for if in neither nor of on only or over per so some than that the to up upon v versus via vs when with without yet'.split(' '));

function toTitleCase() {
  let index = 0;
  return this.replace(/[^\s]+/g, (word) => {
    const first = index++ === 0;
    if (!first && SMALL_WORDS.has(word.toLowerCase())) return word;
    if (/[A-Z]/.test(word.slice(1)) || /\.\w/.test(word)) return word; // iPhone, example.com stay as they are
    return word.charAt(0).toUpperCase() + word.slice(1);
  });
}

function stringToDateTime(format) {
  const { DateTime } = luxon();
  const s = String(this);
  if (typeof format === 'string') return DateTime.fromFormat(s, format);
  let dt = DateTime.fromISO(s);
  if (!dt.isValid) dt = DateTime.fromHTTP(s);
  if (!dt.isValid) dt = DateTime.fromRFC2822(s);
  if (!dt.isValid) dt = DateTime.fromSQL(s);
  if (!dt.isValid) {
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) dt = DateTime.fromJSDate(d);
  }
  if (!dt.isValid) {
    const n = Number(s);
    if (s.trim() !== '' && Number.isFinite(n)) dt = DateTime.fromMillis(n);
  }
  if (!dt.isValid) fail(`can't convert "${s}" to a date`, 'Try a date in ISO 8601 format, or give the format: "01/02/2024".toDateTime("dd/MM/yyyy")');
  return dt;
}

define(String.prototype, {
  isEmpty() {
    return this.length === 0;
  },
  isNotEmpty() {
    return this.length > 0;
  },
  isBlank() {
    return this.trim().length === 0;
  },
  toTitleCase,
  toSentenceCase() {
    let start = true;
    let out = '';
    for (const ch of this.toLowerCase()) {
      if (start && /\S/.test(ch) && ch.toUpperCase() !== ch) {
        out += ch.toUpperCase();
        start = false;
      } else {
        out += ch;
        if (/\S/.test(ch) && !/[.?!]/.test(ch)) start = false;
        if (/[.?!]/.test(ch)) start = true;
      }
    }
    return out;
  },
  toSnakeCase() {
    return this.replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/[\s\W_]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .toLowerCase();
  },
  toCamelCase() {
    const words = this.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s\W_]+/).filter(Boolean);
    return words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join('');
  },
  extractEmail() {
    const m = EMAIL.exec(this);
    return m ? m[0] : undefined;
  },
  extractUrl() {
    const m = URL_RE.exec(this);
    return m ? m[0] : undefined;
  },
  extractDomain() {
    const email = EMAIL.exec(this);
    if (email && email[0] === String(this).trim()) return email[0].split('@')[1];
    const m = DOMAIN_RE.exec(String(this).trim());
    return m ? m[1] : undefined;
  },
  extractUrlPath() {
    const m = /^(?:[a-z][a-z0-9+.-]*:)?\/\/[^/?#]*([^?#]*)/i.exec(String(this).trim());
    return m ? m[1] || '/' : undefined;
  },
  isEmail() {
    const m = EMAIL.exec(this);
    return !!m && m[0] === String(this) && !/\s/.test(this);
  },
  isUrl() {
    const m = URL_RE.exec(this);
    return !!m && m[0] === String(this);
  },
  isDomain() {
    return /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?\.)+[a-zA-Z]{2,}$/.test(String(this));
  },
  isNumeric() {
    const s = String(this).trim();
    return s !== '' && !Number.isNaN(Number(s)) && Number.isFinite(parseFloat(s));
  },
  removeTags() {
    return this.replace(/<[^>]*>?/gm, '');
  },
  removeMarkdown() {
    return this.replace(/^#{1,6}\s*/gm, '')
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/(\*\*|__)(.*?)\1/g, '$2')
      .replace(/(\*|_)(.*?)\1/g, '$2')
      .replace(/`{1,3}([^`]*)`{1,3}/g, '$1')
      .replace(/^\s*[-*+]\s+/gm, '')
      .replace(/^\s*>\s?/gm, '');
  },
  replaceSpecialChars() {
    return this.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  },
  toInt(radix) {
    const n = parseInt(this.replace(CURRENCY, ''), radix === undefined ? 10 : radix);
    return n;
  },
  toFloat() {
    return parseFloat(this.replace(CURRENCY, ''));
  },
  toNumber() {
    const s = String(this).trim();
    const n = Number(s);
    if (s === '' || Number.isNaN(n)) fail('cannot convert to number', `"${this}" is not a number`);
    return n;
  },
  toBoolean() {
    const s = String(this).trim().toLowerCase();
    return !(s === '' || s === 'false' || s === 'no' || s === '0' || s === 'n' || s === 'off' || s === 'f');
  },
  toDateTime: stringToDateTime,
  toDate() {
    const d = new Date(String(this));
    if (Number.isNaN(d.getTime())) fail('cannot convert to date', `"${this}" is not a date`);
    return d;
  },
  toJsonString() {
    return JSON.stringify(String(this));
  },
  parseJson() {
    try {
      return JSON.parse(this);
    } catch {
      return fail('Parsing failed. Check you are passing a valid JSON string', 'The string is not valid JSON');
    }
  },
  quote(mark) {
    const q = mark === undefined ? '"' : String(mark);
    return q + this.replace(new RegExp(q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'), '\\' + q) + q;
  },
  urlEncode(entireString) {
    return entireString ? encodeURI(String(this)) : encodeURIComponent(String(this));
  },
  urlDecode(entireString) {
    return entireString ? decodeURI(String(this)) : decodeURIComponent(String(this));
  },
  base64Encode() {
    return host('base64', ['encode', String(this)]);
  },
  base64Decode() {
    return host('base64', ['decode', String(this)]);
  },
  hash(algorithm) {
    return host('hash', [algorithm === undefined ? 'md5' : String(algorithm), String(this)]);
  },
});

// ------------------------------------------------------------------ numbers

function numberToDateTime(format) {
  const { DateTime } = luxon();
  const v = Number(this);
  if (format === 's') return DateTime.fromSeconds(v);
  if (format === 'us') return DateTime.fromMillis(v / 1000);
  if (format === 'excel') return DateTime.fromMillis(Math.round((v - 25569) * 86400000), { zone: 'utc' }).setZone(luxon().Settings.defaultZone);
  return DateTime.fromMillis(v);
}

define(Number.prototype, {
  round(decimals) {
    const d = decimals === undefined ? 0 : decimals;
    return Number(Math.round(Number(Number(this) + 'e' + d)) + 'e-' + d);
  },
  ceil() {
    return Math.ceil(this);
  },
  floor() {
    return Math.floor(this);
  },
  abs() {
    return Math.abs(this);
  },
  isEven() {
    if (!Number.isInteger(Number(this))) fail('isEven() is only callable on integers');
    return this % 2 === 0;
  },
  isOdd() {
    if (!Number.isInteger(Number(this))) fail('isOdd() is only callable on integers');
    return Math.abs(this % 2) === 1;
  },
  isInteger() {
    return Number.isInteger(Number(this));
  },
  isEmpty() {
    return false;
  },
  isNotEmpty() {
    return true;
  },
  toBoolean() {
    return Number(this) !== 0;
  },
  toInt() {
    return Math.trunc(Number(this));
  },
  toFloat() {
    return Number(this);
  },
  format(locales, options) {
    return new Intl.NumberFormat(locales, options).format(Number(this));
  },
  toDateTime: numberToDateTime,
});

define(Boolean.prototype, {
  toNumber() {
    return this.valueOf() ? 1 : 0;
  },
  toInt() {
    return this.valueOf() ? 1 : 0;
  },
  toFloat() {
    return this.valueOf() ? 1 : 0;
  },
  isEmpty() {
    return false;
  },
  isNotEmpty() {
    return true;
  },
});

// ------------------------------------------------------------------ arrays

function numbersOf(array, fn) {
  for (const v of array) {
    if (typeof v !== 'number') fail(`${fn}(): all array elements must be numbers`, `"${JSON.stringify(v)}" is not a number`);
  }
  return array;
}
function uniqueBy(array, fields) {
  const seen = [];
  const out = [];
  for (const item of array) {
    const key = fields.length && item && typeof item === 'object' ? fields.map((f) => item[f]) : item;
    if (!seen.some((s) => deepEqual(s, key))) {
      seen.push(key);
      out.push(item);
    }
  }
  return out;
}
function compactValue(v) {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined && x !== '' && !(typeof x === 'number' && Number.isNaN(x))).map(compactValue);
  if (isPlainObject(v)) {
    const out = {};
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (x === null || x === undefined || x === '' || (typeof x === 'number' && Number.isNaN(x))) continue;
      out[k] = compactValue(x);
    }
    return out;
  }
  return v;
}

define(Array.prototype, {
  isEmpty() {
    return this.length === 0;
  },
  isNotEmpty() {
    return this.length > 0;
  },
  first() {
    return this[0];
  },
  last() {
    return this[this.length - 1];
  },
  pluck(...fields) {
    if (fields.length === 0) return this.slice();
    const out = [];
    for (const item of this) {
      if (!item || typeof item !== 'object') continue;
      if (fields.length === 1) {
        if (fields[0] in item) out.push(item[fields[0]]);
        continue;
      }
      const picked = {};
      for (const f of fields) if (f in item) picked[f] = item[f];
      if (Object.keys(picked).length) out.push(picked);
    }
    return out;
  },
  unique(...fields) {
    return uniqueBy(this, fields);
  },
  removeDuplicates(...fields) {
    return uniqueBy(this, fields);
  },
  sum() {
    return numbersOf(this, 'sum').reduce((a, b) => a + b, 0);
  },
  average() {
    if (this.length === 0) return 0;
    return numbersOf(this, 'average').reduce((a, b) => a + b, 0) / this.length;
  },
  min() {
    return Math.min(...numbersOf(this, 'min'));
  },
  max() {
    return Math.max(...numbersOf(this, 'max'));
  },
  chunk(size) {
    if (typeof size !== 'number' || size < 1) fail('chunk(): the size must be a positive number');
    const out = [];
    for (let i = 0; i < this.length; i += size) out.push(this.slice(i, i + size));
    return out;
  },
  compact() {
    return compactValue(this);
  },
  difference(other) {
    if (!Array.isArray(other)) fail('difference(): the argument must be an array');
    return this.filter((v) => !other.some((o) => deepEqual(o, v)));
  },
  intersection(other) {
    if (!Array.isArray(other)) fail('intersection(): the argument must be an array');
    return uniqueBy(this.filter((v) => other.some((o) => deepEqual(o, v))), []);
  },
  union(other) {
    if (!Array.isArray(other)) fail('union(): the argument must be an array');
    return uniqueBy(this.concat(other), []);
  },
  append(...values) {
    return this.concat(values);
  },
  randomItem() {
    return this[Math.floor(Math.random() * this.length)];
  },
  merge(...others) {
    const sources = others.length === 1 && Array.isArray(others[0]) ? others[0] : others;
    const out = {};
    for (const o of this.concat(sources)) if (isPlainObject(o)) for (const k of Object.keys(o)) if (!(k in out)) out[k] = o[k];
    return out;
  },
  smartJoin(keyField, valueField) {
    const out = {};
    for (const item of this) if (item && typeof item === 'object' && keyField in item) out[item[keyField]] = item[valueField];
    return out;
  },
  renameKeys(...pairs) {
    return this.map((item) => (isPlainObject(item) ? renameKeys(item, pairs) : item));
  },
  toJsonString() {
    return JSON.stringify(this);
  },
});

// ------------------------------------------------------------------ objects

function renameKeys(obj, pairs) {
  const out = Object.assign({}, obj);
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    if (pairs[i] in out) {
      out[pairs[i + 1]] = out[pairs[i]];
      delete out[pairs[i]];
    }
  }
  return out;
}

define(Object.prototype, {
  isEmpty() {
    return Object.keys(this).length === 0;
  },
  isNotEmpty() {
    return Object.keys(this).length > 0;
  },
  hasField(name) {
    return Object.prototype.hasOwnProperty.call(this, name);
  },
  removeField(name) {
    const out = Object.assign({}, this);
    delete out[name];
    return out;
  },
  removeFieldsContaining(value) {
    if (typeof value !== 'string' || value === '') fail('removeFieldsContaining(): expected a non-empty string');
    const out = {};
    for (const k of Object.keys(this)) if (!(typeof this[k] === 'string' && this[k].includes(value))) out[k] = this[k];
    return out;
  },
  keepFieldsContaining(value) {
    if (typeof value !== 'string' || value === '') fail('keepFieldsContaining(): expected a non-empty string');
    const out = {};
    for (const k of Object.keys(this)) if (typeof this[k] === 'string' && this[k].includes(value)) out[k] = this[k];
    return out;
  },
  compact() {
    return compactValue(Object.assign({}, this));
  },
  keys() {
    return Object.keys(this);
  },
  values() {
    return Object.values(this);
  },
  merge(other) {
    if (!isPlainObject(other)) fail('merge(): expected an object');
    return Object.assign({}, other, this);
  },
  toJsonString() {
    return JSON.stringify(this);
  },
  urlEncode() {
    return Object.keys(this)
      .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(String(this[k])))
      .join('&');
  },
});

// ------------------------------------------------------------------ dates

const UNIT_ALIASES = {
  ms: 'milliseconds', millisecond: 'milliseconds', milliseconds: 'milliseconds',
  s: 'seconds', sec: 'seconds', second: 'seconds', seconds: 'seconds',
  m: 'minutes', min: 'minutes', minute: 'minutes', minutes: 'minutes',
  h: 'hours', hour: 'hours', hours: 'hours',
  d: 'days', day: 'days', days: 'days',
  w: 'weeks', week: 'weeks', weeks: 'weeks',
  M: 'months', month: 'months', months: 'months',
  q: 'quarters', quarter: 'quarters', quarters: 'quarters',
  y: 'years', year: 'years', years: 'years',
};
const unitOf = (u, fallback) => {
  if (u === undefined) return fallback;
  const unit = UNIT_ALIASES[u] || UNIT_ALIASES[String(u).toLowerCase()];
  if (!unit) fail(`Unsupported unit '${u}'`, 'Use one of: milliseconds, seconds, minutes, hours, days, weeks, months, quarters, years');
  return unit;
};
const singular = (unit) => unit.replace(/s$/, '');

function onLuxon(lx) {
  const { DateTime } = lx;
  const proto = DateTime.prototype;
  const toDT = (v) => {
    if (DateTime.isDateTime(v)) return v;
    if (v instanceof Date) return DateTime.fromJSDate(v);
    if (typeof v === 'string') return stringToDateTime.call(v);
    if (typeof v === 'number') return DateTime.fromMillis(v);
    return fail('expected a date');
  };
  const nativePlus = proto.plus;
  const nativeMinus = proto.minus;
  Object.defineProperty(proto, 'plus', {
    value: function (n, unit) {
      if (typeof n === 'number' && (unit !== undefined || arguments.length === 1)) {
        return unit === undefined ? nativePlus.call(this, n) : nativePlus.call(this, { [unitOf(unit)]: n });
      }
      return nativePlus.call(this, n);
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(proto, 'minus', {
    value: function (n, unit) {
      if (typeof n === 'number' && unit !== undefined) return nativeMinus.call(this, { [unitOf(unit)]: n });
      return nativeMinus.call(this, n);
    },
    writable: true,
    configurable: true,
  });
  define(proto, {
    format(fmt) {
      return this.toFormat(fmt);
    },
    beginningOf(unit) {
      return this.startOf(singular(unitOf(unit, 'weeks')));
    },
    endOfMonth() {
      return this.endOf('month');
    },
    extract(part) {
      const unit = singular(unitOf(part, 'weeks'));
      if (unit === 'week') return this.weekNumber;
      if (unit === 'quarter') return this.quarter;
      return this.get(unit);
    },
    isBetween(a, b) {
      const x = toDT(a);
      const y = toDT(b);
      const [lo, hi] = x <= y ? [x, y] : [y, x];
      return this > lo && this < hi;
    },
    isDst() {
      return this.isInDST;
    },
    isWeekend() {
      return this.weekday === 6 || this.weekday === 7;
    },
    isInLast(n, unit) {
      const now = DateTime.now();
      const since = now.minus({ [unitOf(unit, 'minutes')]: n === undefined ? 0 : n });
      return this >= since && this <= now;
    },
    diffTo(other, unit) {
      const units = Array.isArray(unit) ? unit.map((u) => unitOf(u)) : unitOf(unit, 'days');
      const diff = this.diff(toDT(other), units);
      return Array.isArray(units) ? diff.toObject() : diff.as(units);
    },
    diffToNow(unit) {
      const units = Array.isArray(unit) ? unit.map((u) => unitOf(u)) : unitOf(unit, 'days');
      const diff = DateTime.now().diff(this, units);
      return Array.isArray(units) ? diff.toObject() : diff.as(units);
    },
    toDateTime() {
      return this;
    },
    isEmpty() {
      return false;
    },
    isNotEmpty() {
      return true;
    },
  });
  define(Date.prototype, {
    toDateTime() {
      return DateTime.fromJSDate(this);
    },
    format(fmt) {
      return DateTime.fromJSDate(this).toFormat(fmt);
    },
    plus(n, unit) {
      return DateTime.fromJSDate(this).plus(n, unit).toJSDate();
    },
    minus(n, unit) {
      return DateTime.fromJSDate(this).minus(n, unit).toJSDate();
    },
    beginningOf(unit) {
      return DateTime.fromJSDate(this).beginningOf(unit).toJSDate();
    },
    endOfMonth() {
      return DateTime.fromJSDate(this).endOf('month').toJSDate();
    },
    extract(part) {
      return DateTime.fromJSDate(this).extract(part);
    },
    isWeekend() {
      return DateTime.fromJSDate(this).isWeekend();
    },
    isEmpty() {
      return false;
    },
    isNotEmpty() {
      return true;
    },
  });
}

void isEmptyValue;
return { onLuxon };
});

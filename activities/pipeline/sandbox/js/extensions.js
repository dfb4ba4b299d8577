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
const { ExpressionExtensionError, luxon, host } = api;

function define(proto, methods) {
  for (const name of Object.keys(methods)) {
    if (Object.prototype.hasOwnProperty.call(proto, name)) continue; // never replace a native method
    Object.defineProperty(proto, name, { value: methods[name], writable: true, configurable: true, enumerable: false });
  }
}
const fail = (message, description) => {
  throw new ExpressionExtensionError(message, description);
};
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

// Currency symbols stripped before toInt/toFloat/toNumber (the xe.com symbol list n8n uses).
const CURRENCY = new RegExp(
  [
    'Lek', '؋', '\\$', 'ƒ', '₼', 'Br', 'BZ\\$', '\\$b', 'KM', 'P', 'лв', 'R\\$', '៛', '¥', '₡', 'kn', '₱', 'Kč', 'kr', 'RD\\$', '£', '€', '¢', 'Q', 'L',
    'Ft', '₹', 'Rp', '﷼', '₪', 'J\\$', '₩', '₭', 'ден', 'RM', '₨', '₮', 'MT', 'C\\$', '₦', 'B/\\.', 'Gs', 'S/\\.', 'zł', 'lei', '₽', 'Дин\\.', 'S', 'R',
    'CHF', 'NT\\$', '฿', 'TT\\$', '₺', '₴', '\\$U', 'Bs', '₫', 'Z\\$',
  ].join('|'),
  'gu',
);
const EMAIL = /(([^<>()[\]\\.,;:\s@"]+(\.[^<>()[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))/;
const HOST = '(?:(?:[-\\w]+\\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})';
const DOMAIN_EXTRACT = new RegExp('^(?:(?:https?|ftp):\\/\\/)?(?:mailto:)?(?:\\/\\/)?((?:www\\.)?' + HOST + ')(?::\\d+)?(?:\\/[^\\s?]*)?(?:\\?[^\\s#]*)?(?:#[^\\s]*)?$', 'i');
const DOMAIN = new RegExp('^(?:www\\.)?(' + HOST + ')(?::\\d+)?(?:\\/[^\\s?]*)?(?:\\?[^\\s#]*)?(?:#[^\\s]*)?$', 'i');
const URL_TAIL = '(?::\\d+)?(?:\\/[^\\s?#]*)?(?:\\?[^\\s#]*)?#?[^\\s]*';
const URL_EXACT = new RegExp('^(?:(?:https?|ftp):\\/\\/)(?:www\\.)?(' + HOST + ')' + URL_TAIL + '$', 'i');
const URL_ANY = new RegExp('(?:(?:https?|ftp):\\/\\/)(?:www\\.)?(' + HOST + ')' + URL_TAIL, 'i');
const LETTER = /\p{L}/u;
const SENTENCE_END = /[!?.]/;
// Words title-case keeps lower case unless they start the text.
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

function toSentenceCase() {
  let rest = String(this);
  let out = '';
  while (LETTER.test(rest)) {
    const at = rest.search(LETTER);
    rest = rest.slice(0, at) + rest[at].toLocaleUpperCase() + rest.slice(at + 1).toLocaleLowerCase();
    const end = rest.search(SENTENCE_END);
    if (end === -1) {
      out += rest;
      rest = '';
      break;
    }
    out += rest.slice(0, end + 1);
    rest = rest.slice(end + 1);
  }
  return out + rest;
}

function isEmail(s) {
  return EMAIL.test(s) && !s.includes(' ');
}
function isUrl(s) {
  return URL_EXACT.test(s);
}

function timestampToDateTime(value, unit) {
  const { DateTime } = luxon();
  const format = unit === undefined ? 'ms' : unit;
  if (!['ms', 's', 'us', 'excel'].includes(format)) {
    fail(`Unsupported format '${String(format)}'. toDateTime() supports 'ms', 's', 'us' and 'excel'.`);
  }
  if (format === 'excel') return DateTime.fromSeconds((value - 25569) * 86400);
  if (format === 's') return DateTime.fromSeconds(value);
  if (format === 'us') return DateTime.fromMillis(value / 1000);
  return DateTime.fromMillis(value);
}

// ISO 8601, HTTP, RFC 2822, SQL, then anything Date.parse understands; the offset in the text is kept.
function parseDateTime(text) {
  const { DateTime } = luxon();
  const s = String(text).trim();
  for (const parse of [DateTime.fromISO, DateTime.fromHTTP, DateTime.fromRFC2822, DateTime.fromSQL]) {
    const dt = parse.call(DateTime, s, { setZone: true });
    if (dt.isValid) return dt;
  }
  const dt = DateTime.fromMillis(Date.parse(s));
  if (dt.isValid) return dt;
  return fail('cannot convert to Luxon DateTime');
}

function stringToDateTime(format) {
  const s = String(this);
  if (format) {
    if (format === 'ms' || format === 's' || format === 'us' || format === 'excel') return timestampToDateTime(Number(s), format);
    return luxon().DateTime.fromFormat(s, format);
  }
  return parseDateTime(s);
}

const HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3'];

define(String.prototype, {
  isEmpty() {
    return String(this) === '';
  },
  isNotEmpty() {
    return String(this) !== '';
  },
  isBlank() {
    return this.trim() === '';
  },
  isNotBlank() {
    return this.trim() !== '';
  },
  toTitleCase,
  toSentenceCase,
  toSnakeCase() {
    return this.toLocaleLowerCase()
      .replace(/[ -]/g, '_')
      .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,./:;<=>?@[\]^`{|}~]/g, '');
  },
  extractEmail() {
    const m = EMAIL.exec(this);
    return m ? m[0] : undefined;
  },
  extractUrl() {
    const m = URL_ANY.exec(this);
    return m ? m[0] : undefined;
  },
  extractDomain() {
    const s = String(this);
    if (isEmail(s)) return EMAIL.exec(s)[5];
    const m = DOMAIN_EXTRACT.exec(s);
    return m ? m[1] : undefined;
  },
  extractUrlPath() {
    // The path of an absolute URL (scheme://authority/path), as URL.pathname gives it.
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+(\/[^?#\s]*)?(?:[?#]\S*)?$/i.exec(String(this));
    return m ? m[1] || '/' : undefined;
  },
  isEmail() {
    return isEmail(String(this));
  },
  isUrl() {
    return isUrl(String(this));
  },
  isDomain() {
    return DOMAIN.test(String(this));
  },
  isNumeric() {
    const s = String(this);
    if (s.includes(' ')) return false;
    return !isNaN(s) && !isNaN(parseFloat(s));
  },
  removeTags() {
    return this.replace(/<[^>]*>?/gm, '');
  },
  removeMarkdown() {
    let out = String(this).replace(/^([\s\t]*)([*\-+]|\d\.)\s+/gm, '$1');
    out = out.replace(/\n={2,}/g, '\n').replace(/~~/g, '').replace(/`{3}.*\n/g, '');
    return out
      .replace(/<[\w\s='":(),;/0-9.-]+[>\\>]/g, '')
      .replace(/^[=-]{2,}\s*$/g, '')
      .replace(/\[\^.+?\](: .*?$)?/g, '')
      .replace(/\s{0,2}\[.*?\]: .*?$/g, '')
      .replace(/!\[.*?\][[(].*?[\])]/g, '')
      .replace(/\[(.*?)\][[(].*?[\])]/g, '$1')
      .replace(/>/g, '')
      .replace(/^\s{1,2}\[(.*?)\]: (\S+)( ".*?")?\s*$/g, '')
      .replace(/^#{1,6}\s*([^#]*)\s*(#{1,6})?/gm, '$1')
      .replace(/([*_]{1,3})(\S.*?\S)\1/g, '$2')
      .replace(/(`{3,})(.*?)\1/gm, '$2')
      .replace(/^-{3,}\s*$/g, '')
      .replace(/`(.+?)`/g, '$1')
      .replace(/\n{2,}/g, '\n\n');
  },
  replaceSpecialChars() {
    return this.normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ß/g, 'ss')
      .replace(/æ/g, 'ae')
      .replace(/Æ/g, 'AE')
      .replace(/ø/g, 'o')
      .replace(/Ø/g, 'O')
      .replace(/œ/g, 'oe')
      .replace(/Œ/g, 'OE')
      .replace(/ł/g, 'l')
      .replace(/Ł/g, 'L')
      .replace(/[\u0080-\uffff]/g, '?');
  },
  toInt(radix) {
    const n = parseInt(this.replace(CURRENCY, ''), radix);
    if (isNaN(n)) fail('cannot convert to integer');
    return n;
  },
  toWholeNumber(radix) {
    return String.prototype.toInt.call(this, radix);
  },
  toFloat() {
    if (this.includes(',')) fail('cannot convert to float, expected . as decimal separator');
    const n = parseFloat(this.replace(CURRENCY, ''));
    if (isNaN(n)) fail('cannot convert to float');
    return n;
  },
  toDecimalNumber() {
    return String.prototype.toFloat.call(this);
  },
  toNumber() {
    const n = Number(this.replace(CURRENCY, ''));
    if (isNaN(n)) fail('cannot convert to number');
    return n;
  },
  toBoolean() {
    const s = this.toLowerCase();
    return s.length > 0 && s !== 'false' && s !== 'no' && s !== '0';
  },
  toDateTime: stringToDateTime,
  toDate() {
    const s = String(this);
    const d = new Date(Date.parse(s));
    if (isNaN(d.getTime())) fail('cannot convert to date');
    if (!/:/.test(s)) d.setHours(0, 0, 0);
    return d;
  },
  toJsonString() {
    return JSON.stringify(String(this));
  },
  parseJson() {
    const s = String(this);
    try {
      return JSON.parse(s);
    } catch {
      return fail(s.includes("'") ? "Parsing failed. Check you're using double quotes" : 'Parsing failed');
    }
  },
  quote(mark) {
    const q = mark === undefined ? '"' : String(mark);
    return q + this.replace(/\\/g, '\\\\').split(q).join('\\' + q) + q;
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
    const name = algorithm === undefined ? 'md5' : String(algorithm).toLowerCase();
    if (name === 'base64') return host('base64', ['encode', String(this)]);
    if (!HASHES.includes(name)) fail(`Unknown algorithm ${name}. Available algorithms are: ${HASHES.join()}, and Base64.`);
    return host('hash', [name, String(this)]);
  },
});

// ------------------------------------------------------------------ numbers

define(Number.prototype, {
  round(decimals) {
    return +Number(this).toFixed(decimals === undefined ? 0 : decimals);
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
    return Math.abs(this) % 2 === 1;
  },
  isInteger() {
    return Number.isInteger(Number(this));
  },
  toBoolean() {
    return Number(this) !== 0;
  },
  toInt() {
    return +Number(this).toFixed(0);
  },
  toFloat() {
    return Number(this);
  },
  format(locales, options) {
    return new Intl.NumberFormat(locales === undefined ? 'en-US' : locales, options === undefined ? {} : options).format(Number(this));
  },
  toDateTime(unit) {
    return timestampToDateTime(Number(this), unit);
  },
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
  toBoolean() {
    return this.valueOf();
  },
});

// ------------------------------------------------------------------ arrays

function allNumbers(array, fn) {
  if (array.some((v) => typeof v !== 'number')) fail(`${fn}(): all array elements must be numbers`);
  return array;
}
function unique(array, fields) {
  const key = (item) => {
    if (fields.length > 0 && item && typeof item === 'object') {
      const picked = {};
      for (const f of fields) picked[f] = item[f];
      return picked;
    }
    return item;
  };
  const out = [];
  for (const item of array) if (!out.some((o) => deepEqual(key(o), key(item)))) out.push(item);
  return out;
}
const isEmptyish = (v) => v === null || v === undefined || v === 'nil' || v === '';
function compactObject(obj) {
  const out = {};
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (isEmptyish(v)) continue;
    if (typeof v === 'object') {
      if (Object.keys(v).length === 0) continue;
      out[k] = compactObject(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}
function mergeInto(target, other) {
  const out = Object.assign({}, target);
  for (const k of Object.keys(other)) if (!(k in out)) out[k] = other[k];
  return out;
}
function arrayArg(fn, value, example) {
  if (!Array.isArray(value)) fail(`${fn}(): expected array arg, e.g. .${fn}(${example})`);
  return value;
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
    if (fields.length === 0) return this;
    const out = [];
    for (const item of this) {
      if (!item || typeof item !== 'object') continue;
      const values = [];
      for (const k of Object.keys(item)) for (const f of fields) if (f === k) values.push(item[k]);
      if (values.length > 0) out.push(values.length === 1 ? values[0] : values);
    }
    return out;
  },
  unique(...fields) {
    return unique(this, fields);
  },
  removeDuplicates(...fields) {
    return unique(this, fields);
  },
  sum() {
    return allNumbers(this, 'sum').reduce((a, b) => a + b, 0);
  },
  average() {
    allNumbers(this, 'average');
    return this.length === 0 ? 0 : this.reduce((a, b) => a + b, 0) / this.length;
  },
  min() {
    return Math.min(...allNumbers(this, 'min'));
  },
  max() {
    return Math.max(...allNumbers(this, 'max'));
  },
  chunk(size) {
    if (typeof size !== 'number' || size === 0) fail('chunk(): expected non-zero numeric arg, e.g. .chunk(5)');
    const out = [];
    for (let i = 0; i < this.length; i += size) out.push(this.slice(i, i + size));
    return out;
  },
  compact() {
    return this.filter((v) => !(v && typeof v === 'object' && Object.keys(v).length === 0) && !isEmptyish(v)).map((v) =>
      typeof v === 'object' && v !== null ? compactObject(v) : v,
    );
  },
  difference(others) {
    arrayArg('difference', others, '[1, 2, 3, 4]');
    return unique(this.filter((v) => !others.some((o) => deepEqual(o, v))), []);
  },
  intersection(others) {
    arrayArg('intersection', others, '[1, 2, 3, 4]');
    const both = this.filter((v) => others.some((o) => deepEqual(o, v))).concat(others.filter((v) => this.some((o) => deepEqual(o, v))));
    return unique(both, []);
  },
  union(others) {
    arrayArg('union', others, '[1, 2, 3, 4]');
    const out = Array.from(this);
    for (const v of others) if (!out.some((o) => deepEqual(o, v))) out.push(v);
    return unique(out, []);
  },
  append(...values) {
    return this.concat(values);
  },
  randomItem() {
    return this.length ? this[Math.floor(Math.random() * this.length)] : undefined;
  },
  merge(others) {
    if (others === undefined) {
      return this.reduce((acc, cur) => (cur !== null && typeof cur === 'object' && !Array.isArray(cur) ? mergeInto(acc, cur) : acc), {});
    }
    arrayArg('merge', others, '[{ id: 1, otherValue: 3 }]');
    let merged = {};
    for (let i = 0; i < Math.max(this.length, others.length); i++) {
      if (this[i] !== undefined && typeof this[i] === 'object' && typeof others[i] === 'object') {
        merged = Object.assign(merged, others[i] ? mergeInto(this[i], others[i]) : this[i]);
      }
    }
    return merged;
  },
  smartJoin(keyField, valueField) {
    if (!keyField || !valueField || typeof keyField !== 'string' || typeof valueField !== 'string') {
      fail('smartJoin(): expected two string args, e.g. .smartJoin("name", "value")');
    }
    const out = {};
    for (const v of this) if (typeof v === 'object' && v !== null && keyField in v && valueField in v) out[v[keyField]] = v[valueField];
    return out;
  },
  renameKeys(...pairs) {
    if (pairs.length === 0 || pairs.length % 2 !== 0) {
      fail('renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]. e.g. .renameKeys("name", "title")');
    }
    return this.map((v) => {
      if (typeof v !== 'object' || v === null) return v;
      const out = Object.assign({}, v);
      for (let i = 0; i < pairs.length; i += 2) {
        if (pairs[i] in out) {
          out[pairs[i + 1]] = out[pairs[i]];
          delete out[pairs[i]];
        }
      }
      return out;
    });
  },
  toJsonString() {
    return JSON.stringify(this);
  },
});

// ------------------------------------------------------------------ objects

const OBJECT_EXTENSIONS = ['isEmpty', 'isNotEmpty', 'hasField', 'removeField', 'removeFieldsContaining', 'keepFieldsContaining', 'compact', 'urlEncode', 'keys', 'values', 'toJsonString'];

define(Object.prototype, {
  isEmpty() {
    return Object.keys(this).length === 0;
  },
  isNotEmpty() {
    return Object.keys(this).length > 0;
  },
  hasField(name) {
    // `in`, as n8n checks, minus the extension methods this sandbox adds to every object.
    return Object.prototype.hasOwnProperty.call(this, name) || (name in this && !OBJECT_EXTENSIONS.includes(name));
  },
  removeField(name) {
    if (!(name in this)) return this;
    const out = Object.assign({}, this);
    delete out[name];
    return out;
  },
  removeFieldsContaining(match) {
    if (typeof match !== 'string' || match === '') fail('removeFieldsContaining(): expected non-empty string arg');
    const out = Object.assign({}, this);
    for (const k of Object.keys(this)) if (typeof this[k] === 'string' && this[k].includes(match)) delete out[k];
    return out;
  },
  keepFieldsContaining(match) {
    if (typeof match !== 'string' || match === '') fail('argument of keepFieldsContaining must be a non-empty string');
    const out = Object.assign({}, this);
    for (const k of Object.keys(this)) if (typeof this[k] !== 'string' || !this[k].includes(match)) delete out[k];
    return out;
  },
  compact() {
    return compactObject(this);
  },
  keys() {
    return Object.keys(this);
  },
  values() {
    return Object.values(this);
  },
  toJsonString() {
    return JSON.stringify(this);
  },
  urlEncode() {
    // application/x-www-form-urlencoded, as URLSearchParams writes it.
    const enc = (s) =>
      encodeURIComponent(String(s))
        .replace(/%20/g, '+')
        .replace(/[!'()~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    return Object.keys(this)
      .map((k) => enc(k) + '=' + enc(this[k]))
      .join('&');
  },
});

// ------------------------------------------------------------------ dates

const DURATION_UNITS = ['milliseconds', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'quarters', 'years'];
const DATE_PARTS = ['day', 'week', 'month', 'year', 'hour', 'minute', 'second', 'millisecond', 'weekNumber', 'yearDayNumber', 'weekday'];
const TO_DURATION_UNIT = { day: 'days', month: 'months', year: 'years', week: 'weeks', hour: 'hours', minute: 'minutes', second: 'seconds', millisecond: 'milliseconds', ms: 'milliseconds', sec: 'seconds', secs: 'seconds', hr: 'hours', hrs: 'hours', min: 'minutes', mins: 'minutes' };
const TO_DATETIME_UNIT = { days: 'day', months: 'month', years: 'year', hours: 'hour', minutes: 'minute', seconds: 'second', milliseconds: 'millisecond', hrs: 'hour', hr: 'hour', mins: 'minute', min: 'minute', secs: 'second', sec: 'second', ms: 'millisecond' };

function onLuxon(lx) {
  const { DateTime } = lx;
  const proto = DateTime.prototype;
  const toDT = (v) => {
    if (DateTime.isDateTime(v)) return v;
    if (typeof v === 'string') return stringToDateTime.call(v);
    if (v instanceof Date) return DateTime.fromJSDate(v);
    if (typeof v === 'number') return DateTime.fromMillis(v);
    return undefined;
  };
  const durationOf = (n, unit) => ({ [TO_DURATION_UNIT[unit] || unit]: n });
  const nativePlus = proto.plus;
  const nativeMinus = proto.minus;
  // n8n's plus/minus also take (n, unit); one argument is Luxon's own.
  Object.defineProperty(proto, 'plus', {
    value: function (...args) {
      if (args.length <= 1) return nativePlus.call(this, args[0]);
      return nativePlus.call(this, durationOf(args[0] === undefined ? 0 : args[0], args[1] === undefined ? 'minutes' : args[1]));
    },
    writable: true,
    configurable: true,
  });
  Object.defineProperty(proto, 'minus', {
    value: function (...args) {
      if (args.length <= 1) return nativeMinus.call(this, args[0]);
      return nativeMinus.call(this, durationOf(args[0] === undefined ? 0 : args[0], args[1] === undefined ? 'minutes' : args[1]));
    },
    writable: true,
    configurable: true,
  });
  function diffTo(other, unit) {
    let units = Array.isArray(unit) ? unit : [unit === undefined ? 'days' : unit];
    if (units.length === 0) units = ['days'];
    const bad = units.find((u) => !DATE_PARTS.includes(u) && !DURATION_UNITS.includes(u));
    if (bad !== undefined) fail(`Unsupported unit '${String(bad)}'. Supported: ${DURATION_UNITS.map((u) => `'${u}'`).join(', ')}.`);
    const diff = this.diff(toDT(other), units);
    return units.length > 1 ? diff.toObject() : diff.as(units[0]);
  }
  const dateMethods = {
    format(fmt, localeOptions) {
      return this.toFormat(fmt, Object.assign({}, localeOptions));
    },
    beginningOf(unit) {
      const u = unit === undefined ? 'week' : unit;
      return this.startOf(TO_DATETIME_UNIT[u] || u);
    },
    endOfMonth() {
      return this.endOf('month');
    },
    extract(part) {
      let p = part === undefined ? 'week' : part;
      if (p === 'yearDayNumber') return this.ordinal;
      if (p === 'week') p = 'weekNumber';
      return this.get(TO_DATETIME_UNIT[p] || p);
    },
    isBetween(...args) {
      if (args.length !== 2) fail('isBetween(): expected exactly two args');
      const a = toDT(args[0]);
      const b = toDT(args[1]);
      if (!a || !b) return undefined;
      return a > b ? b < this && this < a : b > this && this > a;
    },
    isDst() {
      return this.isInDST;
    },
    isWeekend() {
      return this.weekday === 6 || this.weekday === 7;
    },
    isInLast(n, unit) {
      const since = DateTime.now().minus(durationOf(n === undefined ? 0 : n, unit === undefined ? 'minutes' : unit));
      return since <= this && this <= DateTime.now();
    },
    diffTo,
    diffToNow(unit) {
      return diffTo.call(this, DateTime.now(), unit);
    },
    toDateTime() {
      return this;
    },
    toInt() {
      return this.toMillis();
    },
    toFloat() {
      return this.toMillis();
    },
    isEmpty() {
      return false;
    },
    isNotEmpty() {
      return true;
    },
  };
  // Luxon's own isWeekend is a getter; n8n's is the method isWeekend().
  delete proto.isWeekend;
  define(proto, dateMethods);
  // The same methods on JS Dates; those that return a date return a Date.
  const onJsDate = {};
  for (const name of Object.keys(dateMethods)) {
    onJsDate[name] = function (...args) {
      const r = dateMethods[name].apply(DateTime.fromJSDate(this), args);
      return DateTime.isDateTime(r) && name !== 'toDateTime' ? r.toJSDate() : r;
    };
  }
  onJsDate.plus = function (...args) {
    return proto.plus.apply(DateTime.fromJSDate(this), args).toJSDate();
  };
  onJsDate.minus = function (...args) {
    return proto.minus.apply(DateTime.fromJSDate(this), args).toJSDate();
  };
  define(Date.prototype, onJsDate);
}

return { onLuxon };
});

/**
 * n8n's data transformation functions, checked against the examples of n8n's
 * documentation (docs.n8n.io > Data transformation functions).
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

const ev = (code: string, timezone = 'UTC') => sandbox.evaluate(`={{ ${code} }}`, dataAccess({ input: [{ name: 'Nathan', tags: ['a', 'b', 'a'] }], timezone }));

const cases = (rows: [string, unknown][]) => rows.map(([code, expected]) => ({ code, expected }));

describe('strings', () => {
  it.each(
    cases([
      ['"".isEmpty()', true],
      ['"hello".isEmpty()', false],
      ['"hello".isNotEmpty()', true],
      ['"   ".isBlank()', true],
      ['"  hello  ".isNotBlank()', true],
      ['"quick brown fox".toTitleCase()', 'Quick Brown Fox'],
      ['"quick a brown fox of the world".toTitleCase()', 'Quick a Brown Fox of the World'],
      ['"quick! brown FOX".toSentenceCase()', 'Quick! Brown fox'],
      ['"quick brown $FOX".toSnakeCase()', 'quick_brown_fox'],
      ['"My email is me@example.com".extractEmail()', 'me@example.com'],
      ['"no email here".extractEmail()', undefined],
      ['"me@example.com".extractDomain()', 'example.com'],
      ['"http://n8n.io/workflows".extractDomain()', 'n8n.io'],
      ['"It\'s me@example.com".extractEmail().extractDomain()', 'example.com'],
      ['"Check out http://n8n.io".extractUrl()', 'http://n8n.io'],
      ['"http://n8n.io/workflows".extractUrlPath()', '/workflows'],
      ['"Check out http://n8n.io/workflows".extractUrl().extractUrlPath()', '/workflows'],
      ['"n8n.io".isDomain()', true],
      ['"http://n8n.io".isDomain()', false],
      ['"hello".isDomain()', false],
      ['"me@example.com".isEmail()', true],
      ['"It\'s me@example.com".isEmail()', false],
      ['"https://n8n.io".isUrl()', true],
      ['"n8n.io".isUrl()', false],
      ['"1.2234".isNumeric()', true],
      ['"123E23".isNumeric()', true],
      ['"hello".isNumeric()', false],
      ['"<b>bold</b>, <a>link</a>".removeTags()', 'bold, link'],
      ['"*bold*, [link]()".removeMarkdown()', 'bold, link'],
      ['"déjà".replaceSpecialChars()', 'deja'],
      ['"123".toNumber()', 123],
      ['"1.23E10".toNumber()', 12300000000],
      ['"$1,500".toInt()', 1],
      ['"42.9".toInt()', 42],
      ['"€15.5".toFloat()', 15.5],
      ['"true".toBoolean()', true],
      ['"false".toBoolean()', false],
      ['"0".toBoolean()', false],
      ['"hello".toBoolean()', true],
      ['"name=Nathan Automat".urlEncode()', 'name%3DNathan%20Automat'],
      ['"name=Nathan Automat".urlEncode(true)', 'name=Nathan%20Automat'],
      ['"name%3DNathan%20Automat".urlDecode()', 'name=Nathan Automat'],
      ['"name%3DNathan%20Automat".urlDecode(true)', 'name%3DNathan Automat'],
      ['"hello".hash()', '5d41402abc4b2a76b9719d911017c592'],
      ['"hello".hash("sha256")', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
      ['"hello".base64Encode()', 'aGVsbG8='],
      ['"aGVsbG8=".base64Decode()', 'hello'],
      ["'Nathan says \"hi\"'.quote()", '"Nathan says \\"hi\\""'],
      ['\'{"name":"Nathan"}\'.parseJson()', { name: 'Nathan' }],
      ['"The \\"best\\" colours".toJsonString()', '"The \\"best\\" colours"'],
      ['"2024-03-29T18:06:31.798+01:00".toDateTime().toISO()', '2024-03-29T18:06:31.798+01:00'],
      ['"Fri, 29 Mar 2024 18:08:01 +0100".toDateTime().toISO()', '2024-03-29T18:08:01.000+01:00'],
      ['"20240329".toDateTime().toISODate()', '2024-03-29'],
      ['"1711732132990".toDateTime("ms").toISO()', '2024-03-29T17:08:52.990Z'],
      ['"31-01-2024".toDateTime("dd-MM-yyyy").toISODate()', '2024-01-31'],
    ]),
  )('$code', ({ code, expected }) => {
    expect(ev(code)).toEqual(expected);
  });

  it("reports n8n's extension errors", () => {
    expect(() => ev('"abc".toInt()')).toThrow('cannot convert to integer');
    expect(() => ev('"1,5".toFloat()')).toThrow('cannot convert to float, expected . as decimal separator');
    expect(() => ev('"abc".toNumber()')).toThrow('cannot convert to number');
    expect(() => ev("\"{'name':'Nathan'}\".parseJson()")).toThrow("Parsing failed. Check you're using double quotes");
    expect(() => ev('"x".hash("crc32")')).toThrow('Unknown algorithm crc32. Available algorithms are: md5,sha1,sha224,sha256,sha384,sha512,sha3, and Base64.');
    expect(() => ev('"not a date".toDateTime()')).toThrow('cannot convert to Luxon DateTime');
  });
});

describe('numbers and booleans', () => {
  it.each(
    cases([
      ['(1.234).ceil()', 2],
      ['(1.234).floor()', 1],
      ['(-1.7).abs()', 1.7],
      ['(33).isEven()', false],
      ['(42).isEven()', true],
      ['(33).isOdd()', true],
      ['(-3).isOdd()', true],
      ['(4).isInteger()', true],
      ['(4.12).isInteger()', false],
      ['(1.256).round()', 1],
      ['(1.256).round(1)', 1.3],
      ['(1.256).round(2)', 1.26],
      ['(12).toBoolean()', true],
      ['(0).toBoolean()', false],
      ['(-1.3).toBoolean()', true],
      ['(2.5).toInt()', 3],
      ["(123456.789).format('de-DE')", '123.456,789'],
      ["(123456.789).format('de-DE', {'style': 'currency', 'currency': 'EUR'})", '123.456,79\u00a0€'],
      ['(1234.5).format()', '1,234.5'],
      ["(1708695471).toDateTime('s').toISO()", '2024-02-23T13:37:51.000Z'],
      ["(1708695471000).toDateTime('ms').toISO()", '2024-02-23T13:37:51.000Z'],
      ["(1708695471000000).toDateTime('us').toISO()", '2024-02-23T13:37:51.000Z'],
      ["(45345).toDateTime('excel').toISO()", '2024-02-23T00:00:00.000Z'],
      ['true.toInt()', 1],
      ['false.toFloat()', 0],
    ]),
  )('$code', ({ code, expected }) => {
    expect(ev(code)).toEqual(expected);
  });

  it('keeps the workflow timezone for timestamps', () => {
    expect(ev("(1708695471).toDateTime('s').toISO()", 'Europe/Berlin')).toBe('2024-02-23T14:37:51.000+01:00');
  });

  it('rejects non-integers for isEven', () => {
    expect(() => ev('(1.5).isEven()')).toThrow('isEven() is only callable on integers');
  });
});

describe('arrays', () => {
  it.each(
    cases([
      ['[].isEmpty()', true],
      ["['quick', 'brown', 'fox'].isNotEmpty()", true],
      ["['quick', 'brown', 'fox'].first()", 'quick'],
      ["['quick', 'brown', 'fox'].last()", 'fox'],
      ["[{ name: 'Nathan', age: 42 },{ name: 'Jan', city: 'Berlin' }].pluck('name')", ['Nathan', 'Jan']],
      ["[{ name: 'Nathan', age: 42 },{ name: 'Jan', city: 'Berlin' }].pluck('age')", [42]],
      ["[{ name: 'Nathan', age: 42 },{ name: 'Jan', city: 'Berlin' }].pluck('name', 'age')", [['Nathan', 42], 'Jan']],
      ['$json.tags.unique()', ['a', 'b']],
      ["[{ a: 1, b: 2 }, { a: 1, b: 3 }, { a: 2, b: 2 }].unique('a')", [{ a: 1, b: 2 }, { a: 2, b: 2 }]],
      ['[12, 1, 5].sum()', 18],
      ['[12, 1, 5].average()', 6],
      ['[].average()', 0],
      ['[12, 1, 5].min()', 1],
      ['[1, 12, 5].max()', 12],
      ['[1, 2, 3, 4, 5, 6].chunk(2)', [[1, 2], [3, 4], [5, 6]]],
      ['[2, null, 1, ""].compact()', [2, 1]],
      ['[1, {}, { a: null, b: 1 }, "nil"].compact()', [1, { b: 1 }]],
      ['[1, 2, 3].difference([2, 3])', [1]],
      ['[1, 2].intersection([2, 3])', [2]],
      ['[1, 2].union([2, 3])', [1, 2, 3]],
      ["['forget', 'me'].append('not')", ['forget', 'me', 'not']],
      ['[9, 0, 2].append(1, 0)', [9, 0, 2, 1, 0]],
      ["[{ name: 'Nathan' }, { age: 42 }].merge([{ city: 'Berlin' }, { country: 'Germany' }])", { name: 'Nathan', age: 42, city: 'Berlin', country: 'Germany' }],
      ["[{ name: 'Nathan' }, { name: 'Jan', age: 42 }].merge()", { name: 'Nathan', age: 42 }],
      ["[{ name: 'bob' }, { name: 'meg' }].renameKeys('name', 'x')", [{ x: 'bob' }, { x: 'meg' }]],
      ["[{ field: 'age', value: 2 }, { field: 'city', value: 'Berlin' }].smartJoin('field', 'value')", { age: 2, city: 'Berlin' }],
      ["['quick', 'brown', 'fox'].toJsonString()", '["quick","brown","fox"]'],
    ]),
  )('$code', ({ code, expected }) => {
    expect(ev(code)).toEqual(expected);
  });

  it('needs numbers for sum', () => {
    expect(() => ev('[1, "2"].sum()')).toThrow('sum(): all array elements must be numbers');
    expect(() => ev('[1, 2].chunk(0)')).toThrow('chunk(): expected non-zero numeric arg, e.g. .chunk(5)');
  });

  it('randomItem picks an element', () => {
    expect(['quick', 'brown', 'fox']).toContain(ev("['quick', 'brown', 'fox'].randomItem()"));
  });
});

describe('objects', () => {
  it.each(
    cases([
      ["({'name': 'Nathan'}).isEmpty()", false],
      ['({}).isEmpty()', true],
      ["({'name': 'Nathan'}).isNotEmpty()", true],
      ["({ x: null, y: 2, z: '' }).compact()", { y: 2 }],
      ["({ name: 'Mr Nathan', city: 'hanoi' }).urlEncode()", 'name=Mr+Nathan&city=hanoi'],
      ["({ name: 'Nathan', age: 42 }).hasField('name')", true],
      ["({ name: 'Nathan', age: 42 }).hasField('Name')", false],
      ["({ name: 'Nathan', age: 42 }).hasField('keys')", false],
      ["({ name: 'Nathan', city: 'hanoi' }).removeField('name')", { city: 'hanoi' }],
      ["({ name: 'Mr Nathan', city: 'hanoi', age: 42 }).removeFieldsContaining('Nathan')", { city: 'hanoi', age: 42 }],
      ["({ name: 'Mr Nathan', city: 'hanoi', age: 42 }).keepFieldsContaining('han')", { name: 'Mr Nathan', city: 'hanoi' }],
      ["({ name: 'Mr Nathan', age: 42 }).keys()", ['name', 'age']],
      ["({ name: 'Mr Nathan', age: 42 }).values()", ['Mr Nathan', 42]],
      ["({ name: 'Nathan', age: 42 }).toJsonString()", '{"name":"Nathan","age":42}'],
      ['$json.keys()', ['name', 'tags']],
    ]),
  )('$code', ({ code, expected }) => {
    expect(ev(code)).toEqual(expected);
  });

  it('extension methods never show up in the data', () => {
    expect(ev('Object.keys({ a: 1 })')).toEqual(['a']);
    expect(ev('JSON.stringify([1])')).toBe('[1]');
    expect(ev('(() => { const k = []; for (const x in { a: 1 }) k.push(x); return k })()')).toEqual(['a']);
  });
});

describe('dates', () => {
  it.each(
    cases([
      ["'2024-04-30T18:49'.toDateTime().format('dd/LL/yyyy')", '30/04/2024'],
      ["'2024-04-30T18:49'.toDateTime().format('dd LLL yy')", '30 Apr 24'],
      ["'2024-04-30T18:49'.toDateTime().format(\"HH 'hours and' mm 'minutes'\")", '18 hours and 49 minutes'],
      ["'2024-03-30T18:49'.toDateTime().extract('month')", 3],
      ["'2024-03-30T18:49'.toDateTime().extract('hour')", 18],
      ["'2024-03-30T18:49'.toDateTime().extract()", 13],
      ["'2024-03-30T18:49'.toDateTime().isBetween('2020-06-01', '2025-06-01')", true],
      ["'2024-03-30T18:49'.toDateTime().isBetween('2020', '2025')", true],
      ["'2024-03-30T18:49'.toDateTime().plus(7, 'days').toISO()", '2024-04-06T18:49:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().plus(4, 'years').toISO()", '2028-03-30T18:49:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().minus(4, 'years').toISO()", '2020-03-30T18:49:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().plus({ hours: 1 }).toISO()", '2024-03-30T19:49:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().plus(2, 'hour').toISO()", '2024-03-30T20:49:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().beginningOf('month').toISO()", '2024-03-01T00:00:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().endOfMonth().toISO()", '2024-03-31T23:59:59.999Z'],
      ["'2024-03-30T18:49'.toDateTime().isWeekend()", true],
      ["'2025-01-01'.toDateTime().diffTo('2024-03-30T18:49:07.234', 'days').round(2)", 276.22],
      ["'2025-01-01T00:00:00.000'.toDateTime().diffTo('2024-03-30T18:49:07.234'.toDateTime(), ['months', 'days']).months", 9],
      ["'2025-01-01T00:00:00.000'.toDateTime().diffTo('2024-03-30T18:49:07.234'.toDateTime(), ['months', 'days']).days.round(2)", 1.22],
      ["new Date('2024-03-30T18:49:00Z').toDateTime().plus(5, 'days').toISO()", '2024-04-04T18:49:00.000Z'],
      ["'2024-03-30T18:49'.toDateTime().toInt()", 1711824540000],
    ]),
  )('$code', ({ code, expected }) => {
    expect(ev(code)).toEqual(expected);
  });

  it('parses in the workflow timezone', () => {
    expect(ev("'2024-03-30T18:49'.toDateTime().toISO()", 'Europe/Berlin')).toBe('2024-03-30T18:49:00.000+01:00');
    expect(ev("'2024-04-30T18:49'.toDateTime().setLocale('fr').format('dd LLL yyyy')")).toBe('30 avr. 2024');
  });
});

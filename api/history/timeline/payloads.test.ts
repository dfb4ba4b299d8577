import { decodePayload, eventPayload, payloadFields, preview } from './payloads';

const json = (value: unknown) => ({ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from(JSON.stringify(value)).toString('base64') });

test('json/plain decodes in full; binary/null is null; other encodings are named, not shown', () => {
  expect(decodePayload(json({ a: 1 }))).toMatchObject({ encoding: 'json/plain', value: { a: 1 } });
  expect(decodePayload({ metadata: { encoding: Buffer.from('binary/null').toString('base64') } })).toMatchObject({ encoding: 'binary/null', value: null });
  expect(decodePayload({ metadata: { encoding: Buffer.from('binary/encrypted').toString('base64') }, data: 'AAAA' }).value).toBe('binary/encrypted payload');
});

test('a preview is cut to its length and names the event and field to fetch in full', () => {
  const p = preview({ payloads: [json('x'.repeat(500))] }, '7', 'input', 50);
  expect(p).toMatchObject({ eventId: '7', field: 'input', encoding: 'json/plain', truncated: true });
  expect(p!.preview).toHaveLength(50);
  expect(preview(undefined, '7', 'input', 50)).toBeUndefined();
});

test("an event's payload fields, and only those, can be read in full", () => {
  const event = {
    eventId: '3',
    eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
    activityTaskCompletedEventAttributes: { result: { payloads: [json({ ok: true })] }, header: { fields: { t: json('trace') } } },
  };
  expect(payloadFields(event)).toEqual(['result']);
  expect(eventPayload(event, 'result')).toMatchObject({ field: 'result', value: { ok: true } });
  expect(eventPayload(event, 'header.fields.t')).toBeUndefined();
});

import { attributesOf, durationMs, formatDuration, timestampMs } from './history-json';

test('times in every JSON form, with the sub-millisecond part kept', () => {
  expect(timestampMs('2025-03-01T10:00:00.123456789Z')).toBeCloseTo(Date.parse('2025-03-01T10:00:00Z') + 123.456789, 6);
  expect(timestampMs({ seconds: '1740823200', nanos: 500_000 })).toBe(1740823200 * 1000 + 0.5);
  expect(timestampMs('not a time')).toBeUndefined();
  expect(timestampMs({})).toBeUndefined();
});

test("durations as the messages' JSON and as proto3 JSON", () => {
  expect(durationMs('1.5s')).toBe(1500);
  expect(durationMs({ seconds: '2', nanos: 250_000_000 })).toBe(2250);
  expect(durationMs({ seconds: '2', other: 1 })).toBeUndefined();
  expect(formatDuration(250)).toBe('250ms');
  expect(formatDuration(2250)).toBe('2.25s');
});

test("an event's attributes are found by its short type", () => {
  const event = { eventId: '5', eventType: 'EVENT_TYPE_TIMER_STARTED', timerStartedEventAttributes: { timerId: '1' } };
  expect(attributesOf(event, 'TimerStarted')).toEqual({ timerId: '1' });
  expect(attributesOf(event, 'TimerFired')).toEqual({});
});

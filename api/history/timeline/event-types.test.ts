import { eventCategory, shortEventType } from './event-types';

test("the proto's names and the short ones read the same; each type has its timeline category", () => {
  expect(shortEventType('EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')).toBe('ActivityTaskScheduled');
  expect(shortEventType('ActivityTaskScheduled')).toBe('ActivityTaskScheduled');
  expect(eventCategory('ActivityTaskScheduled')).toBe('activity');
  expect(eventCategory(shortEventType('EVENT_TYPE_TIMER_FIRED'))).toBe('timer');
  expect(eventCategory(shortEventType('EVENT_TYPE_WORKFLOW_TASK_COMPLETED'))).toBe('task');
  expect(eventCategory(shortEventType('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED'))).toBe('update');
});

test('a type newer than this SDK falls into other', () => {
  expect(eventCategory('SomethingTheServerAddsNextYear')).toBe('other');
});

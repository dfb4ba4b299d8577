/**
 * n8n's Schedule Trigger rules as a Temporal Schedule spec: every N seconds or
 * minutes (intervals), every N hours / days / months at a time and on a day
 * of the week (calendars), or a cron expression. The shape matches
 * @temporalio/client's ScheduleSpec without importing it (domain code stays
 * free of I/O libraries).
 */
import type { N8nNode } from './types';

type Loose = number | { start: number; end: number; step: number };
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'] as const;
type MonthName = 'JANUARY' | 'DECEMBER';

export interface CalendarPlan {
  second?: Loose;
  minute?: Loose;
  hour?: Loose;
  dayOfMonth?: Loose;
  month?: { start: MonthName; end: MonthName; step: number };
  dayOfWeek?: (typeof DAYS)[number][];
}

export interface SchedulePlan {
  intervals: { every: string }[];
  calendars: CalendarPlan[];
  cronExpressions: string[];
  timezone?: string;
}

type Rule = Record<string, unknown>;

const int = (v: unknown, fallback: number, min: number, max: number): number => {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

/** The spec of one Schedule Trigger node, or the problems that keep it from being one. */
export function schedulePlan(node: N8nNode, timezone?: string): { plan: SchedulePlan; problems: string[] } {
  const plan: SchedulePlan = { intervals: [], calendars: [], cronExpressions: [], ...(timezone ? { timezone } : {}) };
  const problems: string[] = [];
  const rules = ((node.parameters?.rule as { interval?: Rule[] } | undefined)?.interval ?? [{}]) as Rule[];
  for (const r of rules) {
    const field = String(r.field ?? 'days');
    const minute = int(r.triggerAtMinute, 0, 0, 59);
    const hour = int(r.triggerAtHour, 0, 0, 23);
    switch (field) {
      case 'seconds':
        plan.intervals.push({ every: `${int(r.secondsInterval, 30, 1, 86_400)}s` });
        break;
      case 'minutes':
        plan.intervals.push({ every: `${int(r.minutesInterval, 5, 1, 1440)}m` });
        break;
      case 'hours':
        plan.calendars.push({ hour: { start: 0, end: 23, step: int(r.hoursInterval, 1, 1, 23) }, minute });
        break;
      case 'days':
        plan.calendars.push({ dayOfMonth: { start: 1, end: 31, step: int(r.daysInterval, 1, 1, 31) }, hour, minute });
        break;
      case 'weeks': {
        if (int(r.weeksInterval, 1, 1, 52) !== 1) problems.push('a rule every N > 1 weeks is not supported: use a cron expression');
        const days = (Array.isArray(r.triggerAtDay) ? r.triggerAtDay : []).map((d) => DAYS[int(d, 0, 0, 6)]!);
        plan.calendars.push({ dayOfWeek: days.length > 0 ? [...new Set(days)] : ['SUNDAY'], hour, minute });
        break;
      }
      case 'months':
        plan.calendars.push({ month: { start: 'JANUARY', end: 'DECEMBER', step: int(r.monthsInterval, 1, 1, 12) }, dayOfMonth: int(r.triggerAtDayOfMonth, 1, 1, 31), hour, minute });
        break;
      case 'cronExpression': {
        const expression = String(r.expression ?? '').trim();
        if (expression === '') problems.push('a cron rule has no expression');
        else plan.cronExpressions.push(expression);
        break;
      }
      default:
        problems.push(`rule field "${field}" is not supported`);
    }
  }
  return { plan, problems };
}

/**
 * Date & Time 2 on Luxon: current date, add to / subtract from a date, format,
 * round, time between dates, extract a part. Dates are read in the workflow's
 * time zone and written as ISO text; "now" is the workflow time (host.now).
 */
import { DateTime, type DateTimeUnit, type DurationLikeObject } from 'luxon';
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue } from '../types';
import { assign, parseDateTime } from '../values';

const OPERATIONS = ['getCurrentDate', 'addToDate', 'subtractFromDate', 'formatDate', 'roundDate', 'getTimeBetweenDates', 'extractDate'];

/**
 * n8n's parseDate for Date & Time 2: numbers are Unix seconds (under 12 digits)
 * or milliseconds, fractional numbers seconds; text is read as a date; the result
 * is set to `zone`, or to the offset written in the text ("+02:00"), or UTC.
 */
function dateOf(value: unknown, zone: string | undefined, i: number, fromFormat?: string): DateTime {
  let date: DateTime;
  if (DateTime.isDateTime(value)) return value;
  let v: unknown = value;
  if (!Number.isNaN(Number(v)) && !fromFormat && v !== null && v !== '' && typeof v !== 'boolean') {
    v = Number(v);
    if (!Number.isInteger(v)) v = (v as number) * 1000;
  }
  let tz = zone;
  if (typeof v === 'number' && Number.isInteger(v)) {
    date = String(v).length < 12 ? DateTime.fromSeconds(v) : DateTime.fromMillis(v);
  } else {
    const text = String(v);
    if (!tz && text.includes('+')) tz = `Etc/GMT-${Number(text.split('+')[1]!.slice(0, 2))}`;
    if (fromFormat) date = DateTime.fromFormat(text, fromFormat);
    else {
      try {
        date = DateTime.fromMillis(parseDateTime(text).toMillis());
      } catch {
        date = DateTime.invalid('unparsable');
      }
    }
  }
  date = date.setZone(tz || 'Etc/UTC');
  if (!date.isValid) throw new NodeOperationError('Invalid date format', undefined, i);
  return date;
}

const iso = (d: DateTime): JsonValue => d.toISO();

export const dateTime: NodeType = {
  type: 'n8n-nodes-base.dateTime',
  versions: [2],
  kind: 'pure',
  inputs: () => 1,
  outputs: () => 1,
  parameters: [
    'operation', 'includeTime', 'outputFieldName', 'magnitude', 'timeUnit', 'duration', 'date', 'format', 'customFormat', 'mode', 'toNearest', 'to',
    'startDate', 'endDate', 'units', 'part', 'options', 'notice',
  ],
  check(node) {
    const op = String(node.parameters?.operation ?? 'getCurrentDate');
    return OPERATIONS.includes(op) ? [] : [`operation "${op}" is not supported`];
  },
  execute(ex) {
    const out: Item[] = [];
    ex.items.forEach((item, i) => {
      try {
        const p = ex.resolve(i);
        const options = (p.options as Record<string, unknown> | undefined) ?? {};
        const zone = String(options.timezone ?? ex.host.timezone);
        const op = String(p.operation ?? 'getCurrentDate');
        let field: string;
        let value: JsonValue;
        switch (op) {
          case 'getCurrentDate': {
            const now = DateTime.fromMillis(ex.host.now, { zone });
            field = String(p.outputFieldName ?? 'currentDate');
            value = iso(p.includeTime === false ? now.startOf('day') : now);
            break;
          }
          case 'addToDate':
          case 'subtractFromDate': {
            const date = dateOf(p.magnitude, ex.host.timezone, i);
            const duration: DurationLikeObject = { [String(p.timeUnit ?? 'days')]: Number(p.duration ?? 0) };
            field = String(p.outputFieldName ?? 'newDate');
            value = iso(op === 'addToDate' ? date.plus(duration) : date.minus(duration));
            break;
          }
          case 'formatDate': {
            field = String(p.outputFieldName ?? 'formattedDate');
            if (p.date === null || p.date === undefined) {
              value = null;
              break;
            }
            // As in n8n: the workflow's zone only when the timezone option is set, else the text's offset or UTC.
            const date = dateOf(p.date, options.timezone ? ex.host.timezone : undefined, i, options.fromFormat ? String(options.fromFormat) : undefined);
            const format = String(p.format === 'custom' ? (p.customFormat ?? '') : (p.format ?? 'MM/dd/yyyy'));
            value = date.toFormat(format);
            break;
          }
          case 'roundDate': {
            const date = dateOf(p.date, ex.host.timezone, i);
            field = String(p.outputFieldName ?? 'roundedDate');
            if ((p.mode ?? 'roundDown') === 'roundDown') value = iso(date.startOf(String(p.toNearest ?? 'month') as DateTimeUnit));
            else {
              const to = String(p.to ?? 'month');
              value = iso(date.plus({ [to]: 1 }).startOf(to as DateTimeUnit));
            }
            break;
          }
          case 'getTimeBetweenDates': {
            const start = dateOf(p.startDate, ex.host.timezone, i);
            const end = dateOf(p.endDate, ex.host.timezone, i);
            const units = ((p.units as string[] | undefined) ?? ['day']).map((u) => `${u}s` as keyof DurationLikeObject);
            const diff = end.diff(start, units);
            field = String(p.outputFieldName ?? 'timeDifference');
            value = options.isoString === true ? diff.toISO() : (diff.toObject() as JsonObject);
            break;
          }
          case 'extractDate': {
            const date = dateOf(p.date, ex.host.timezone, i);
            const part = String(p.part ?? 'month');
            field = String(p.outputFieldName ?? 'datePart');
            value = part === 'week' ? date.weekNumber : (date.get(part as keyof DateTime) as number);
            break;
          }
          default:
            throw new NodeOperationError(`The operation "${op}" is not known`, undefined, i);
        }
        // includeInputFields is read from the first item, as n8n reads it.
        const include = ex.param<Record<string, unknown>>('options', 0, {}).includeInputFields === true;
        const json: JsonObject = include ? { ...item.json } : {};
        assign(json, field, value);
        out.push({ json, ...(include && item.binary ? { binary: item.binary } : {}), pairedItem: { item: i } });
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        out.push({ json: { error: (error as Error).message } });
      }
    });
    return [out];
  },
};

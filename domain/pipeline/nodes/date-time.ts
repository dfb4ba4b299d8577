/**
 * Date & Time 2 on Luxon: current date, add to / subtract from a date, format,
 * round, time between dates, extract a part. Dates are read in the workflow's
 * time zone and written as ISO text; "now" is the workflow time (host.now).
 */
import { DateTime, type DateTimeUnit, type DurationLikeObject } from 'luxon';
import { NodeOperationError } from '../errors';
import type { NodeType } from '../node-type';
import type { Item, JsonObject, JsonValue } from '../types';
import { parseDateTime, setField } from '../values';

const OPERATIONS = ['getCurrentDate', 'addToDate', 'subtractFromDate', 'formatDate', 'roundDate', 'getTimeBetweenDates', 'extractDate'];

function dateOf(value: unknown, zone: string, field: string, i: number): DateTime {
  try {
    return parseDateTime(value, zone).setZone(zone);
  } catch {
    throw new NodeOperationError(`The value in the "${field}" field is not a valid date`, `"${String(value)}" could not be read as a date`, i);
  }
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
            const date = dateOf(p.magnitude, zone, 'Date to ' + (op === 'addToDate' ? 'Add To' : 'Subtract From'), i);
            const duration: DurationLikeObject = { [String(p.timeUnit ?? 'days')]: Number(p.duration ?? 0) };
            field = String(p.outputFieldName ?? 'newDate');
            value = iso(op === 'addToDate' ? date.plus(duration) : date.minus(duration));
            break;
          }
          case 'formatDate': {
            const date = options.fromFormat ? DateTime.fromFormat(String(p.date), String(options.fromFormat), { zone }) : dateOf(p.date, zone, 'Date', i);
            if (!date.isValid) throw new NodeOperationError(`The value in the "Date" field is not a valid date`, undefined, i);
            const format = String(p.format === 'custom' ? (p.customFormat ?? '') : (p.format ?? 'MM/dd/yyyy'));
            field = String(p.outputFieldName ?? 'formattedDate');
            value = format === 'X' ? String(Math.floor(date.toSeconds())) : format === 'x' ? String(date.toMillis()) : date.toFormat(format);
            break;
          }
          case 'roundDate': {
            const date = dateOf(p.date, zone, 'Date', i);
            field = String(p.outputFieldName ?? 'roundedDate');
            if ((p.mode ?? 'roundDown') === 'roundDown') value = iso(date.startOf(String(p.toNearest ?? 'month') as DateTimeUnit));
            else {
              const to = String(p.to ?? 'month');
              value = iso(to === 'endOfMonth' ? date.endOf('month') : date.plus({ [to]: 1 }).startOf(to as DateTimeUnit));
            }
            break;
          }
          case 'getTimeBetweenDates': {
            const start = dateOf(p.startDate, zone, 'Start Date', i);
            const end = dateOf(p.endDate, zone, 'End Date', i);
            const units = ((p.units as string[] | undefined) ?? ['day']).map((u) => `${u}s` as keyof DurationLikeObject);
            const diff = end.diff(start, units);
            field = String(p.outputFieldName ?? 'timeDifference');
            value = options.isoString === true ? diff.toISO() : (diff.toObject() as JsonObject);
            break;
          }
          case 'extractDate': {
            const date = dateOf(p.date, zone, 'Date', i);
            const part = String(p.part ?? 'month');
            field = String(p.outputFieldName ?? 'datePart');
            value = part === 'week' ? date.weekNumber : (date.get(part as keyof DateTime) as number);
            break;
          }
          default:
            throw new NodeOperationError(`The operation "${op}" is not known`, undefined, i);
        }
        const json: JsonObject = options.includeInputFields === true ? { ...item.json } : {};
        setField(json, field, value);
        out.push({ json, ...(item.binary ? { binary: item.binary } : {}), pairedItem: { item: i } });
      } catch (error) {
        if (!ex.continueOnFail) throw error;
        out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
      }
    });
    return [out];
  },
};

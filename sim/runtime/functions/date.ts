/**
 * Date and time functions. Results are strings in the "o" format (yyyy-MM-ddTHH:mm:ss.fffffffK) unless a
 * format is given; `K` prints `Z` for UTC timestamps and nothing for timestamps without a zone, as .NET
 * does. Time comes from the run's clock (utcNow, getFutureTime, getPastTime).
 */
import {
  addMilliseconds,
  addUnits,
  formatTimeSpan,
  fromDate,
  fromZone,
  ianaZone,
  parseForLocale,
  requireTimestamp,
  ticksBigInt,
  ticksOf,
  toZone,
  type Timestamp,
} from './timestamp.js';
import { formatTimestamp, parseWithFormat } from './timestamp-format.js';
import {
  expectInteger,
  expectNumber,
  expectOptionalString,
  expectString,
  fail,
  type CallContext,
  type FunctionImpl,
  type Value,
} from './support.js';

const format = (call: CallContext, values: Value[], index: number, timestamp: Timestamp): string =>
  formatTimestamp(timestamp, expectOptionalString(call, values, index) ?? 'o');

const timestampArg = (call: CallContext, values: Value[], index = 0): Timestamp => requireTimestamp(call.name, values[index]);

function adder(unitMs: number): FunctionImpl {
  return (values, call) => format(call, values, 2, addMilliseconds(timestampArg(call, values), expectNumber(call, values, 1) * unitMs));
}

function startOf(unit: 'day' | 'hour' | 'month'): FunctionImpl {
  return (values, call) => {
    const timestamp = timestampArg(call, values);
    const date = new Date(timestamp.ms);
    if (unit === 'month') date.setUTCDate(1);
    if (unit !== 'hour') date.setUTCHours(0);
    date.setUTCMinutes(0, 0, 0);
    return format(call, values, 1, { ms: date.getTime(), sub: 0, kind: timestamp.kind });
  };
}

export const DATE_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  utcNow: (values, call) => format(call, values, 0, fromDate(call.host.now())),
  addDays: adder(86400000),
  addHours: adder(3600000),
  addMinutes: adder(60000),
  addSeconds: adder(1000),
  addToTime: (values, call) =>
    format(call, values, 3, addUnits(call.name, timestampArg(call, values), expectInteger(call, values, 1), expectString(call, values, 2))),
  subtractFromTime: (values, call) =>
    format(
      call,
      values,
      3,
      addUnits(call.name, timestampArg(call, values), -expectInteger(call, values, 1), expectString(call, values, 2)),
    ),
  getFutureTime: (values, call) =>
    format(call, values, 2, addUnits(call.name, fromDate(call.host.now()), expectInteger(call, values, 0), expectString(call, values, 1))),
  getPastTime: (values, call) =>
    format(call, values, 2, addUnits(call.name, fromDate(call.host.now()), -expectInteger(call, values, 0), expectString(call, values, 1))),

  convertTimeZone: (values, call) => {
    const source = ianaZone(call.name, expectString(call, values, 1));
    const destination = ianaZone(call.name, expectString(call, values, 2));
    return format(call, values, 3, toZone(fromZone(timestampArg(call, values), source), destination));
  },
  convertToUtc: (values, call) =>
    format(call, values, 2, fromZone(timestampArg(call, values), ianaZone(call.name, expectString(call, values, 1)))),
  convertFromUtc: (values, call) =>
    format(call, values, 2, toZone(timestampArg(call, values), ianaZone(call.name, expectString(call, values, 1)))),

  formatDateTime: (values, call) => {
    const timestamp = timestampArg(call, values);
    return formatTimestamp(timestamp, expectOptionalString(call, values, 1) ?? 'o', expectOptionalString(call, values, 2) ?? 'en-US');
  },

  parseDateTime: (values, call) => {
    const text = expectString(call, values, 0);
    const locale = expectOptionalString(call, values, 1) ?? 'en-US';
    const pattern = expectOptionalString(call, values, 2);
    const parsed = pattern === undefined ? parseForLocale(text, locale) : parseWithFormat(text, pattern, locale);
    if (!parsed)
      return fail(
        `In function 'parseDateTime', the value provided for date time string '${text}' was not valid${pattern ? ` for the format '${pattern}'` : ''}.`,
      );
    return formatTimestamp(parsed, 'o');
  },

  startOfDay: startOf('day'),
  startOfHour: startOf('hour'),
  startOfMonth: startOf('month'),
  dayOfWeek: (values, call) => new Date(timestampArg(call, values).ms).getUTCDay(),
  dayOfMonth: (values, call) => new Date(timestampArg(call, values).ms).getUTCDate(),
  dayOfYear: (values, call) => {
    const date = new Date(timestampArg(call, values).ms);
    return Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  },
  ticks: (values, call) => ticksOf(timestampArg(call, values)),
  dateDifference: (values, call) => formatTimeSpan(ticksBigInt(timestampArg(call, values, 1)) - ticksBigInt(timestampArg(call, values, 0))),
};

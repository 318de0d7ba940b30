/**
 * Timestamps as .NET's DateTime sees them in Logic Apps: a wall-clock value with 100 ns ticks and a kind
 * (UTC when the text ended in `Z` or an offset, which is converted to UTC; unspecified otherwise). Parsing
 * accepts ISO 8601 (date only, date-time, fractions up to 7 digits), `MM/dd/yyyy[ HH:mm[:ss]]` and
 * RFC 1123. Format strings (formatting, parsing with a format) are in timestamp-format.ts.
 */
import { fail } from './support.js';

export interface Timestamp {
  /** The wall-clock fields as milliseconds since 1970 read as UTC. */
  readonly ms: number;
  /** Extra ticks (100 ns) below the millisecond, 0–9999. */
  readonly sub: number;
  readonly kind: 'utc' | 'unspecified';
}

const TICKS_PER_MS = 10000;
/** Milliseconds from 0001-01-01 to 1970-01-01. */
const EPOCH_OFFSET_MS = 62135596800000;

/** A Timestamp from its fields; undefined when they name no date (Feb 30, hour 24…). */
export function fromFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  fraction: string,
  kind: Timestamp['kind'],
): Timestamp | undefined {
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return undefined;
  const digits = fraction.padEnd(7, '0').slice(0, 7);
  const fractionMs = Number(digits.slice(0, 3));
  const yearFixed = new Date(ms + fractionMs);
  if (year < 100) yearFixed.setUTCFullYear(year);
  return { ms: yearFixed.getTime(), sub: Number(digits.slice(3)), kind };
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7})\d*)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*(AM|PM)?)?\s*(Z)?$/i;

/** Parses a timestamp string; undefined when it is not one. */
function parseTimestamp(text: string): Timestamp | undefined {
  const trimmed = text.trim();
  const iso = ISO.exec(trimmed);
  if (iso) {
    const zone = iso[8];
    const parsed = fromFields(
      Number(iso[1]),
      Number(iso[2]),
      Number(iso[3]),
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
      iso[7] ?? '',
      zone ? 'utc' : 'unspecified',
    );
    if (!parsed || !zone || zone.toUpperCase() === 'Z') return parsed;
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
    return { ...parsed, ms: parsed.ms - offset * 60000 };
  }
  const us = US.exec(trimmed);
  if (us) {
    let hour = Number(us[4] ?? 0);
    const meridiem = us[8]?.toUpperCase();
    if (meridiem === 'PM' && hour < 12) hour += 12;
    if (meridiem === 'AM' && hour === 12) hour = 0;
    return fromFields(
      Number(us[3]),
      Number(us[1]),
      Number(us[2]),
      hour,
      Number(us[5] ?? 0),
      Number(us[6] ?? 0),
      us[7] ?? '',
      us[9] ? 'utc' : 'unspecified',
    );
  }
  if (/^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|Z)$/.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return { ms, sub: 0, kind: 'utc' };
  }
  return undefined;
}

/** Parses or fails the way Logic Apps words it. */
export function requireTimestamp(functionName: string, value: unknown): Timestamp {
  if (typeof value !== 'string') {
    return fail(
      `The template language function '${functionName}' expects its first parameter to be a string that contains the time. The provided value is of type '${value === null || value === undefined ? 'Null' : Array.isArray(value) ? 'Array' : typeof value === 'object' ? 'Object' : typeof value === 'number' ? (Number.isInteger(value) ? 'Integer' : 'Float') : 'Boolean'}'.`,
    );
  }
  const parsed = parseTimestamp(value);
  if (!parsed) {
    return fail(
      `In function '${functionName}', the value provided for date time string '${value}' was not valid. The datetime string must match ISO 8601 format.`,
    );
  }
  return parsed;
}

export const fromDate = (date: Date): Timestamp => ({ ms: date.getTime(), sub: 0, kind: 'utc' });

export const addMilliseconds = (timestamp: Timestamp, ms: number): Timestamp => {
  const totalTicks = Math.round(ms * TICKS_PER_MS) + timestamp.sub;
  const wholeMs = Math.floor(totalTicks / TICKS_PER_MS);
  return { ...timestamp, ms: timestamp.ms + wholeMs, sub: totalTicks - wholeMs * TICKS_PER_MS };
};

/** AddMonths: the day is clamped to the last day of the target month. */
function addMonths(timestamp: Timestamp, months: number): Timestamp {
  const date = new Date(timestamp.ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const result = new Date(date.getTime());
  result.setUTCFullYear(targetYear, targetMonth, Math.min(date.getUTCDate(), lastDay));
  return { ...timestamp, ms: result.getTime() };
}

const TIME_UNITS = ['Second', 'Minute', 'Hour', 'Day', 'Week', 'Month', 'Year'] as const;

/** addToTime semantics: interval time units added (negative to subtract). */
export function addUnits(functionName: string, timestamp: Timestamp, interval: number, unit: string): Timestamp {
  const normalized = TIME_UNITS.find((candidate) => candidate.toLowerCase() === unit.toLowerCase());
  switch (normalized) {
    case 'Second':
      return addMilliseconds(timestamp, interval * 1000);
    case 'Minute':
      return addMilliseconds(timestamp, interval * 60000);
    case 'Hour':
      return addMilliseconds(timestamp, interval * 3600000);
    case 'Day':
      return addMilliseconds(timestamp, interval * 86400000);
    case 'Week':
      return addMilliseconds(timestamp, interval * 7 * 86400000);
    case 'Month':
      return addMonths(timestamp, Math.trunc(interval));
    case 'Year':
      return addMonths(timestamp, Math.trunc(interval) * 12);
    default:
      return fail(
        `The template language function '${functionName}' expects a time unit of ${TIME_UNITS.map((name) => `'${name}'`).join(', ')}. The provided value is '${unit}'.`,
      );
  }
}

/** Ticks since 0001-01-01 (DateTime.Ticks); beyond 2^53 the number loses its last digits. */
export const ticksOf = (timestamp: Timestamp): number => Number(ticksBigInt(timestamp));

/** Locale-aware general parsing (parseDateTime without a format): day-first outside the US. */
export function parseForLocale(text: string, locale: string): Timestamp | undefined {
  const lower = locale.toLowerCase();
  if (lower === 'en-us' || lower === '' || lower === 'en') return parseTimestamp(text);
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (dayFirst) {
    return fromFields(
      Number(dayFirst[3]),
      Number(dayFirst[2]),
      Number(dayFirst[1]),
      Number(dayFirst[4] ?? 0),
      Number(dayFirst[5] ?? 0),
      Number(dayFirst[6] ?? 0),
      '',
      'unspecified',
    );
  }
  return parseTimestamp(text);
}

// ---------------------------------------------------------------------------------------------------
// Time zones (Windows names, as Logic Apps takes them)

const WINDOWS_ZONES: Readonly<Record<string, string>> = {
  utc: 'UTC',
  'coordinated universal time': 'UTC',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin',
  'central europe standard time': 'Europe/Budapest',
  'romance standard time': 'Europe/Paris',
  'central european standard time': 'Europe/Warsaw',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kiev',
  'gtb standard time': 'Europe/Bucharest',
  'russian standard time': 'Europe/Moscow',
  'turkey standard time': 'Europe/Istanbul',
  'israel standard time': 'Asia/Jerusalem',
  'south africa standard time': 'Africa/Johannesburg',
  'egypt standard time': 'Africa/Cairo',
  'arabian standard time': 'Asia/Dubai',
  'arab standard time': 'Asia/Riyadh',
  'india standard time': 'Asia/Kolkata',
  'china standard time': 'Asia/Shanghai',
  'singapore standard time': 'Asia/Singapore',
  'tokyo standard time': 'Asia/Tokyo',
  'korea standard time': 'Asia/Seoul',
  'aus eastern standard time': 'Australia/Sydney',
  'e. australia standard time': 'Australia/Brisbane',
  'w. australia standard time': 'Australia/Perth',
  'cen. australia standard time': 'Australia/Adelaide',
  'new zealand standard time': 'Pacific/Auckland',
  'hawaiian standard time': 'Pacific/Honolulu',
  'alaskan standard time': 'America/Anchorage',
  'pacific standard time': 'America/Los_Angeles',
  'us mountain standard time': 'America/Phoenix',
  'mountain standard time': 'America/Denver',
  'central standard time': 'America/Chicago',
  'central america standard time': 'America/Guatemala',
  'canada central standard time': 'America/Regina',
  'eastern standard time': 'America/New_York',
  'us eastern standard time': 'America/Indianapolis',
  'atlantic standard time': 'America/Halifax',
  'newfoundland standard time': 'America/St_Johns',
  'e. south america standard time': 'America/Sao_Paulo',
  'argentina standard time': 'America/Buenos_Aires',
  'sa pacific standard time': 'America/Bogota',
  'central standard time (mexico)': 'America/Mexico_City',
  'pacific standard time (mexico)': 'America/Tijuana',
  'w. central africa standard time': 'Africa/Lagos',
  'e. africa standard time': 'Africa/Nairobi',
  'se asia standard time': 'Asia/Bangkok',
  'taipei standard time': 'Asia/Taipei',
  'nepal standard time': 'Asia/Kathmandu',
  'pakistan standard time': 'Asia/Karachi',
  'iran standard time': 'Asia/Tehran',
};

export function ianaZone(functionName: string, windowsName: string): string {
  const zone = WINDOWS_ZONES[windowsName.trim().toLowerCase()];
  if (!zone)
    return fail(
      `The template language function '${functionName}' was given the time zone '${windowsName}', which is not a Windows time zone name the simulator knows.`,
    );
  return zone;
}

/** The zone's offset from UTC in minutes at a UTC instant. */
function offsetMinutes(zone: string, utcMs: number): number {
  if (zone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const field = (type: string): number => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour') % 24, field('minute'), field('second'));
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/** UTC instant → wall time in the zone (unspecified kind, unless the zone is UTC). */
export function toZone(timestamp: Timestamp, zone: string): Timestamp {
  return { ms: timestamp.ms + offsetMinutes(zone, timestamp.ms) * 60000, sub: timestamp.sub, kind: zone === 'UTC' ? 'utc' : 'unspecified' };
}

/** Wall time in the zone → UTC instant. */
export function fromZone(timestamp: Timestamp, zone: string): Timestamp {
  let guess = timestamp.ms - offsetMinutes(zone, timestamp.ms) * 60000;
  guess = timestamp.ms - offsetMinutes(zone, guess) * 60000;
  return { ms: guess, sub: timestamp.sub, kind: 'utc' };
}

/** TimeSpan.ToString(): `[-][d.]hh:mm:ss[.fffffff]`. */
export function formatTimeSpan(ticks: bigint): string {
  const negative = ticks < 0n;
  let rest = negative ? -ticks : ticks;
  const fraction = rest % 10000000n;
  rest /= 10000000n;
  const seconds = rest % 60n;
  rest /= 60n;
  const minutes = rest % 60n;
  rest /= 60n;
  const hours = rest % 24n;
  const days = rest / 24n;
  const two = (value: bigint): string => value.toString().padStart(2, '0');
  return `${negative ? '-' : ''}${days > 0n ? `${days}.` : ''}${two(hours)}:${two(minutes)}:${two(seconds)}${fraction > 0n ? `.${fraction.toString().padStart(7, '0')}` : ''}`;
}

export const ticksBigInt = (timestamp: Timestamp): bigint =>
  (BigInt(timestamp.ms) + BigInt(EPOCH_OFFSET_MS)) * 10000n + BigInt(timestamp.sub);

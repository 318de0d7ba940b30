/**
 * .NET date-time format strings over Timestamps: formatting (formatDateTime and the other date functions)
 * and parsing against an explicit format (parseDateTime with a format). Standard formats (one character)
 * use en-US patterns; month and day names of other locales come from Intl.
 */
import { fail } from './support.js';
import { fromFields, type Timestamp } from './timestamp.js';

const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const EN_MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function names(locale: string, date: Date, part: 'weekday' | 'month', width: 'long' | 'short'): string {
  const english = locale.toLowerCase().startsWith('en') || locale === '';
  if (english) {
    const full = part === 'weekday' ? EN_DAYS[date.getUTCDay()]! : EN_MONTHS[date.getUTCMonth()]!;
    return width === 'long' ? full : full.slice(0, 3);
  }
  try {
    return new Intl.DateTimeFormat(locale, { [part]: width, timeZone: 'UTC' }).format(date);
  } catch {
    return fail(`The locale '${locale}' is not a valid culture name`);
  }
}

const STANDARD_PATTERNS: Readonly<Record<string, string>> = {
  d: 'M/d/yyyy',
  D: 'dddd, MMMM d, yyyy',
  f: 'dddd, MMMM d, yyyy h:mm tt',
  F: 'dddd, MMMM d, yyyy h:mm:ss tt',
  g: 'M/d/yyyy h:mm tt',
  G: 'M/d/yyyy h:mm:ss tt',
  m: 'MMMM d',
  M: 'MMMM d',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  r: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  R: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'h:mm tt',
  T: 'h:mm:ss tt',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  U: 'dddd, MMMM d, yyyy h:mm:ss tt',
  y: 'MMMM yyyy',
  Y: 'MMMM yyyy',
};

/** One element of a custom format: a field (`yyyy`: `y` four times), quoted or escaped literal text, or any other character. */
type PatternPart =
  | { kind: 'field'; char: string; run: number }
  | { kind: 'quoted'; text: string; terminated: boolean }
  | { kind: 'escaped'; char: string }
  | { kind: 'char'; char: string };

function patternParts(pattern: string, fieldChars: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let index = 0;
  while (index < pattern.length) {
    const char = pattern.charAt(index);
    if (char === "'" || char === '"') {
      const close = pattern.indexOf(char, index + 1);
      const end = close === -1 ? pattern.length : close;
      parts.push({ kind: 'quoted', text: pattern.slice(index + 1, end), terminated: close !== -1 });
      index = end + 1;
    } else if (char === '\\') {
      parts.push({ kind: 'escaped', char: pattern.charAt(index + 1) });
      index += 2;
    } else if (fieldChars.includes(char)) {
      let run = 1;
      while (pattern.charAt(index + run) === char) run += 1;
      parts.push({ kind: 'field', char, run });
      index += run;
    } else {
      parts.push({ kind: 'char', char });
      index += 1;
    }
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const pad = (value: number, width: number): string => String(value).padStart(width, '0');
/** `d`, `h`, `m`…: no padding for one letter, two digits for more. */
const numeric = (value: number, run: number): string => (run === 1 ? String(value) : pad(value, 2));

interface FormatContext {
  readonly date: Date;
  readonly timestamp: Timestamp;
  /** The 7 fraction digits (100 ns ticks). */
  readonly fraction: string;
  readonly locale: string;
  readonly format: string;
}

const invalidCustom = (context: FormatContext): never =>
  fail(`The format '${context.format}' is not a valid custom date and time format string.`);

const FIELD_FORMATTERS: Readonly<Record<string, (run: number, context: FormatContext) => string>> = {
  d: (run, { date, locale }) => (run <= 2 ? numeric(date.getUTCDate(), run) : names(locale, date, 'weekday', run === 3 ? 'short' : 'long')),
  f: (run, context) => (run > 7 ? invalidCustom(context) : context.fraction.slice(0, run)),
  F: (run, context) => (run > 7 ? invalidCustom(context) : context.fraction.slice(0, run).replace(/0+$/, '')),
  g: () => 'A.D.',
  h: (run, { date }) => numeric(date.getUTCHours() % 12 || 12, run),
  H: (run, { date }) => numeric(date.getUTCHours(), run),
  K: (_run, { timestamp }) => (timestamp.kind === 'utc' ? 'Z' : ''),
  m: (run, { date }) => numeric(date.getUTCMinutes(), run),
  M: (run, { date, locale }) =>
    run <= 2 ? numeric(date.getUTCMonth() + 1, run) : names(locale, date, 'month', run === 3 ? 'short' : 'long'),
  s: (run, { date }) => numeric(date.getUTCSeconds(), run),
  t: (run, { date }) => {
    const designator = date.getUTCHours() < 12 ? 'AM' : 'PM';
    return run === 1 ? designator.charAt(0) : designator;
  },
  y: (run, { date }) => {
    const year = date.getUTCFullYear();
    return run === 1 ? String(year % 100) : run === 2 ? pad(year % 100, 2) : pad(year, run);
  },
  z: (run) => (run === 1 ? '+0' : run === 2 ? '+00' : '+00:00'),
};

/** The custom pattern a format stands for: a standard format's en-US pattern, `%x` as the single field `x`. */
function customPattern(format: string): string {
  const pattern = format === '' ? 'o' : format;
  if (pattern.length === 1) {
    const standard = STANDARD_PATTERNS[pattern];
    if (!standard)
      return fail(
        `The format '${format}' is not a valid standard date and time format string ('Input string was not in a correct format.').`,
      );
    return standard;
  }
  return pattern.length === 2 && pattern.startsWith('%') ? pattern.slice(1) : pattern;
}

/** Formats with a .NET standard (one character) or custom date-time format string. */
export function formatTimestamp(timestamp: Timestamp, format = 'o', locale = 'en-US'): string {
  const date = new Date(timestamp.ms);
  const context: FormatContext = { date, timestamp, fraction: pad(date.getUTCMilliseconds(), 3) + pad(timestamp.sub, 4), locale, format };
  let output = '';
  for (const part of patternParts(customPattern(format), 'dfFghHKmMstyz')) {
    if (part.kind === 'field') {
      const text = FIELD_FORMATTERS[part.char]!(part.run, context);
      // `.FFF` drops its dot when every digit is a trailing zero.
      if (part.char === 'F' && text === '' && output.endsWith('.')) output = output.slice(0, -1);
      output += text;
    } else if (part.kind === 'quoted') {
      if (!part.terminated) return fail(`The format '${format}' has an unterminated quoted string.`);
      output += part.text;
    } else if (part.kind === 'escaped' || part.char !== '%') {
      output += part.char;
    }
  }
  return output;
}

// ---------------------------------------------------------------------------------------------------
// Parsing with an explicit format (parseDateTime)

interface ParseState {
  readonly text: string;
  readonly locale: string;
  position: number;
  fields: { year: number; month: number; day: number; hour: number; minute: number; second: number; fraction: string };
  pm?: boolean;
  utc: boolean;
}

/** Reads `min`–`max` digits at the position. */
function digits(state: ParseState, min: number, max: number): number | undefined {
  const match = new RegExp(`^\\d{${min},${max}}`).exec(state.text.slice(state.position));
  if (!match) return undefined;
  state.position += match[0].length;
  return Number(match[0]);
}

/** Reads a pattern at the position: undefined when it is not there, or '' when it is `optional`. */
function consume(state: ParseState, pattern: RegExp, optional = false): string | undefined {
  const match = pattern.exec(state.text.slice(state.position));
  if (!match) return optional ? '' : undefined;
  state.position += match[0].length;
  return match[0];
}

const numberField =
  (field: 'month' | 'day' | 'hour' | 'minute' | 'second') =>
  (state: ParseState, run: number): boolean => {
    const value = digits(state, run, 2);
    if (value === undefined) return false;
    state.fields[field] = value;
    return true;
  };

const MONTHS = Array.from({ length: 12 }, (_unused, month) => new Date(Date.UTC(2000, month, 1)));

function monthName(state: ParseState, run: number): boolean {
  const width = run === 3 ? 'short' : 'long';
  const rest = state.text.slice(state.position).toLowerCase();
  const found = MONTHS.findIndex((date) => rest.startsWith(names(state.locale, date, 'month', width).toLowerCase()));
  if (found === -1) return false;
  state.position += names(state.locale, MONTHS[found]!, 'month', width).length;
  state.fields.month = found + 1;
  return true;
}

const FIELD_PARSERS: Readonly<Record<string, (state: ParseState, run: number, char: string) => boolean>> = {
  y: (state, run) => {
    const width = run <= 2 ? 2 : 4;
    const value = digits(state, width, width);
    if (value === undefined) return false;
    state.fields.year = run <= 2 ? 2000 + value : value;
    return true;
  },
  M: (state, run) => (run >= 3 ? monthName(state, run) : numberField('month')(state, run)),
  // A day name is skipped: the date fields decide the day.
  d: (state, run) => (run >= 3 ? consume(state, /^[^\d\s,]+/) !== undefined : numberField('day')(state, run)),
  H: numberField('hour'),
  h: numberField('hour'),
  m: numberField('minute'),
  s: numberField('second'),
  f: (state, run, char) => fraction(state, run, char),
  F: (state, run, char) => fraction(state, run, char),
  t: (state) => {
    const designator = consume(state, /^(AM|PM|A|P)/i);
    if (designator === undefined) return false;
    state.pm = designator.toUpperCase().startsWith('P');
    return true;
  },
  K: (state) => zone(state),
  z: (state) => zone(state),
};

function fraction(state: ParseState, run: number, char: string): boolean {
  const value = consume(state, new RegExp(`^\\d{${char === 'f' ? run : 0},${run}}`));
  if (value === undefined) return false;
  state.fields.fraction = value;
  return true;
}

/** An optional `Z` or offset: any zone makes the result UTC (the offset itself is not applied). */
function zone(state: ParseState): boolean {
  if (consume(state, /^(Z|[+-]\d{2}(:?\d{2})?)/i, true) !== '') state.utc = true;
  return true;
}

function parsePart(state: ParseState, part: PatternPart): boolean {
  if (part.kind === 'field') return FIELD_PARSERS[part.char]!(state, part.run, part.char);
  const literal = part.kind === 'quoted' ? part.text : part.char;
  if (part.kind === 'quoted' ? !state.text.startsWith(literal, state.position) : state.text.charAt(state.position) !== literal)
    return false;
  state.position += part.kind === 'quoted' ? literal.length : 1;
  return true;
}

/** Parses `text` against a custom format; undefined when it does not match. */
export function parseWithFormat(text: string, format: string, locale = 'en-US'): Timestamp | undefined {
  const pattern = format.length === 1 ? (STANDARD_PATTERNS[format] ?? format) : format;
  const state: ParseState = {
    text,
    locale,
    position: 0,
    fields: { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: '' },
    utc: false,
  };
  for (const part of patternParts(pattern, 'dfFhHmMstyKz')) if (!parsePart(state, part)) return undefined;
  if (state.position !== text.length) return undefined;
  const { year, month, day, minute, second } = state.fields;
  let hour = state.fields.hour;
  if (state.pm === true && hour < 12) hour += 12;
  if (state.pm === false && hour === 12) hour = 0;
  return fromFields(year, month, day, hour, minute, second, state.fields.fraction, state.utc ? 'utc' : 'unspecified');
}

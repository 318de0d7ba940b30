import type { StringKey } from '../names';

/**
 * The Audit column as a list. The flows write one line per event, newest first:
 * `<ISO 8601 UTC time> <message>` (e.g. `2024-05-02T08:15:00Z Referral not created: …`).
 * Anything else (hand edits, a truncated value, free text) still shows, never crashes.
 */

export type AuditLevel = 'error' | 'info';

export type FixKey = Extract<StringKey, `Fix_${string}`>;

export interface AuditEntry {
  /** Undefined when the line has no readable time. */
  readonly time?: Date;
  readonly message: string;
  readonly level: AuditLevel;
  /** What to do about an error, most specific first (empty for info lines). */
  readonly fixes: readonly FixKey[];
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)\s+([\s\S]*)$/;

/** Words the flows (and Partner Center's messages) use when something failed. */
const ERROR_PATTERN =
  /\bnot (?:created|updated|synced)\b|\bfail(?:ed|ure)?\b|\berror\b|\brejected\b|\brefused\b|\bdenied\b|\bunauthori[sz]ed\b|\bforbidden\b|\b(?:4\d\d|5\d\d)\b/i;

/** Message fragments → the fix to suggest, in the order they are shown. */
const FIXES: ReadonlyArray<readonly [RegExp, FixKey]> = [
  [/needs a customer account|no (?:customer )?account/i, 'Fix_Account'],
  [/country code|country/i, 'Fix_CountryCode'],
  [/solution/i, 'Fix_Solution'],
  [/contact/i, 'Fix_Contact'],
  [/currency/i, 'Fix_Currency'],
  [/close date|closing ?date/i, 'Fix_CloseDate'],
  [/\b412\b|precondition|etag|changed .* at the same time/i, 'Fix_Conflict'],
  [/\b40[13]\b|unauthori[sz]ed|forbidden|connection|credential|consent/i, 'Fix_Connection'],
];

/** Classifies one message: error or info, and the fixes an error suggests (the generic one when none matches). */
export function classify(message: string): { level: AuditLevel; fixes: FixKey[] } {
  if (!ERROR_PATTERN.test(message)) return { level: 'info', fixes: [] };
  const fixes = FIXES.filter(([pattern]) => pattern.test(message)).map(([, fix]) => fix);
  return { level: 'error', fixes: fixes.length > 0 ? fixes : ['Fix_Generic'] };
}

function parseTime(text: string): Date | undefined {
  const time = new Date(text);
  return Number.isNaN(time.getTime()) ? undefined : time;
}

/** Longest Audit value read (the column holds 100,000 characters). */
const MAX_AUDIT_LENGTH = 100_000;

/**
 * Parses the Audit value into entries, newest first. A line without a leading time continues the
 * entry above it (Partner Center messages can span lines); lines before the first time, or a value
 * without any, become entries without a time, listed after the timed ones in their written order.
 */
export function parseAudit(value: unknown): AuditEntry[] {
  if (typeof value !== 'string') return [];
  const lines = value.slice(0, MAX_AUDIT_LENGTH).replace(/\r\n?/g, '\n').split('\n');
  const timed: Array<{ time: Date; lines: string[]; order: number }> = [];
  const untimed: string[] = [];
  let current: { lines: string[] } | undefined;
  for (const line of lines) {
    const match = TIMESTAMP.exec(line.trim());
    const time = match ? parseTime(match[1]) : undefined;
    if (match && time) {
      current = { lines: [match[2].trim()] };
      timed.push({ time, lines: current.lines, order: timed.length });
    } else if (line.trim() === '') {
      continue;
    } else if (current) {
      current.lines.push(line.trim());
    } else {
      untimed.push(line.trim());
    }
  }
  const entry = (message: string, time?: Date): AuditEntry => ({ ...(time ? { time } : {}), message, ...classify(message) });
  return [
    ...timed
      .sort((a, b) => b.time.getTime() - a.time.getTime() || a.order - b.order)
      .map((item) => entry(item.lines.join('\n'), item.time)),
    ...untimed.map((message) => entry(message)),
  ];
}

/**
 * The time as the user reads it: their time-zone offset applied (PCF's
 * `userSettings.getTimeZoneOffsetMinutes`), formatted in their language.
 */
export function formatAuditTime(time: Date, locale: string, offsetMinutes: number): string {
  const shifted = new Date(time.getTime() + offsetMinutes * 60_000);
  try {
    return new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
    }).format(shifted);
  } catch {
    return shifted.toISOString().slice(0, 16).replace('T', ' ');
  }
}

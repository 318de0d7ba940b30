import { describe, expect, test } from '@jest/globals';
import { knownEvent, OPEN_WRITE_WINDOW_MINUTES } from '../../flows/known-events.js';
import { Expr } from '../../flows/wdl/expr.js';
import { ev } from '../sim-runtime/support.js';

/**
 * The rule that lets the webhook flow skip re-reading a referral (flows/known-events.ts), evaluated by the flow
 * runtime's expression evaluator on the values a run would see: the event's ResourceChangeUtcDate (Partner Center's
 * documented sample format, "2017-11-16T16:19:06.3520276+00:00"), the opportunity's write window (utcNow() values,
 * "…0000000Z") and the referral's updatedDateTime as last read.
 */
const literal = (value: string | null): Expr => new Expr(value === null ? 'null' : `'${value}'`);
const known = (eventDate: string | null, row: { window?: string | null; changedOn?: string | null }): unknown =>
  ev(`@${knownEvent(literal(eventDate), { window: literal(row.window ?? null), changedOn: literal(row.changedOn ?? null) }).text}`);

const WINDOW = '2026-12-03T10:00:00.0000000Z/2026-12-03T10:00:01.5000000Z';

describe('known Partner Center events: no re-read', () => {
  test.each([
    ['at the start of our write', '2026-12-03T10:00:00.0000000+00:00', true],
    ['inside our write', '2026-12-03T10:00:00.7316402+00:00', true],
    ['at its end', '2026-12-03T10:00:01.5000000+00:00', true],
    ['a millisecond before it', '2026-12-03T09:59:59.9990000+00:00', false],
    ['a millisecond after it', '2026-12-03T10:00:01.5010000+00:00', false],
  ])('an event %s: %s', (_label, eventDate, expected) => {
    expect(known(eventDate, { window: WINDOW })).toBe(expected);
  });

  test(`an open window (the call still on its way) counts ${OPEN_WRITE_WINDOW_MINUTES} minutes from its start`, () => {
    const open = '2026-12-03T10:00:00.0000000Z/';
    expect(known('2026-12-03T10:00:02.0000000+00:00', { window: open })).toBe(true);
    expect(known('2026-12-03T10:09:59.0000000+00:00', { window: open })).toBe(true);
    expect(known('2026-12-03T10:10:01.0000000+00:00', { window: open })).toBe(false);
  });

  test("an event not after the referral's updatedDateTime as last read is known (a duplicate, or overtaken by a later read)", () => {
    const changedOn = '2026-12-03T11:00:00.1234567Z';
    expect(known('2026-12-03T11:00:00.1234567+00:00', { changedOn })).toBe(true);
    expect(known('2026-12-03T10:30:00.0000000+00:00', { changedOn })).toBe(true);
    // A millisecond later: the runtime's ticks() is a double above 2^53 (sim/runtime/README.md), so 100 ns apart compare equal.
    expect(known('2026-12-03T11:00:00.1244567+00:00', { changedOn })).toBe(false);
  });

  test('nothing is known of an opportunity the sync never wrote nor read (or of no opportunity at all)', () => {
    expect(known('2026-12-03T10:00:00.0000000+00:00', {})).toBe(false);
    expect(known('0001-01-01T00:00:00.0000000+00:00', { window: '', changedOn: '' })).toBe(true); // the stand-in's own instant
  });

  test.each([['yesterday'], [''], ['2026-13-45T99:00:00Z']])(
    'an event date %p that is not a date fails the expression (the flow then treats the event as news)',
    (eventDate) => {
      expect(() => known(eventDate, { window: WINDOW, changedOn: '2026-12-03T11:00:00Z' })).toThrow();
    },
  );

  test('a missing event date fails the expression too', () => {
    expect(() => known(null, { window: WINDOW })).toThrow();
  });
});

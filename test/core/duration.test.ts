import { formatDuration } from '../../core/duration.js';

describe('formatDuration', () => {
  test.each([
    [0, '0 ms'],
    [0.44, '0.4 ms'],
    [8.46, '8.5 ms'],
    [9.96, '10 ms'],
    [850, '850 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [1234, '1.2 s'],
    [9949, '9.9 s'],
    [9960, '10 s'],
    [42_400, '42 s'],
    [59_499, '59 s'],
    [59_999, '1 min 00 s'],
    [61_000, '1 min 01 s'],
    [125_000, '2 min 05 s'],
    [3_599_499, '59 min 59 s'],
    [3_599_999, '1 h 00 min'],
    [3_720_000, '1 h 02 min'],
    [86_340_000, '23 h 59 min'],
    [86_399_999, '1 d 00 h'],
    [86_400_000, '1 d 00 h'],
    [14 * 86_400_000 + 3 * 3_600_000, '14 d 03 h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('%d (a clock error) → ?', (ms) => {
    expect(formatDuration(ms)).toBe('?');
  });
});

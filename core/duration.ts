const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * A duration for people: `0.4 ms`, `850 ms`, `1.2 s`, `12 s`, `2 min 05 s`, `3 h 07 min`, `14 d 00 h`.
 * Each form keeps two significant units at most; a value is rounded before its unit is chosen, so
 * 59 999 ms reads `1 min 00 s`, never `60 s`. Negative or non-finite input (a clock error) reads `?`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  if (Number(ms.toFixed(1)) < 10) return `${Number(ms.toFixed(1))} ms`;
  if (Math.round(ms) < SECOND) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 100) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / SECOND);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < HOUR / SECOND) return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
  const minutes = Math.round(ms / MINUTE);
  if (minutes < DAY / MINUTE) return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
  const hours = Math.round(ms / HOUR);
  return `${Math.floor(hours / 24)} d ${pad(hours % 24)} h`;
}

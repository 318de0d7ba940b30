import type { Change } from './types.js';

/** RFC 6901 escaping of one pointer segment. */
export const pointerSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The leaf changes between two JSON values, each at its JSON pointer below `path`: a key only one side has is
 * added or removed whole; arrays are compared index by index (a shorter array loses its tail). Key order is
 * not a change (the designer rewrites it).
 */
export function jsonChanges(before: unknown, after: unknown, subject: string, path = ''): Change[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => {
      const at = `${path}/${pointerSegment(key)}`;
      if (!(key in before)) return [{ change: 'added' as const, subject, path: at, after: after[key] }];
      if (!(key in after)) return [{ change: 'removed' as const, subject, path: at, before: before[key] }];
      return jsonChanges(before[key], after[key], subject, at);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const changes: Change[] = [];
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      const at = `${path}/${index}`;
      if (index >= before.length) changes.push({ change: 'added', subject, path: at, after: after[index] });
      else if (index >= after.length) changes.push({ change: 'removed', subject, path: at, before: before[index] });
      else changes.push(...jsonChanges(before[index], after[index], subject, at));
    }
    return changes;
  }
  return sameJson(before, after) ? [] : [{ change: 'changed', subject, path, before, after }];
}

/** Deep equality of JSON values, ignoring key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && sameJson(a[key], b[key]));
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  return a === b;
}

import type { SolutionPackage } from '../../../core/package/reader.js';
import type { Finding, Severity } from '../types.js';
import type { Validators } from '../xsd.js';
import { describe, type XElement } from '../../../core/xml/tree.js';

export interface RuleContext {
  pkg: SolutionPackage;
  validators: Validators;
}

/** A rule module: pure function from the loaded package to its findings. */
export type Rule = (context: RuleContext) => Finding[];

interface FindingPlace {
  entry?: string;
  /** An element (described with its path and line) or a ready-made location string. */
  where?: XElement | string;
  fix?: string;
}

export function finding(severity: Severity, rule: string, message: string, place: FindingPlace = {}): Finding {
  const where = typeof place.where === 'string' ? place.where : place.where ? describe(place.where) : undefined;
  return {
    severity,
    rule,
    ...(place.entry !== undefined ? { entry: place.entry } : {}),
    ...(where !== undefined ? { where } : {}),
    message,
    ...(place.fix !== undefined ? { fix: place.fix } : {}),
  };
}

/** Groups items by a key (case-insensitive when asked), keeping only keys seen more than once. */
export function duplicatesBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined, caseInsensitive = false): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const raw = keyOf(item);
    if (raw === undefined || raw === '') continue;
    const key = caseInsensitive ? raw.toLowerCase() : raw;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return new Map([...groups].filter(([, group]) => group.length > 1));
}

export const lower = (value: string): string => value.toLowerCase();

/** `a, b and 3 more` for messages that list names. */
export function listNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

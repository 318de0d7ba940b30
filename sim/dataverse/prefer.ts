/** The `Prefer` request header: `return=representation` and `odata.include-annotations="…"`. */
import type { Annotations } from './values.js';

export interface Preferences {
  representation: boolean;
  annotations: Annotations;
  /** The `Preference-Applied` header of the response (representation only when a row comes back). */
  applied: (representation: boolean) => Record<string, string>;
}

const INCLUDE_ANNOTATIONS = 'odata.include-annotations=';

export function preferences(header: string | string[] | undefined): Preferences {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const representation = parts.includes('return=representation');
  const include = parts.find((p) => p.startsWith(INCLUDE_ANNOTATIONS));
  const pattern = include ? include.slice(INCLUDE_ANNOTATIONS.length).replace(/^"|"$/g, '') : '';
  const names = pattern.split(',').map((p) => p.trim());
  const wants = (name: string): boolean =>
    names.some((n) => n === '*' || n === name || (n.endsWith('.*') && name.startsWith(n.slice(0, -1))));
  const annotations: Annotations = {
    formatted: wants('OData.Community.Display.V1.FormattedValue'),
    lookup: wants('Microsoft.Dynamics.CRM.lookuplogicalname') || wants('Microsoft.Dynamics.CRM.associatednavigationproperty'),
  };
  return {
    representation,
    annotations,
    applied: (withRepresentation): Record<string, string> => {
      const applied = [...(withRepresentation && representation ? ['return=representation'] : []), ...(include ? [include] : [])];
      return applied.length > 0 ? { 'Preference-Applied': applied.join(',') } : {};
    },
  };
}

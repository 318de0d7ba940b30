import type { XElement } from '../../core/xml/tree.js';
import type { Change } from './types.js';

/** Field path → value: `MaxLength` → `100`, `displaynames/displayname[1033]/@description` → `Products`. */
export type Fields = Readonly<Record<string, string>>;

/**
 * Fields no customer edit can change and an export rewrites on its own: the version that introduced the
 * component (the exporting solution's), and a flow's or reference's on/off state (turning a flow on is an
 * install step, not a customisation).
 */
const IGNORED_FIELDS = new Set(['introducedversion', 'statecode', 'statuscode']);

const IDENTITY_ATTRIBUTES = ['languagecode', 'id', 'name', 'Name'];

/**
 * How a child is told apart from its same-named siblings: by language, id or name (that attribute is then
 * part of the path, not a field of its own), else by position when it has same-named siblings.
 */
function predicate(element: XElement, siblings: readonly XElement[]): { step: string; identity?: string } {
  const identity = IDENTITY_ATTRIBUTES.find((name) => element.attrs[name] !== undefined);
  if (identity !== undefined) return { step: `[${element.attrs[identity]}]`, identity };
  return { step: siblings.length > 1 ? `[${siblings.indexOf(element) + 1}]` : '' };
}

/**
 * Flattens an element into its fields. `stop` leaves a child subtree out (a form's tabs and sections are
 * components of their own); whitespace-only text is no value.
 */
export function flattenXml(element: XElement, stop: (child: XElement) => boolean = () => false): Fields {
  const fields: Record<string, string> = {};
  const walk = (node: XElement, path: string, identity?: string): void => {
    for (const [name, value] of Object.entries(node.attrs)) if (name !== identity) fields[`${path}@${name}`] = value;
    const text = node.text.trim();
    if (text !== '' && node.children.length === 0) fields[path === '' ? '#text' : path.slice(0, -1)] = text;
    for (const child of node.children) {
      if (stop(child)) continue;
      const siblings = node.children.filter((other) => other.name === child.name);
      const { step, identity: childIdentity } = predicate(child, siblings);
      walk(child, `${path}${child.name}${step}/`, childIdentity);
    }
  };
  walk(element, '');
  return fields;
}

const ignored = (path: string): boolean =>
  path
    .split('/')
    .map((step) => step.replace(/\[.*\]$/, '').toLowerCase())
    .some((step) => IGNORED_FIELDS.has(step));

export interface FieldOptions {
  /**
   * Compare only the fields the first version has: Dataverse writes platform fields on export (defaults our
   * generator leaves out), and those are no customer change.
   */
  baseFieldsOnly?: boolean;
}

export function fieldChanges(before: Fields, after: Fields, subject: string, options: FieldOptions = {}): Change[] {
  const paths = [...new Set([...Object.keys(before), ...(options.baseFieldsOnly ? [] : Object.keys(after))])].sort();
  const changes: Change[] = [];
  for (const path of paths) {
    if (ignored(path)) continue;
    const a = before[path];
    const b = after[path];
    if (a === b) continue;
    if (a === undefined) changes.push({ change: 'added', subject, path, after: b });
    else if (b === undefined) changes.push({ change: 'removed', subject, path, before: a });
    else changes.push({ change: 'changed', subject, path, before: a, after: b });
  }
  return changes;
}

import { child, type XElement } from '../../core/xml/tree.js';
import { normalizeGuid, GUID_PATTERN } from '../../core/package/reader.js';
import type { Change, Component } from './types.js';
import { fieldChanges, flattenXml, type Fields } from './xml-fields.js';

/**
 * Forms, compared by FormXml structure: tabs, sections, cells and controls are followed by their `id`, so
 * a control the maker dragged to another section is a move, not a removal and an addition. Everything else
 * of an element (attributes, labels, rows, events, a diff's `solutionaction`) is compared as its fields.
 */

const STRUCTURE = new Set(['tab', 'section', 'cell', 'control']);

interface FormNode {
  /** `section {guid}`, `control pcs_products`. */
  key: string;
  /** Key of the nearest structural ancestor (`form` at the top). */
  parent: string;
  fields: Fields;
  /** Keys of the structural descendants whose parent this is, in document order. */
  children: string[];
}

export interface FormValue {
  /** The `<systemform>` without its `<form>`: name, description, form type, default flag. */
  fields: Fields;
  nodes: ReadonlyMap<string, FormNode>;
}

const ROOT = 'form';

/** `control pcs_products`; an element without id or name is numbered inside its parent (`cell #2 in section …`). */
function identity(element: XElement, parent: string, index: number): string {
  const id = element.attrs.id ?? element.attrs.name;
  if (id === undefined) return `${element.name} #${index} in ${parent}`;
  return `${element.name} ${GUID_PATTERN.test(id) ? `{${normalizeGuid(id)}}` : id}`;
}

export function formValue(systemform: XElement): FormValue {
  const nodes = new Map<string, FormNode>();
  const form = child(systemform, 'form');
  const add = (element: XElement, key: string, parent: string): void => {
    const node: FormNode = { key, parent, fields: flattenXml(element, (c) => STRUCTURE.has(c.name)), children: [] };
    nodes.set(key, node);
    const visit = (inner: XElement): void => {
      for (const c of inner.children) {
        if (!STRUCTURE.has(c.name)) {
          visit(c);
          continue;
        }
        const childKey = identity(c, key, node.children.length + 1);
        node.children.push(childKey);
        add(c, childKey, key);
      }
    };
    visit(element);
  };
  if (form) add(form, ROOT, '');
  return { fields: flattenXml(systemform, (c) => c.name === 'form'), nodes };
}

/** `section {guid} ("Partner Center")` when the element has an English label. */
function shown(node: FormNode): string {
  const label = node.fields['labels/label[1033]/@description'];
  return label === undefined ? node.key : `${node.key} ("${label}")`;
}

function orderChanges(a: FormNode, b: FormNode, subject: string): Change[] {
  const common = new Set(a.children.filter((key) => b.children.includes(key)));
  const before = a.children.filter((key) => common.has(key));
  const after = b.children.filter((key) => common.has(key));
  return before.join('|') === after.join('|') ? [] : [{ change: 'moved', subject, path: 'order', before, after }];
}

export function formChanges(before: Component, after: Component): Change[] {
  const a = before.value as FormValue;
  const b = after.value as FormValue;
  const changes = fieldChanges(a.fields, b.fields, 'form properties');
  for (const [key, node] of b.nodes) {
    const old = a.nodes.get(key);
    if (!old) {
      changes.push({ change: 'added', subject: shown(node), note: `in ${node.parent}`, after: node.fields });
      continue;
    }
    const subject = shown(node);
    if (old.parent !== node.parent) changes.push({ change: 'moved', subject, before: old.parent, after: node.parent });
    changes.push(...fieldChanges(old.fields, node.fields, subject), ...orderChanges(old, node, subject));
  }
  for (const [key, node] of a.nodes) {
    if (!b.nodes.has(key)) changes.push({ change: 'removed', subject: shown(node), note: `from ${node.parent}`, before: node.fields });
  }
  return changes;
}

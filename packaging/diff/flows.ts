import type { XElement } from '../../core/xml/tree.js';
import { jsonChanges, sameJson } from './json-diff.js';
import type { Change, Component } from './types.js';
import { fieldChanges, flattenXml, type Fields } from './xml-fields.js';

/**
 * Cloud flows, compared action by action: a flow's JSON (`Workflows/<name>-<GUID>.json`) is a Logic Apps
 * definition whose actions nest in scopes and branches; action names are unique in a definition, so an
 * action is followed by name wherever the maker moved it.
 */

export interface FlowValue {
  /** The `<Workflow>` element of customizations.xml, as fields. */
  fields: Fields;
  /** The parsed definition file, when it is JSON (cloud flows; classic workflows are XAML). */
  json?: unknown;
  /** The definition file's text when it is not JSON, or undefined when the zip lacks it. */
  text?: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const objectAt = (value: unknown, key: string): Json => (isObject(value) && isObject(value[key]) ? value[key] : {});

export function flowValue(workflow: XElement, file: string | undefined): FlowValue {
  const fields = flattenXml(workflow);
  if (file === undefined) return { fields };
  try {
    return { fields, json: JSON.parse(file) as unknown };
  } catch {
    return { fields, text: file };
  }
}

interface FlatAction {
  container: string;
  type: string;
  runAfter: unknown;
  /** The action without its nested actions and runAfter (those are reported on their own). */
  body: Json;
}

/** Every action of a definition by name, with the scope or branch it sits in (`If_won (no)`). */
export function flattenActions(actions: Json, container = ''): Map<string, FlatAction> {
  const flat = new Map<string, FlatAction>();
  for (const [name, raw] of Object.entries(actions)) {
    if (!isObject(raw)) continue;
    const type = typeof raw.type === 'string' ? raw.type : '?';
    const { runAfter, actions: nested, ...body } = raw;
    const branches: Array<[string, unknown]> = [[type === 'If' ? `${name} (yes)` : name, nested]];
    for (const branch of ['else', 'default'] as const) {
      if (!isObject(body[branch])) continue;
      const { actions: branchActions, ...rest } = body[branch];
      branches.push([type === 'If' && branch === 'else' ? `${name} (no)` : `${name} (${branch})`, branchActions]);
      body[branch] = rest;
    }
    if (isObject(body.cases)) {
      const cases: Json = {};
      for (const [caseName, value] of Object.entries(body.cases)) {
        const { actions: caseActions, ...rest } = isObject(value) ? value : {};
        branches.push([`${name} (case ${caseName})`, caseActions]);
        cases[caseName] = rest;
      }
      body.cases = cases;
    }
    flat.set(name, { container, type, runAfter: runAfter ?? {}, body });
    for (const [label, children] of branches) if (isObject(children)) for (const [k, v] of flattenActions(children, label)) flat.set(k, v);
  }
  return flat;
}

const where = (container: string): string => (container === '' ? 'the flow' : container);

/** `after A [Succeeded], B [Failed]`, or `first` when the action waits for nothing. */
export function runAfterText(runAfter: unknown): string {
  const entries = Object.entries(isObject(runAfter) ? runAfter : {});
  if (entries.length === 0) return 'first';
  return `after ${entries.map(([name, statuses]) => `${name} [${Array.isArray(statuses) ? statuses.join(', ') : String(statuses)}]`).join(', ')}`;
}

function actionChanges(before: Map<string, FlatAction>, after: Map<string, FlatAction>): Change[] {
  const changes: Change[] = [];
  for (const [name, action] of after) {
    const old = before.get(name);
    const subject = `action ${name}`;
    if (!old) {
      const note = `${action.type} in ${where(action.container)}, ${runAfterText(action.runAfter)}`;
      changes.push({ change: 'added', subject, note, after: { ...action.body, runAfter: action.runAfter } });
      continue;
    }
    if (old.container !== action.container) {
      changes.push({ change: 'moved', subject, before: where(old.container), after: where(action.container) });
    }
    if (!sameJson(old.runAfter, action.runAfter)) {
      changes.push({
        change: 'changed',
        subject,
        path: '/runAfter',
        before: runAfterText(old.runAfter),
        after: runAfterText(action.runAfter),
      });
    }
    changes.push(...jsonChanges(old.body, action.body, subject));
  }
  for (const [name, action] of before) {
    if (!after.has(name))
      changes.push({
        change: 'removed',
        subject: `action ${name}`,
        note: `${action.type} in ${where(action.container)}`,
        before: action.body,
      });
  }
  return changes;
}

function triggerChanges(before: Json, after: Json): Change[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.flatMap((name): Change[] => {
    const subject = `trigger ${name}`;
    if (!(name in before)) return [{ change: 'added', subject, after: after[name] }];
    if (!(name in after)) return [{ change: 'removed', subject, before: before[name] }];
    return jsonChanges(before[name], after[name], subject);
  });
}

/** Triggers, actions, then the rest of the definition (parameters) and of the file (connection references). */
function definitionChanges(before: unknown, after: unknown): Change[] {
  const split = (file: unknown) => {
    const { definition, ...properties } = objectAt(file, 'properties');
    const { actions, triggers, ...rest } = isObject(definition) ? definition : {};
    const outside = Object.fromEntries(Object.entries(isObject(file) ? file : {}).filter(([key]) => key !== 'properties'));
    return { actions: isObject(actions) ? actions : {}, triggers: isObject(triggers) ? triggers : {}, rest, properties, outside };
  };
  const a = split(before);
  const b = split(after);
  return [
    ...triggerChanges(a.triggers, b.triggers),
    ...actionChanges(flattenActions(a.actions), flattenActions(b.actions)),
    ...jsonChanges(a.rest, b.rest, 'definition'),
    ...jsonChanges(a.properties, b.properties, 'flow properties'),
    ...jsonChanges(a.outside, b.outside, 'flow file'),
  ];
}

export function flowChanges(before: Component, after: Component): Change[] {
  const a = before.value as FlowValue;
  const b = after.value as FlowValue;
  const changes = fieldChanges(a.fields, b.fields, 'workflow', { baseFieldsOnly: true });
  if (a.json !== undefined && b.json !== undefined) return [...changes, ...definitionChanges(a.json, b.json)];
  const textOf = (value: FlowValue): string | undefined =>
    value.text ?? (value.json === undefined ? undefined : JSON.stringify(value.json));
  if (textOf(a) !== textOf(b))
    changes.push({ change: 'changed', subject: 'definition file', note: 'not JSON on one side: compared as text' });
  return changes;
}

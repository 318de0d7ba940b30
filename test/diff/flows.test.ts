import { flowChanges, flattenActions } from '../../packaging/diff/flows.js';
import type { Component } from '../../packaging/diff/types.js';

/**
 * Flow changes as a maker makes them in the designer, on a Logic Apps definition (actions nested in If
 * branches, Switch cases and scopes; runAfter naming siblings): each is reported on the action, by name,
 * wherever it sits.
 */

const definition = (actions: object, triggers: object = { manual: { type: 'Request', kind: 'Button', inputs: { schema: {} } } }) => ({
  properties: { connectionReferences: {}, definition: { triggers, actions, parameters: {} } },
  schemaVersion: '1.0.0.0',
});

const flow = (json: unknown): Component => ({ kind: 'flow', key: 'flow {x}', name: 'x', value: { fields: { '@Name': 'x' }, json } });

const BASE = {
  Get_items: { type: 'OpenApiConnection', runAfter: {}, inputs: { parameters: { $top: 10 } } },
  Check: {
    type: 'If',
    runAfter: { Get_items: ['Succeeded'] },
    expression: { equals: [1, 1] },
    actions: { Send: { type: 'Http', runAfter: {}, inputs: { method: 'POST', uri: 'https://example.org/a' } } },
    else: { actions: { Log: { type: 'Compose', runAfter: {}, inputs: 'no' } } },
  },
  Route: {
    type: 'Switch',
    runAfter: { Check: ['Succeeded'] },
    expression: '@body()',
    cases: { One: { case: 1, actions: { Do_one: { type: 'Compose', runAfter: {}, inputs: 1 } } } },
    default: { actions: {} },
  },
};

test('every action is found by name with the branch it sits in', () => {
  const flat = flattenActions(BASE);
  expect([...flat].map(([name, action]) => `${name} @ ${action.container}`)).toEqual([
    'Get_items @ ',
    'Check @ ',
    'Send @ Check (yes)',
    'Log @ Check (no)',
    'Route @ ',
    'Do_one @ Route (case One)',
  ]);
  expect(flat.get('Route')!.body).toEqual({ type: 'Switch', expression: '@body()', cases: { One: { case: 1 } }, default: {} });
});

test('an action moved to another branch, a changed run-after, a removed action, a trigger input and a parameter', () => {
  const edited = structuredClone(BASE) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  edited.Check.else.actions.Send = { ...edited.Check.actions.Send, inputs: { method: 'POST', uri: 'https://example.org/b' } };
  delete edited.Check.actions.Send;
  edited.Route.runAfter = { Check: ['Succeeded', 'Failed'] };
  delete edited.Route.cases.One.actions.Do_one;
  const after = definition(edited, { manual: { type: 'Request', kind: 'Button', inputs: { schema: { required: ['text'] } } } });
  (after.properties.definition.parameters as Record<string, unknown>).Region = { type: 'String', defaultValue: 'EU' };
  expect(flowChanges(flow(definition(BASE)), flow(after))).toEqual([
    { change: 'added', subject: 'trigger manual', path: '/inputs/schema/required', after: ['text'] },
    { change: 'moved', subject: 'action Send', before: 'Check (yes)', after: 'Check (no)' },
    { change: 'changed', subject: 'action Send', path: '/inputs/uri', before: 'https://example.org/a', after: 'https://example.org/b' },
    {
      change: 'changed',
      subject: 'action Route',
      path: '/runAfter',
      before: 'after Check [Succeeded]',
      after: 'after Check [Succeeded, Failed]',
    },
    { change: 'removed', subject: 'action Do_one', note: 'Compose in Route (case One)', before: { type: 'Compose', inputs: 1 } },
    { change: 'added', subject: 'definition', path: '/parameters/Region', after: { type: 'String', defaultValue: 'EU' } },
  ]);
});

test('key order is no change (the designer rewrites it); a renamed flow is a workflow field change', () => {
  const reordered = JSON.parse(
    JSON.stringify(definition(BASE), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ),
  ) as unknown;
  expect(flowChanges(flow(definition(BASE)), flow(reordered))).toEqual([]);
  const renamed: Component = { ...flow(definition(BASE)), value: { fields: { '@Name': 'y' }, json: definition(BASE) } };
  expect(flowChanges(flow(definition(BASE)), renamed)).toEqual([
    { change: 'changed', subject: 'workflow', path: '@Name', before: 'x', after: 'y' },
  ]);
});

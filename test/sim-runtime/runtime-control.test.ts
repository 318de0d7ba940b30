/** Variables, conditions, Switch, loops, data operations, Wait and parameters. */
import { action, runtimeWith, statuses, type Json } from './support.js';

const init = (name: string, type: string, value?: unknown, runAfter: Json = {}): Json => ({
  type: 'InitializeVariable',
  runAfter,
  inputs: { variables: [value === undefined ? { name, type } : { name, type, value }] },
});

describe('variables', () => {
  test('initialize, set, increment, decrement, append to array and string', async () => {
    const { runtime } = runtimeWith({
      Init_count: init('Count', 'integer', 1),
      Init_list: init('List', 'array', [], { Init_count: ['Succeeded'] }),
      Init_text: init('Text', 'string', 'a', { Init_list: ['Succeeded'] }),
      Init_flag: init('Flag', 'boolean', undefined, { Init_text: ['Succeeded'] }),
      Increment: { type: 'IncrementVariable', runAfter: { Init_flag: ['Succeeded'] }, inputs: { name: 'Count', value: 5 } },
      Increment_by_default: { type: 'IncrementVariable', runAfter: { Increment: ['Succeeded'] }, inputs: { name: 'Count' } },
      Decrement: { type: 'DecrementVariable', runAfter: { Increment_by_default: ['Succeeded'] }, inputs: { name: 'Count', value: 2 } },
      Append: {
        type: 'AppendToArrayVariable',
        runAfter: { Decrement: ['Succeeded'] },
        inputs: { name: 'List', value: "@variables('Count')" },
      },
      Append_text: {
        type: 'AppendToStringVariable',
        runAfter: { Append: ['Succeeded'] },
        inputs: { name: 'Text', value: "-@{variables('Count')}" },
      },
      Set_flag: {
        type: 'SetVariable',
        runAfter: { Append_text: ['Succeeded'] },
        inputs: { name: 'Flag', value: "@not(variables('Flag'))" },
      },
      Snapshot: {
        type: 'Compose',
        runAfter: { Set_flag: ['Succeeded'] },
        inputs: { count: "@variables('Count')", list: "@variables('List')", text: "@variables('Text')", flag: "@variables('Flag')" },
      },
    });
    const run = await runtime.runManual('flow', {});
    expect(run.status).toBe('Succeeded');
    expect(action(run, 'Snapshot').outputs).toEqual({ count: 5, list: [5], text: 'a-5', flag: true });
    expect(action(run, 'Init_count').inputs).toEqual({ variables: [{ name: 'Count', type: 'integer', value: 1 }] });
  });

  test('a value of the wrong type fails the action with the Logic Apps message (null into a string too)', async () => {
    const { runtime } = runtimeWith({
      Init: init('Id', 'string', ''),
      Set_null: { type: 'SetVariable', runAfter: { Init: ['Succeeded'] }, inputs: { name: 'Id', value: "@triggerBody()?['missing']" } },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Set_null').error?.message).toBe(
      "The variable 'Id' of type 'String' cannot be initialized or updated with value of type 'Null'. The variable 'Id' only supports values of types 'String'.",
    );
    expect(run.status).toBe('Failed');
  });

  test('a compose that read a variable keeps the value it read', async () => {
    const { runtime } = runtimeWith({
      Init: init('List', 'array', [1]),
      Before: { type: 'Compose', runAfter: { Init: ['Succeeded'] }, inputs: "@variables('List')" },
      Append: { type: 'AppendToArrayVariable', runAfter: { Before: ['Succeeded'] }, inputs: { name: 'List', value: 2 } },
      After: { type: 'Compose', runAfter: { Append: ['Succeeded'] }, inputs: "@outputs('Before')" },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'After').outputs).toEqual([1]);
  });

  test('using a variable that was never initialized fails', async () => {
    const { runtime } = runtimeWith({ Set: { type: 'SetVariable', inputs: { name: 'Nope', value: 1 } } });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Set').error?.message).toMatch(/variable 'Nope' is not initialized/);
  });
});

describe('If and Switch', () => {
  test('the taken branch runs; the other branch is recorded Skipped', async () => {
    const { runtime } = runtimeWith({
      Check: {
        type: 'If',
        expression: "@equals(triggerBody()?['kind'], 'lead')",
        actions: { Lead: { type: 'Compose', inputs: 'lead' } },
        else: {
          actions: {
            Other: { type: 'Compose', inputs: 'other' },
            Other_next: { type: 'Compose', inputs: 'x', runAfter: { Other: ['Succeeded'] } },
          },
        },
      },
    });
    const lead = await runtime.runManual('flow', { kind: 'lead' });
    expect(statuses(lead)).toEqual({
      Check: 'Succeeded',
      'Check/Lead': 'Succeeded',
      'Check/Other': 'Skipped',
      'Check/Other_next': 'Skipped',
    });
    expect(action(lead, 'Check').inputs).toEqual({ expressionResult: true });
    const other = await runtime.runManual('flow', { kind: 'opportunity' });
    expect(statuses(other)).toEqual({
      Check: 'Succeeded',
      'Check/Other': 'Succeeded',
      'Check/Other_next': 'Succeeded',
      'Check/Lead': 'Skipped',
    });
  });

  test("the designer's object form of a condition", async () => {
    const { runtime } = runtimeWith({
      Check: {
        type: 'If',
        expression: {
          and: [
            { equals: ["@triggerBody()?['a']", 1] },
            { not: { equals: ["@triggerBody()?['b']", 'x'] } },
            { or: [{ greater: ["@triggerBody()?['c']", 5] }, { contains: ['abc', 'b'] }] },
          ],
        },
        actions: { Yes: { type: 'Compose', inputs: 'yes' } },
      },
    });
    expect(statuses(await runtime.runManual('flow', { a: 1, b: 'y', c: 1 }))).toMatchObject({ 'Check/Yes': 'Succeeded' });
    expect(statuses(await runtime.runManual('flow', { a: 1, b: 'x', c: 9 }))).toMatchObject({ 'Check/Yes': 'Skipped' });
  });

  test('a non-Boolean condition fails the If with InvalidTemplate', async () => {
    const { runtime } = runtimeWith({ Check: { type: 'If', expression: "@triggerBody()?['flag']", actions: {} } });
    const run = await runtime.runManual('flow', { flag: 'true' });
    expect(action(run, 'Check').error).toEqual({
      code: 'InvalidTemplate',
      message: "The 'expression' of an If action must evaluate to a Boolean; it evaluated to a value of type 'String' at Check",
    });
  });

  test('Switch runs the matching case or the default', async () => {
    const { runtime } = runtimeWith({
      Route: {
        type: 'Switch',
        expression: "@triggerBody()?['status']",
        cases: {
          New: { case: 'New', actions: { Is_new: { type: 'Compose', inputs: 1 } } },
          Number: { case: 3, actions: { Is_three: { type: 'Compose', inputs: 3 } } },
        },
        default: { actions: { Unknown: { type: 'Compose', inputs: 0 } } },
      },
    });
    expect(statuses(await runtime.runManual('flow', { status: 'New' }))).toEqual({
      Route: 'Succeeded',
      'Route/Is_new': 'Succeeded',
      'Route/Is_three': 'Skipped',
      'Route/Unknown': 'Skipped',
    });
    expect(statuses(await runtime.runManual('flow', { status: 3 }))).toMatchObject({
      'Route/Is_three': 'Succeeded',
      'Route/Unknown': 'Skipped',
    });
    expect(statuses(await runtime.runManual('flow', { status: 'new' }))).toMatchObject({
      'Route/Is_new': 'Skipped',
      'Route/Unknown': 'Succeeded',
    });
  });
});

describe('Foreach', () => {
  test('iterates in order with items() and item(); outputs() after the loop is the last iteration', async () => {
    const { runtime } = runtimeWith({
      Init: init('Seen', 'array', []),
      Each: {
        type: 'Foreach',
        runAfter: { Init: ['Succeeded'] },
        foreach: "@triggerBody()?['rows']",
        runtimeConfiguration: { concurrency: { repetitions: 1 } },
        actions: {
          Name: { type: 'Compose', inputs: "@concat(items('Each')?['name'], '#', item()?['n'])" },
          Keep: { type: 'AppendToArrayVariable', runAfter: { Name: ['Succeeded'] }, inputs: { name: 'Seen', value: "@outputs('Name')" } },
        },
      },
      Last: {
        type: 'Compose',
        runAfter: { Each: ['Succeeded'] },
        inputs: { last: "@outputs('Name')", seen: "@variables('Seen')", results: "@length(result('Each'))" },
      },
    });
    const run = await runtime.runManual('flow', {
      rows: [
        { name: 'a', n: 1 },
        { name: 'b', n: 2 },
      ],
    });
    expect(action(run, 'Last').outputs).toEqual({ last: 'b#2', seen: ['a#1', 'b#2'], results: 2 });
    expect(run.actions.filter((entry) => entry.name === 'Name').map((entry) => [entry.iteration, entry.outputs])).toEqual([
      [0, 'a#1'],
      [1, 'b#2'],
    ]);
    expect(action(run, 'Each').inputs).toEqual([
      { name: 'a', n: 1 },
      { name: 'b', n: 2 },
    ]);
  });

  test('a failing iteration fails the Foreach; the other iterations still run', async () => {
    const { runtime } = runtimeWith({
      Each: { type: 'Foreach', foreach: '@createArray(1, 0, 2)', actions: { Divide: { type: 'Compose', inputs: '@div(10, item())' } } },
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toEqual({
      Each: 'Failed',
      'Each/Divide#0': 'Succeeded',
      'Each/Divide#1': 'Failed',
      'Each/Divide#2': 'Succeeded',
    });
    expect(run.error?.message).toMatch(/divide by zero.* at Each\/Divide$/);
  });

  test('a foreach over null fails with InvalidTemplate', async () => {
    const { runtime } = runtimeWith({ Each: { type: 'Foreach', foreach: "@triggerBody()?['rows']", actions: {} } });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Each').error?.message).toMatch(/'foreach' expression .* is of type 'Null'. The result must be a valid array/);
  });

  test('nested loops: items() reaches the outer loop, item() the inner one', async () => {
    const { runtime } = runtimeWith({
      Outer: {
        type: 'Foreach',
        foreach: "@createArray('x', 'y')",
        actions: {
          Inner: {
            type: 'Foreach',
            foreach: '@createArray(1, 2)',
            actions: { Pair: { type: 'Compose', inputs: "@concat(items('Outer'), item())" } },
          },
        },
      },
    });
    const run = await runtime.runManual('flow', {});
    expect(run.actions.filter((entry) => entry.name === 'Pair').map((entry) => entry.outputs)).toEqual(['x1', 'x2', 'y1', 'y2']);
  });
});

describe('Until', () => {
  test('runs until its expression (which reads actions inside it) is true; iterationIndexes counts from 0', async () => {
    const { runtime } = runtimeWith({
      Init: init('N', 'integer', 0),
      Loop: {
        type: 'Until',
        runAfter: { Init: ['Succeeded'] },
        expression: "@greaterOrEquals(outputs('Index'), 2)",
        limit: { count: 10, timeout: 'PT1H' },
        actions: {
          Index: { type: 'Compose', inputs: "@iterationIndexes('Loop')" },
          Count: { type: 'IncrementVariable', runAfter: { Index: ['Succeeded'] }, inputs: { name: 'N', value: 1 } },
        },
      },
      Done: { type: 'Compose', runAfter: { Loop: ['Succeeded'] }, inputs: "@variables('N')" },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Done').outputs).toBe(3);
    expect(action(run, 'Loop').inputs).toEqual({ iterations: 3, limit: { count: 10, timeout: 'PT1H' } });
  });

  test('stops at limit.count when the expression stays false', async () => {
    const { runtime } = runtimeWith({
      Loop: { type: 'Until', expression: '@false', limit: { count: 4 }, actions: { Tick: { type: 'Compose', inputs: 1 } } },
    });
    const run = await runtime.runManual('flow', {});
    expect(run.actions.filter((entry) => entry.name === 'Tick')).toHaveLength(4);
    expect(action(run, 'Loop').status).toBe('Succeeded');
  });

  test('a failed iteration fails the loop and ends it', async () => {
    const { runtime } = runtimeWith({
      Loop: { type: 'Until', expression: '@false', limit: { count: 4 }, actions: { Bad: { type: 'Compose', inputs: "@int('x')" } } },
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toEqual({ Loop: 'Failed', 'Loop/Bad#0': 'Failed' });
  });
});

describe('data operations', () => {
  test('Query (Filter array), Select (object and value forms), Join', async () => {
    const { runtime } = runtimeWith({
      Filter: { type: 'Query', inputs: { from: "@triggerBody()?['rows']", where: "@greater(item()?['n'], 1)" } },
      Shape: {
        type: 'Select',
        runAfter: { Filter: ['Succeeded'] },
        inputs: { from: "@body('Filter')", select: { id: "@item()?['n']", label: "@{item()?['name']}!", kind: 'Name' } },
      },
      Names: { type: 'Select', runAfter: { Shape: ['Succeeded'] }, inputs: { from: "@body('Filter')", select: "@item()?['name']" } },
      Joined: { type: 'Join', runAfter: { Names: ['Succeeded'] }, inputs: { from: "@body('Names')", joinWith: ', ' } },
    });
    const run = await runtime.runManual('flow', {
      rows: [
        { n: 1, name: 'a' },
        { n: 2, name: 'b' },
        { n: 3, name: 'c' },
      ],
    });
    expect((action(run, 'Filter').outputs as Json).body).toEqual([
      { n: 2, name: 'b' },
      { n: 3, name: 'c' },
    ]);
    expect((action(run, 'Shape').outputs as Json).body).toEqual([
      { id: 2, label: 'b!', kind: 'Name' },
      { id: 3, label: 'c!', kind: 'Name' },
    ]);
    expect((action(run, 'Joined').outputs as Json).body).toBe('b, c');
  });

  test('Query on a non-array and a non-Boolean where fail', async () => {
    const { runtime } = runtimeWith({
      Bad_from: { type: 'Query', inputs: { from: "@triggerBody()?['none']", where: '@true' } },
      Bad_where: { type: 'Query', inputs: { from: '@createArray(1)', where: '@item()' } },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Bad_from').error?.message).toMatch(
      /'from' property of a Query action must evaluate to an array; the provided value is of type 'Null'/,
    );
    expect(action(run, 'Bad_where').error?.message).toMatch(/'where' expression of a Query action must evaluate to a Boolean/);
  });

  test('ParseJson parses a string and validates type, required and nested properties', async () => {
    const schema = {
      type: 'object',
      properties: { id: { type: 'string' }, count: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
      required: ['id'],
    };
    const { runtime } = runtimeWith({
      Parse: { type: 'ParseJson', inputs: { content: "@triggerBody()?['json']", schema } },
      Use: { type: 'Compose', runAfter: { Parse: ['Succeeded'] }, inputs: "@body('Parse')?['tags']" },
    });
    const good = await runtime.runManual('flow', { json: '{"id":"a","count":2,"tags":["x"]}' });
    expect(action(good, 'Use').outputs).toEqual(['x']);
    const bad = await runtime.runManual('flow', { json: '{"count":"2","tags":[1]}' });
    expect(action(bad, 'Parse').error?.code).toBe('ValidationFailed');
    expect(action(bad, 'Parse').error?.message).toMatch(
      /Required properties are missing from object: id.*Invalid type. Expected Integer but got String. Path '\$.count'.*Path '\$.tags\[0\]'/,
    );
    const broken = await runtime.runManual('flow', { json: '{oops' });
    expect(action(broken, 'Parse').error?.code).toBe('InvalidJSON');
  });
});

describe('Wait, parameters and the clock', () => {
  test('Wait advances the virtual clock; action times come from it', async () => {
    const { runtime } = runtimeWith({
      Before: { type: 'Compose', inputs: '@utcNow()' },
      Pause: { type: 'Wait', runAfter: { Before: ['Succeeded'] }, inputs: { interval: { count: 2, unit: 'Hour' } } },
      After: { type: 'Compose', runAfter: { Pause: ['Succeeded'] }, inputs: '@utcNow()' },
      Until_time: { type: 'Wait', runAfter: { After: ['Succeeded'] }, inputs: { until: { timestamp: '2018-04-16T00:00:00Z' } } },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Before').outputs).toBe('2018-04-15T13:00:00.0000000Z');
    expect(action(run, 'After').outputs).toBe('2018-04-15T15:00:00.0000000Z');
    expect(action(run, 'Pause')).toMatchObject({ startTime: '2018-04-15T13:00:00.000Z', endTime: '2018-04-15T15:00:00.000Z' });
    expect(run.endTime).toBe('2018-04-16T00:00:00.000Z');
  });

  test('a parameter with metadata.schemaName takes the environment variable value, others their default', async () => {
    const parameters = {
      'Deal value field (pcs_DealValueField)': {
        type: 'String',
        defaultValue: 'estimatedvalue',
        metadata: { schemaName: 'pcs_DealValueField' },
      },
      'Checkmark (pcs_Checkmark)': { type: 'Bool', defaultValue: true, metadata: { schemaName: 'pcs_Checkmark' } },
    };
    const actions = {
      Read: {
        type: 'Compose',
        inputs: {
          field: "@parameters('Deal value field (pcs_DealValueField)')",
          mark: "@parameters('Checkmark (pcs_Checkmark)')",
          connections: "@parameters('$connections')",
        },
      },
    };
    const defaults = await runtimeWith(actions, { parameters }).runtime.runManual('flow', {});
    expect(action(defaults, 'Read').outputs).toEqual({ field: 'estimatedvalue', mark: true, connections: {} });
    const configured = await runtimeWith(actions, {
      parameters,
      environmentVariables: { pcs_DealValueField: 'new_amount' },
    }).runtime.runManual('flow', {});
    expect(action(configured, 'Read').outputs).toEqual({ field: 'new_amount', mark: true, connections: {} });
  });

  test('workflow() describes the flow and the run', async () => {
    const { runtime } = runtimeWith({
      Who: { type: 'Compose', inputs: { name: "@workflow()?['tags']?['flowDisplayName']", run: '@workflow().run.name' } },
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Who').outputs).toEqual({ name: 'Test flow', run: run.runId });
  });
});

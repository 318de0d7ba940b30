/** runAfter, skipping, scope status, try/catch with result(), Terminate and run status. */
import { DefinitionError } from '../../sim/runtime/errors.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import { VirtualClock } from '../../sim/runtime/clock.js';
import { action, dataverse, FakeConnectors, flowDocument, ok, runtimeWith, statuses, type Json } from './support.js';

const compose = (inputs: unknown, runAfter: Json = {}): Json => ({ type: 'Compose', inputs, runAfter });
const failing = (runAfter: Json = {}): Json => ({ type: 'Compose', inputs: "@int('not a number')", runAfter });

describe('runAfter', () => {
  test('roots run first, then successors; parallel branches run in definition order', async () => {
    const { runtime } = runtimeWith({
      Last: compose('last', { Left: ['Succeeded'], Right: ['Succeeded'] }),
      Right: compose('right', { Root: ['Succeeded'] }),
      Left: compose('left', { Root: ['Succeeded'] }),
      Root: compose('root'),
    });
    const run = await runtime.runManual('flow', {});
    expect(run.actions.map((entry) => entry.name)).toEqual(['Root', 'Right', 'Left', 'Last']);
    expect(run.status).toBe('Succeeded');
  });

  test('an action whose predecessor ended in an unlisted status is Skipped, and skipping propagates', async () => {
    const { runtime } = runtimeWith({
      Fails: failing(),
      Next: compose('next', { Fails: ['Succeeded'] }),
      After_next: compose('after', { Next: ['Succeeded'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toEqual({ Fails: 'Failed', Next: 'Skipped', After_next: 'Skipped' });
    expect(run.status).toBe('Failed');
    expect(run.error?.code).toBe('InvalidTemplate');
    expect(run.error?.message).toMatch(/'int' was invoked with a parameter that is not valid.* at Fails$/);
  });

  test('Failed and Skipped branches run when listed; a handled failure leaves the run Succeeded', async () => {
    const { runtime } = runtimeWith({
      Fails: failing(),
      On_failure: compose("@concat('handled: ', actions('Fails')?['status'])", { Fails: ['Failed'] }),
      On_success: compose('ok', { Fails: ['Succeeded'] }),
      On_skip: compose('after a skip', { On_success: ['Skipped'] }),
      Always: compose('always', { Fails: ['Succeeded', 'Failed', 'Skipped', 'TimedOut'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toEqual({
      Fails: 'Failed',
      On_failure: 'Succeeded',
      On_success: 'Skipped',
      On_skip: 'Succeeded',
      Always: 'Succeeded',
    });
    expect(action(run, 'On_failure').outputs).toBe('handled: Failed');
    expect(run.status).toBe('Succeeded');
  });

  test('several predecessors must all finish in a listed status', async () => {
    const { runtime } = runtimeWith({
      A: compose('a'),
      B: failing(),
      Both_ok: compose('x', { A: ['Succeeded'], B: ['Succeeded'] }),
      A_ok_B_failed: compose('y', { A: ['Succeeded'], B: ['Failed'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toMatchObject({ Both_ok: 'Skipped', A_ok_B_failed: 'Succeeded' });
    expect(run.status).toBe('Succeeded');
  });

  test('TimedOut: an Until with FailWhenLimitsReached that hits its timeout ends TimedOut and a TimedOut branch runs', async () => {
    const { runtime, clock } = runtimeWith({
      Poll: {
        type: 'Until',
        operationOptions: 'FailWhenLimitsReached',
        expression: '@equals(1, 2)',
        limit: { count: 1000, timeout: 'PT1M' },
        actions: { Wait_a_bit: { type: 'Wait', inputs: { interval: { count: 25, unit: 'Second' } } } },
      },
      On_timeout: compose('timed out', { Poll: ['TimedOut'] }),
      On_success: compose('done', { Poll: ['Succeeded'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(action(run, 'Poll').status).toBe('TimedOut');
    expect(action(run, 'Poll').error?.code).toBe('ActionTimedOut');
    expect(run.actions.filter((entry) => entry.name === 'Wait_a_bit')).toHaveLength(3);
    expect(statuses(run)).toMatchObject({ On_timeout: 'Succeeded', On_success: 'Skipped' });
    expect(run.status).toBe('Succeeded');
    expect(clock.now().toISOString()).toBe('2018-04-15T13:01:15.000Z');
  });

  test('the status names in runAfter are case-insensitive', async () => {
    const { runtime } = runtimeWith({ Fails: failing(), Catch: compose('c', { Fails: ['FAILED'] }) });
    expect(statuses(await runtime.runManual('flow', {}))).toMatchObject({ Catch: 'Succeeded' });
  });
});

describe('scopes and try/catch', () => {
  const tryCatch = (tryActions: Json): Json => ({
    Try: { type: 'Scope', actions: tryActions },
    Catch: {
      type: 'Scope',
      runAfter: { Try: ['Failed', 'TimedOut'] },
      actions: {
        Failed_actions: { type: 'Query', inputs: { from: "@result('Try')", where: "@equals(item()?['status'], 'Failed')" } },
        Report: {
          type: 'Compose',
          runAfter: { Failed_actions: ['Succeeded'] },
          inputs: "@first(body('Failed_actions'))?['error']?['message']",
        },
        Stop: {
          type: 'Terminate',
          runAfter: { Report: ['Succeeded'] },
          inputs: { runStatus: 'Failed', runError: { code: 'SyncFailed', message: "@outputs('Report')" } },
        },
      },
    },
    Finally: compose('finally', { Try: ['Succeeded'] }),
  });

  test('a failure inside Try fails the scope; Catch reads result() and Terminate fails the run with its error', async () => {
    const connectors = new FakeConnectors(() => ({
      statusCode: 404,
      headers: {},
      body: { error: { code: '0x80040217', message: 'opportunity With Id = 42 Does Not Exist' } },
    }));
    const { runtime } = runtimeWith(
      tryCatch({
        Get_row: dataverse('GetItem', { entityName: 'opportunities', recordId: '42' }),
        Use_row: compose("@body('Get_row')?['name']", { Get_row: ['Succeeded'] }),
      }),
      { connectors },
    );
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toEqual({
      Try: 'Failed',
      'Try/Get_row': 'Failed',
      'Try/Use_row': 'Skipped',
      Catch: 'Succeeded',
      'Catch/Failed_actions': 'Succeeded',
      'Catch/Report': 'Succeeded',
      'Catch/Stop': 'Succeeded',
    });
    // Terminate ended the run before Finally (next in definition order) was considered.
    const failed = action(run, 'Catch/Failed_actions').outputs as Json;
    expect(failed.body).toHaveLength(1);
    expect(failed.body[0]).toMatchObject({
      name: 'Get_row',
      status: 'Failed',
      code: 'NotFound',
      error: { code: 'NotFound', message: 'opportunity With Id = 42 Does Not Exist' },
    });
    expect(failed.body[0].outputs).toMatchObject({ statusCode: 404 });
    expect(run.status).toBe('Failed');
    expect(run.error).toEqual({ code: 'SyncFailed', message: 'opportunity With Id = 42 Does Not Exist' });
    expect(action(run, 'Try').error).toEqual({ code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' });
  });

  test('a Try that succeeds skips Catch, and the run succeeds', async () => {
    const { runtime } = runtimeWith(tryCatch({ Fine: compose('fine') }));
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toMatchObject({ Try: 'Succeeded', Catch: 'Skipped', 'Catch/Failed_actions': 'Skipped', Finally: 'Succeeded' });
    expect(run.status).toBe('Succeeded');
  });

  test('result() lists first-level actions only: a nested failure shows as its container failing', async () => {
    const { runtime } = runtimeWith(
      tryCatch({
        Check: { type: 'If', expression: '@true', actions: { Deep: failing() }, else: { actions: {} } },
      }),
    );
    const run = await runtime.runManual('flow', {});
    const failed = (action(run, 'Catch/Failed_actions').outputs as Json).body;
    expect(failed.map((entry: Json) => entry.name)).toEqual(['Check']);
    expect(action(run, 'Catch/Report').outputs).toBe('An action failed. No dependent actions succeeded.');
  });

  test('a failure handled inside the scope leaves the scope Succeeded', async () => {
    const { runtime } = runtimeWith({
      Scope: { type: 'Scope', actions: { Fails: failing(), Handle: compose('h', { Fails: ['Failed'] }) } },
      After: compose('after', { Scope: ['Succeeded'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toMatchObject({ Scope: 'Succeeded', After: 'Succeeded' });
  });

  test('a failure not consumed by any runAfter fails the scope even when other branches succeed', async () => {
    const { runtime } = runtimeWith({
      Scope: { type: 'Scope', actions: { Fails: failing(), Parallel: compose('p') } },
    });
    const run = await runtime.runManual('flow', {});
    expect(statuses(run)).toMatchObject({ Scope: 'Failed', 'Scope/Fails': 'Failed', 'Scope/Parallel': 'Succeeded' });
    expect(run.status).toBe('Failed');
    expect(run.error?.message).toMatch(/ at Scope\/Fails$/);
  });
});

describe('Terminate and run status', () => {
  test('Terminate Succeeded ends the run at once, even after a failure', async () => {
    const { runtime } = runtimeWith({
      Fails: failing(),
      Stop: { type: 'Terminate', runAfter: { Fails: ['Failed'] }, inputs: { runStatus: 'Succeeded' } },
      Never: compose('never', { Stop: ['Succeeded'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(run.status).toBe('Succeeded');
    expect(run.error).toBeUndefined();
    expect(run.actions.map((entry) => entry.name)).toEqual(['Fails', 'Stop']);
  });

  test('Terminate Cancelled inside a branch cancels the run', async () => {
    const { runtime } = runtimeWith({
      Check: { type: 'If', expression: '@true', actions: { Stop: { type: 'Terminate', inputs: { runStatus: 'Cancelled' } } } },
      After: compose('after', { Check: ['Succeeded'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(run.status).toBe('Cancelled');
    expect(run.actions.map((entry) => entry.name)).toEqual(['Check', 'Stop']);
  });

  test('Terminate Failed without runError uses a generic error', async () => {
    const { runtime } = runtimeWith({ Stop: { type: 'Terminate', inputs: { runStatus: 'Failed' } } });
    const run = await runtime.runManual('flow', {});
    expect(run).toMatchObject({ status: 'Failed', error: { code: 'Terminated' } });
  });
});

describe('simulator gaps stop the run', () => {
  test('an action type the simulator does not know stops the run', async () => {
    const { runtime } = runtimeWith({
      Table: { type: 'Table', inputs: { from: [], format: 'CSV' } },
      Next: compose('x', { Table: ['Failed'] }),
    });
    const run = await runtime.runManual('flow', {});
    expect(run.status).toBe('Failed');
    expect(run.error?.code).toBe('InvalidDefinition');
    expect(run.error?.message).toMatch(/action type 'Table' is not supported.* at Table$/);
    expect(run.actions.map((entry) => entry.name)).toEqual(['Table']);
  });
});

describe('register refuses definitions that cannot run', () => {
  const attempt =
    (actions: Json): (() => void) =>
    () =>
      new FlowRuntime({ clock: new VirtualClock(), connectors: new FakeConnectors(() => ok()) }).register({
        id: 'x',
        name: 'X',
        document: flowDocument(actions),
      });

  test('runAfter naming an action outside the container', () => {
    expect(attempt({ A: compose('a', { Missing: ['Succeeded'] }) })).toThrow(DefinitionError);
    expect(attempt({ S: { type: 'Scope', actions: { Inner: compose('i', { Outer: ['Succeeded'] }) } }, Outer: compose('o') })).toThrow(
      /not an action of the same container/,
    );
  });

  test('cycles, duplicate names, nested InitializeVariable, missing definition', () => {
    expect(attempt({ A: compose('a', { B: ['Succeeded'] }), B: compose('b', { A: ['Succeeded'] }) })).toThrow(/runAfter cycle/);
    expect(attempt({ A: compose('a'), S: { type: 'Scope', actions: { A: compose('again') } } })).toThrow(/used twice/);
    expect(attempt({ S: { type: 'Scope', actions: { Init: { type: 'InitializeVariable', inputs: { variables: [] } } } } })).toThrow(
      /not at the top level/,
    );
    expect(() =>
      new FlowRuntime({ clock: new VirtualClock(), connectors: new FakeConnectors() }).register({ id: 'x', name: 'X', document: {} }),
    ).toThrow(/no properties.definition/);
  });

  test('the run methods check the trigger type', () => {
    const { runtime } = runtimeWith({ A: compose('a') });
    expect(() => runtime.runRecurrence('flow')).toThrow(/has a Request trigger, not recurrence/);
    expect(() => runtime.runManual('nope', {})).toThrow(/no registered flow/);
  });
});

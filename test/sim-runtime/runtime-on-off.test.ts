/**
 * A flow turned off and on (FlowRuntime.turnOff/turnOn), and the failNextRuns fault. The contract points are those of
 * sim/runtime/README.md, "Turned off": no new run while off, runs in progress finish, the HTTP trigger answers
 * 400 WorkflowTriggerIsNotEnabled, a child flow that is off fails its caller's action with that answer.
 */
import { VirtualClock } from '../../sim/runtime/clock.js';
import { FlowOffError } from '../../sim/runtime/errors.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import { action, FakeConnectors, flowDocument, HTTP_TRIGGER, ok, runtimeWith, START, type Json } from './support.js';

const RECURRENCE = { Hourly: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } } };

function offError(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected the call to be refused');
    },
    (error: unknown) => error,
  );
}

describe('a flow turned off', () => {
  test('a trigger call starts no run (FlowOffError, WorkflowTriggerIsNotEnabled); turned on again, the next call runs', async () => {
    const { runtime } = runtimeWith({ Echo: { type: 'Compose', inputs: 'ran' } });
    runtime.turnOff('flow');
    expect(runtime.isOn('flow')).toBe(false);
    const error = await offError(() => runtime.runManual('flow', {}));
    expect(error).toBeInstanceOf(FlowOffError);
    expect(error).toMatchObject({
      code: 'WorkflowTriggerIsNotEnabled',
      message: "Could not execute workflow 'flow' trigger 'manual' with state 'Disabled': trigger is not enabled.",
    });
    expect(runtime.history()).toHaveLength(0);
    runtime.turnOn('flow');
    expect(await runtime.runManual('flow', {})).toMatchObject({ status: 'Succeeded' });
  });

  test('a recurrence does not fire while off', async () => {
    const { runtime } = runtimeWith({ Echo: { type: 'Compose', inputs: 'tick' } }, { triggers: RECURRENCE });
    runtime.turnOff('flow');
    expect(await offError(() => runtime.runRecurrence('flow'))).toBeInstanceOf(FlowOffError);
    runtime.turnOn('flow');
    expect(await runtime.runRecurrence('flow')).toMatchObject({ status: 'Succeeded' });
  });

  test('a run in progress when the flow is turned off goes on to its end', async () => {
    const { runtime } = runtimeWith({
      Wait_a_minute: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Minute' } } },
      After: { type: 'Compose', runAfter: { Wait_a_minute: ['Succeeded'] }, inputs: 'done' },
    });
    const running = runtime.runManual('flow', {});
    await new Promise((resolve) => setImmediate(resolve));
    runtime.turnOff('flow');
    const run = await running;
    expect(run.status).toBe('Succeeded');
    expect(action(run, 'After').outputs).toBe('done');
  });

  test('the HTTP endpoint answers 400 WorkflowTriggerIsNotEnabled and starts no run; on again, it runs', async () => {
    const { runtime } = runtimeWith(
      { Answer: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: { ok: true } } } },
      { triggers: HTTP_TRIGGER },
    );
    const endpoint = await runtime.startHttpEndpoint('flow');
    const post = () => fetch(endpoint.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    try {
      runtime.turnOff('flow');
      const refused = await post();
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        error: {
          code: 'WorkflowTriggerIsNotEnabled',
          message: "Could not execute workflow 'flow' trigger 'manual' with state 'Disabled': trigger is not enabled.",
        },
      });
      await runtime.idle();
      expect(runtime.history()).toHaveLength(0);
      runtime.turnOn('flow');
      expect((await post()).status).toBe(200);
    } finally {
      await endpoint.close();
    }
  });

  test('an unknown flow id is refused by name', () => {
    const { runtime } = runtimeWith({});
    expect(() => runtime.turnOff('nope')).toThrow("turnOff: no registered flow has the id 'nope'");
    expect(() => runtime.failNextRuns('nope', 1)).toThrow("failNextRuns: no registered flow has the id 'nope'");
    expect(() => runtime.failNextRuns('flow', -1)).toThrow('count must be a whole number');
  });
});

describe('child flows off or failing', () => {
  function parentAndChild(): FlowRuntime {
    const runtime = new FlowRuntime({ clock: new VirtualClock(START), connectors: new FakeConnectors(() => ok()) });
    const child: Json = { Respond: { type: 'Response', kind: 'PowerApp', inputs: { statusCode: 200, body: { answer: 'yes' } } } };
    runtime.register({ id: 'child-id', name: 'Child', document: flowDocument(child) });
    runtime.register({
      id: 'parent',
      name: 'Parent',
      document: flowDocument({
        Call_child: { type: 'Workflow', inputs: { host: { workflowReferenceName: 'child-id' }, body: {} } },
        On_failure: { type: 'Compose', runAfter: { Call_child: ['Failed'] }, inputs: "@actions('Call_child')?['error']?['code']" },
      }),
    });
    return runtime;
  }

  test("a child that is off fails the caller's action with its trigger's answer (400 WorkflowTriggerIsNotEnabled); no child run", async () => {
    const runtime = parentAndChild();
    runtime.turnOff('child-id');
    const run = await runtime.runManual('parent', {});
    expect(action(run, 'Call_child')).toMatchObject({
      status: 'Failed',
      error: { code: 'WorkflowTriggerIsNotEnabled' },
      outputs: { statusCode: 400 },
    });
    expect(action(run, 'On_failure').outputs).toBe('WorkflowTriggerIsNotEnabled');
    expect(runtime.history().map((candidate) => candidate.flowName)).toEqual(['Parent']);
  });

  test('failNextRuns: the next N runs of the child fail before any action, their callers see ChildFlowFailed; then it runs again', async () => {
    const runtime = parentAndChild();
    runtime.failNextRuns('child-id', 2, 'a maker broke it');
    const first = await runtime.runManual('parent', {});
    const second = await runtime.runManual('parent', {});
    const third = await runtime.runManual('parent', {});
    for (const failed of [first, second]) {
      expect(action(failed, 'Call_child').error?.code).toBe('ChildFlowFailed');
      expect(action(failed, 'Call_child').error?.message).toMatch(/a maker broke it/);
    }
    expect(action(third, 'Call_child').status).toBe('Succeeded');
    const children = runtime.history().filter((candidate) => candidate.flowName === 'Child');
    expect(children.map((child) => `${child.status} ${child.actions.length}`)).toEqual(['Failed 0', 'Failed 0', 'Succeeded 1']);
    expect(children[0]!.error).toMatchObject({ code: 'ActionFailed' });
  });
});

/** The virtual clock as a scheduler, trigger concurrency control, and retry waits on it. */
import { CLOCK_HOLD_HEADER } from '../../sim/contracts.js';
import { VirtualClock } from '../../sim/runtime/clock.js';
import { TriggerThrottledError } from '../../sim/runtime/errors.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import { FakeConnectors, HTTP_TRIGGER, MANUAL_TRIGGER, START, dataverse, flowDocument, ok, runtimeWith, type Json } from './support.js';

const wait = (count: number, unit = 'Second'): Json => ({ type: 'Wait', inputs: { interval: { count, unit } } });
const elapsed = (clock: VirtualClock): number => clock.now().getTime() - Date.parse(START);

describe('VirtualClock scheduler', () => {
  test('[Clock · concurrent waits] three runs each waiting 60 s at once move the clock 60 s, not 180 s', async () => {
    const { runtime, clock } = runtimeWith({ Pause: wait(60) });
    const runs = await Promise.all([runtime.runManual('flow', {}), runtime.runManual('flow', {}), runtime.runManual('flow', {})]);
    expect(runs.map((run) => run.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(elapsed(clock)).toBe(60_000);
    expect(runs.map((run) => run.endTime)).toEqual(Array(3).fill('2018-04-15T13:01:00.000Z'));
  });

  test('[Clock · earliest first] runs waiting 30 s and 90 s wake in order; the clock jumps to each wake-up', async () => {
    const { runtime, clock } = runtimeWith({ Pause: wait(90) });
    runtime.register({ id: 'short', name: 'Short', document: flowDocument({ Pause: wait(30) }) });
    const [long, short] = await Promise.all([runtime.runManual('flow', {}), runtime.runManual('short', {})]);
    expect([short.endTime, long.endTime]).toEqual(['2018-04-15T13:00:30.000Z', '2018-04-15T13:01:30.000Z']);
    expect(elapsed(clock)).toBe(90_000);
    expect(runtime.history().map((run) => run.flowName)).toEqual(['Short', 'Test flow']);
  });

  test('[Clock · outside a run] a sleep outside any run moves the clock at once and fires what falls due', async () => {
    const clock = new VirtualClock(START);
    const fired: string[] = [];
    clock.schedule(5_000, () => fired.push(clock.now().toISOString()));
    clock.schedule(20_000, () => fired.push('late'));
    await clock.sleep(10_000);
    expect(fired).toEqual(['2018-04-15T13:00:05.000Z']);
    expect(elapsed(clock)).toBe(10_000);
    expect(clock.pending).toBe(1);
  });

  test('[Clock · schedule] a task due now runs without anyone moving the clock; a later one waits for time to pass', async () => {
    const clock = new VirtualClock(START);
    const fired: number[] = [];
    clock.schedule(0, () => fired.push(0));
    clock.schedule(1_000, () => fired.push(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([0]);
    expect(elapsed(clock)).toBe(0);
  });

  test('[Clock · hold] while a hold is out (a webhook on its way), a sleeping run does not move the clock', async () => {
    const { runtime, clock } = runtimeWith({ Pause: wait(60) });
    const hold = clock.hold();
    const run = runtime.runManual('flow', {});
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(elapsed(clock)).toBe(0);
    hold.release();
    await run;
    expect(elapsed(clock)).toBe(60_000);
  });

  test("[Clock · hold header] the HTTP trigger releases the sender's hold once its run has started, and hides the header from the run", async () => {
    const clock = new VirtualClock(START);
    const runtime = new FlowRuntime({ clock, connectors: new FakeConnectors() });
    runtime.register({
      id: 'hook',
      name: 'Hook',
      document: flowDocument({ Pause: wait(10) }, { triggers: HTTP_TRIGGER }),
    });
    const endpoint = await runtime.startHttpEndpoint('hook');
    try {
      const hold = clock.hold();
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [CLOCK_HOLD_HEADER]: hold.id },
        body: '{}',
      });
      expect(response.status).toBe(202);
      await runtime.idle();
      const [run] = runtime.history();
      expect(run!.endTime).toBe('2018-04-15T13:00:10.000Z');
      expect(Object.keys((run!.trigger.outputs as { headers: Record<string, string> }['headers']) ?? {})).not.toContain(CLOCK_HOLD_HEADER);
    } finally {
      await endpoint.close();
    }
  });

  test('[Retry · concurrent] two runs retrying a 429 with Retry-After 30 wait together: the clock moves 30 s', async () => {
    const connectors = new FakeConnectors((_request, attempt) =>
      attempt <= 2 ? { statusCode: 429, headers: { 'Retry-After': '30' }, body: {} } : ok(),
    );
    const { runtime, clock } = runtimeWith({ Get: dataverse('GetItem', { entityName: 'accounts', recordId: '1' }) }, { connectors });
    const runs = await Promise.all([runtime.runManual('flow', {}), runtime.runManual('flow', {})]);
    expect(runs.map((run) => run.status)).toEqual(['Succeeded', 'Succeeded']);
    expect(elapsed(clock)).toBe(30_000);
  });
});

describe('trigger concurrency (runtimeConfiguration.concurrency)', () => {
  const limited = (runs: number, maximumWaitingRuns?: number): Json => ({
    manual: {
      ...(MANUAL_TRIGGER.manual as object),
      runtimeConfiguration: { concurrency: { runs, ...(maximumWaitingRuns === undefined ? {} : { maximumWaitingRuns }) } },
    },
  });

  test('[Trigger concurrency · off] without the setting, runs are not limited: four 60 s runs end together', async () => {
    const { runtime, clock } = runtimeWith({ Pause: wait(60) });
    await Promise.all([1, 2, 3, 4].map(() => runtime.runManual('flow', {})));
    expect(elapsed(clock)).toBe(60_000);
  });

  test('[Trigger concurrency · runs] runs: 2 lets two go at once; the others wait their turn, in order', async () => {
    const { runtime, clock } = runtimeWith({ Pause: wait(60) }, { triggers: limited(2) });
    const starts = [1, 2, 3, 4, 5].map((n) => runtime.runManual('flow', { n }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runtime.triggerLoad('flow')).toEqual({ running: 2, waiting: 3 });
    const runs = await Promise.all(starts);
    expect(runs.map((run) => run.startTime.slice(11, 19))).toEqual(['13:00:00', '13:00:00', '13:01:00', '13:01:00', '13:02:00']);
    expect(elapsed(clock)).toBe(180_000);
    expect(runtime.triggerLoad('flow')).toEqual({ running: 0, waiting: 0 });
  });

  test('[Trigger concurrency · waiting runs] beyond runs + maximumWaitingRuns (at least 10 + runs) a new run is refused', async () => {
    const { runtime } = runtimeWith({ Pause: wait(1) }, { triggers: limited(1, 0) });
    const accepted = Array.from({ length: 12 }, () => runtime.runManual('flow', {}));
    await expect(runtime.runManual('flow', {})).rejects.toBeInstanceOf(TriggerThrottledError);
    expect((await Promise.all(accepted)).every((run) => run.status === 'Succeeded')).toBe(true);
  });

  test('[Trigger concurrency · HTTP] a Request trigger whose queue is full answers 429 and starts no run', async () => {
    const clock = new VirtualClock(START);
    const runtime = new FlowRuntime({ clock, connectors: new FakeConnectors() });
    const trigger = {
      manual: { ...(HTTP_TRIGGER.manual as object), runtimeConfiguration: { concurrency: { runs: 1, maximumWaitingRuns: 0 } } },
    };
    runtime.register({ id: 'hook', name: 'Hook', document: flowDocument({ Pause: wait(1) }, { triggers: trigger }) });
    const endpoint = await runtime.startHttpEndpoint('hook');
    const hold = clock.hold();
    try {
      const post = () => fetch(endpoint.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      const first = Array.from({ length: 12 }, post);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const refused = await post();
      expect(refused.status).toBe(429);
      hold.release();
      expect((await Promise.all(first)).map((response) => response.status)).toEqual(Array(12).fill(202));
      await runtime.idle();
      expect(runtime.history()).toHaveLength(12);
    } finally {
      hold.release();
      await endpoint.close();
    }
  });

  test('[Trigger concurrency · default] concurrency control on without a number lets 25 runs go at once', async () => {
    const triggers = { manual: { ...(MANUAL_TRIGGER.manual as object), runtimeConfiguration: { concurrency: {} } } };
    const { runtime } = runtimeWith({ Pause: wait(60) }, { triggers });
    const starts = Array.from({ length: 30 }, () => runtime.runManual('flow', {}));
    await new Promise((resolve) => setImmediate(resolve));
    expect(runtime.triggerLoad('flow')).toEqual({ running: 25, waiting: 5 });
    await Promise.all(starts);
  });

  test('[Trigger concurrency · range] runs outside 1–100 is a definition error', () => {
    expect(() => runtimeWith({ Pause: wait(1) }, { triggers: limited(0) })).toThrow(/from 1 to 100/);
    expect(() => runtimeWith({ Pause: wait(1) }, { triggers: limited(101) })).toThrow(/from 1 to 100/);
  });
});

describe('retry policies and Until limits, as Logic Apps documents them', () => {
  const failing = () => new FakeConnectors(() => ({ statusCode: 503, headers: {}, body: { error: { message: 'down' } } }));
  const get = (retryPolicy?: Json): Json => ({
    Get: dataverse('GetItem', { entityName: 'accounts', recordId: '1' }, retryPolicy === undefined ? {} : { retryPolicy }),
  });

  test('[Retry · default] no policy: 4 retries after 7.5, 15, 30 and 45 s (exponential, capped at 45 s)', async () => {
    const connectors = failing();
    const { runtime, clock } = runtimeWith(get(), { connectors });
    const run = await runtime.runManual('flow', {});
    expect(connectors.calls).toHaveLength(5);
    expect(elapsed(clock)).toBe(7_500 + 15_000 + 30_000 + 45_000);
    expect(run.status).toBe('Failed');
  });

  test('[Retry · fixed] count and interval are required; an interval outside PT5S–P1D or a count above 90 is refused', async () => {
    for (const policy of [
      { type: 'fixed', count: 2 },
      { type: 'fixed', interval: 'PT10S' },
      { type: 'fixed', count: 2, interval: 'PT1S' },
      { type: 'exponential', count: 91, interval: 'PT10S' },
      { type: 'exponential', count: 2, interval: 'P2D' },
    ]) {
      const connectors = failing();
      const run = await runtimeWith(get(policy), { connectors }).runtime.runManual('flow', {});
      expect([run.status, run.actions[0]?.error?.code, connectors.calls.length]).toEqual(['Failed', 'InvalidRetryPolicy', 0]);
    }
  });

  test('[Retry · exponential] retry n waits the upper end of its documented range, min(2^(n-1)·interval, maximumInterval)', async () => {
    const connectors = failing();
    const policy = { type: 'exponential', count: 4, interval: 'PT10S', maximumInterval: 'PT25S' };
    const { runtime, clock } = runtimeWith(get(policy), { connectors });
    await runtime.runManual('flow', {});
    expect(connectors.calls).toHaveLength(5);
    expect(elapsed(clock)).toBe(10_000 + 20_000 + 25_000 + 25_000);
  });

  test("[Retry · Retry-After] the answer's Retry-After replaces the computed wait", async () => {
    const connectors = new FakeConnectors((_request, attempt) =>
      attempt === 1 ? { statusCode: 503, headers: { 'retry-after': '120' }, body: {} } : ok(),
    );
    const { runtime, clock } = runtimeWith(get({ type: 'fixed', count: 1, interval: 'PT5S' }), { connectors });
    expect((await runtime.runManual('flow', {})).status).toBe('Succeeded');
    expect(elapsed(clock)).toBe(120_000);
  });

  test('[Until · timeout] an Until whose body waits 10 min and whose timeout is PT30M stops after 30 virtual minutes, Succeeded', async () => {
    const { runtime, clock } = runtimeWith({
      Loop: { type: 'Until', expression: '@equals(1, 2)', limit: { count: 60, timeout: 'PT30M' }, actions: { Pause: wait(10, 'Minute') } },
    });
    const run = await runtime.runManual('flow', {});
    expect(run.actions.find((step) => step.name === 'Loop')?.status).toBe('Succeeded');
    expect(run.actions.filter((step) => step.name === 'Pause')).toHaveLength(3);
    expect(elapsed(clock)).toBe(30 * 60_000);
  });

  test('[Until · FailWhenLimitsReached] with that operation option a limit reached ends the loop TimedOut (ActionTimedOut)', async () => {
    const loop = (limit: Json): Json => ({
      Loop: {
        type: 'Until',
        operationOptions: 'FailWhenLimitsReached',
        expression: '@equals(1, 2)',
        limit,
        actions: { Pause: wait(10, 'Minute') },
      },
    });
    for (const limit of [{ timeout: 'PT30M' }, { count: 2 }]) {
      const run = await runtimeWith(loop(limit)).runtime.runManual('flow', {});
      const until = run.actions.find((step) => step.name === 'Loop');
      expect([until?.status, until?.error?.code]).toEqual(['TimedOut', 'ActionTimedOut']);
    }
  });

  test('[Until · timeout, concurrent] two such runs at once time out together: the clock moves 30 min, not 60', async () => {
    const { runtime, clock } = runtimeWith({
      Loop: { type: 'Until', expression: '@equals(1, 2)', limit: { timeout: 'PT30M' }, actions: { Pause: wait(10, 'Minute') } },
    });
    await Promise.all([runtime.runManual('flow', {}), runtime.runManual('flow', {})]);
    expect(elapsed(clock)).toBe(30 * 60_000);
  });

  test('[Until · count] the loop stops after `count` iterations (default 60); a count above 5,000 is refused', async () => {
    const loop = (limit: Json): Json => ({ Loop: { type: 'Until', expression: '@equals(1, 2)', limit, actions: { Pause: wait(1) } } });
    const counted = await runtimeWith(loop({ count: 3 })).runtime.runManual('flow', {});
    expect(counted.actions.filter((step) => step.name === 'Pause')).toHaveLength(3);
    const byDefault = await runtimeWith(loop({})).runtime.runManual('flow', {});
    expect(byDefault.actions.filter((step) => step.name === 'Pause')).toHaveLength(60);
    const tooMany = await runtimeWith(loop({ count: 5001 })).runtime.runManual('flow', {});
    expect(tooMany.actions.find((step) => step.name === 'Loop')?.error?.message).toMatch(/from 1 to 5000/);
  });
});

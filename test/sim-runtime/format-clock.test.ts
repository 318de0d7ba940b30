import type { FlowRun } from '../../sim/contracts.js';
import { SystemClock, VirtualClock } from '../../sim/runtime/clock.js';
import { formatRun } from '../../sim/runtime/format.js';
import { runtimeWith } from './support.js';

describe('VirtualClock', () => {
  test('starts at the given time; sleep and advance move it instantly', async () => {
    const clock = new VirtualClock('2024-01-01T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2024-01-01T00:00:00.000Z');
    const before = Date.now();
    await clock.sleep(3600000);
    clock.advance(500);
    expect(clock.now().toISOString()).toBe('2024-01-01T01:00:00.500Z');
    expect(Date.now() - before).toBeLessThan(1000);
    clock.set('2024-01-02T00:00:00Z');
    expect(clock.now().toISOString()).toBe('2024-01-02T00:00:00.000Z');
  });

  test('refuses to go backwards or to an invalid start', () => {
    const clock = new VirtualClock('2024-01-01T00:00:00Z');
    expect(() => clock.advance(-1)).toThrow(/cannot advance/);
    expect(() => clock.set('2023-01-01T00:00:00Z')).toThrow(/cannot move/);
    expect(() => new VirtualClock('not a date')).toThrow(/invalid start/);
  });

  test('now() returns a copy', () => {
    const clock = new VirtualClock('2024-01-01T00:00:00Z');
    clock.now().setFullYear(1999);
    expect(clock.now().getUTCFullYear()).toBe(2024);
  });
});

describe('SystemClock', () => {
  test('is real time', async () => {
    const clock = new SystemClock();
    const start = clock.now().getTime();
    await clock.sleep(15);
    expect(clock.now().getTime() - start).toBeGreaterThanOrEqual(10);
  });
});

describe('formatRun', () => {
  test('one line per action: mark, path, duration, short error; header with status, trigger, error', async () => {
    const { runtime } = runtimeWith({
      Try: {
        type: 'Scope',
        actions: {
          Pause: { type: 'Wait', inputs: { interval: { count: 90, unit: 'Second' } } },
          Bad: { type: 'Compose', runAfter: { Pause: ['Succeeded'] }, inputs: "@int('x')" },
          Next: { type: 'Compose', runAfter: { Bad: ['Succeeded'] }, inputs: 1 },
        },
      },
      Each: {
        type: 'Foreach',
        runAfter: { Try: ['Failed'] },
        foreach: '@createArray(1, 2)',
        actions: { Item: { type: 'Compose', inputs: '@item()' } },
      },
    });
    const run = await runtime.runManual('flow', {});
    const lines = formatRun(run).split('\n');
    expect(lines[0]).toMatch(/^✓ Test flow — run \w+ Succeeded \(1 min 30 s, 2018-04-15T13:00:00.000Z → 2018-04-15T13:01:30.000Z\)$/);
    expect(lines[1]).toBe('  trigger manual');
    expect(lines.slice(2)).toEqual([
      expect.stringMatching(/^ {2}✗ Try +1 min 30 s {2}ActionFailed: An action failed\. No dependent actions succeeded\.$/),
      expect.stringMatching(/^ {4}✓ Try\/Pause +1 min 30 s$/),
      expect.stringMatching(/^ {4}✗ Try\/Bad +0 ms {2}InvalidTemplate: The template language function 'int' was invoked .* at Try\/Bad$/),
      expect.stringMatching(/^ {4}– Try\/Next$/),
      expect.stringMatching(/^ {2}✓ Each +0 ms$/),
      expect.stringMatching(/^ {4}✓ Each\/Item \[#0\] +0 ms$/),
      expect.stringMatching(/^ {4}✓ Each\/Item \[#1\] +0 ms$/),
    ]);
  });

  test('shows the run error and the response', () => {
    const run: FlowRun = {
      runId: 'r1',
      flowId: 'f',
      flowName: 'Flow',
      status: 'Failed',
      startTime: '2024-01-01T00:00:00.000Z',
      endTime: '2024-01-01T00:00:00.250Z',
      trigger: { name: 'manual', outputs: {} },
      actions: [],
      error: { code: 'Terminated', message: 'stopped\non purpose' },
      response: { statusCode: 400, body: { error: 'bad' } },
    };
    expect(formatRun(run)).toBe(
      '✗ Flow — run r1 Failed (250 ms, 2024-01-01T00:00:00.000Z → 2024-01-01T00:00:00.250Z)\n  trigger manual\n  error Terminated: stopped on purpose\n  response 400 {"error":"bad"}',
    );
  });
});

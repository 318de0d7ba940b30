/** The public fault API over virtual time: outages as spans, and how webhooks are delivered (prompt, concurrent, at least once). */
import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CLOCK_HOLD_HEADER } from '../../sim/contracts.js';
import { PartnerCenterEmulator } from '../../sim/partner-center/index.js';
import { VirtualClock as SchedulerClock } from '../../sim/runtime/clock.js';
import { REFERRALS, VirtualClock, api, createReferral, register, type Received } from './support.js';

const START = '2024-03-01T09:00:00.000Z';
const MINUTE = 60_000;

/** A webhook receiver that answers after `delayMs` of real time, and counts how many requests it held at once. */
interface SlowReceiver {
  url: string;
  received: Received[];
  status: number;
  maxInFlight: number;
  close(): Promise<void>;
}

async function slowReceiver(delayMs = 40): Promise<SlowReceiver> {
  let inFlight = 0;
  const receiver: SlowReceiver = { url: '', received: [], status: 200, maxInFlight: 0, close: () => Promise.resolve() };
  const server: Server = createServer((request, response) => {
    inFlight += 1;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      receiver.received.push({ headers: request.headers, body, json: JSON.parse(body.toString('utf8')) });
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(receiver.status, { 'Content-Type': 'application/json' });
        response.end('{}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return receiver;
}

const realTime = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits (real time) until `done()` holds, at most `ms`. */
async function until(done: () => boolean, ms = 5_000): Promise<void> {
  for (const started = Date.now(); !done() && Date.now() - started < ms;) await realTime(5);
}

const started: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of started.splice(0)) await item.stop();
});

async function emulatorWith(clock: VirtualClock | SchedulerClock, receiver: SlowReceiver, options: { delivery?: object } = {}) {
  const emulator = new PartnerCenterEmulator({ clock, ...options });
  await emulator.start();
  started.push(emulator, { stop: () => receiver.close() });
  await register(emulator, receiver.url);
  return emulator;
}

describe('outages over a span of virtual time', () => {
  test('[Faults · outage] from now for 10 min every call answers 503 with Retry-After = the seconds left; then calls succeed', async () => {
    const clock = new VirtualClock(START);
    const emulator = await emulatorWith(clock, await slowReceiver(0));
    const referral = await createReferral(emulator);
    emulator.faults.outage({ durationMs: 10 * MINUTE });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await api(emulator, 'GET', `${REFERRALS}/${String(referral.id)}`));
    expect(answers.map((answer) => [answer.status, answer.json.error.code, answer.headers['retry-after']])).toEqual(
      Array(5).fill([503, 'serviceNotAvailable', '600']),
    );
    await clock.sleep(4 * MINUTE);
    const later = await api(emulator, 'PATCH', `${REFERRALS}/${String(referral.id)}`, {
      body: [{ op: 'replace', path: '/name', value: 'x' }],
    });
    expect([later.status, later.headers['retry-after']]).toEqual([503, '360']);
    expect(emulator.referral(String(referral.id))?.name).toBe('Contoso expansion');
    await clock.sleep(6 * MINUTE);
    expect((await api(emulator, 'GET', `${REFERRALS}/${String(referral.id)}`)).status).toBe(200);
    expect(emulator.calls.filter((call) => call.fault?.outage).length).toBe(6);
    expect(emulator.faults.pending.outages).toEqual([]);
  });

  test('[Faults · outage] a later span, a 429 with a fixed Retry-After, only for the operation named', async () => {
    const clock = new VirtualClock(START);
    const emulator = await emulatorWith(clock, await slowReceiver(0));
    emulator.faults.outage({
      from: '2024-03-01T10:00:00Z',
      durationMs: MINUTE,
      status: 429,
      retryAfterSeconds: 7,
      operation: 'GetAllReferrals',
    });
    expect((await api(emulator, 'GET', REFERRALS)).status).toBe(200);
    await clock.sleep(60 * MINUTE);
    const throttled = await api(emulator, 'GET', REFERRALS);
    expect([throttled.status, throttled.json.error.code, throttled.headers['retry-after']]).toEqual([429, 'tooManyRequests', '7']);
    expect((await createReferral(emulator)).id).toBeDefined();
    expect(emulator.faults.pending.outages).toEqual([{ from: '2024-03-01T10:00:00.000Z', until: '2024-03-01T10:01:00.000Z', status: 429 }]);
  });
});

describe('delivery as Partner Center does it', () => {
  test('[Event delivery · prompt] a change is delivered right after it commits, with no flush or advance', async () => {
    const clock = new SchedulerClock(START);
    const receiver = await slowReceiver(0);
    const emulator = await emulatorWith(clock, receiver);
    const referral = await createReferral(emulator);
    await until(() => emulator.deliveries.length === 1);
    expect(receiver.received.map((r) => [r.json.EventName, r.json.ResourceUri.endsWith(String(referral.id))])).toEqual([
      ['referral-created', true],
    ]);
    expect(emulator.deliveries[0]).toMatchObject({ outcome: 'delivered', at: START });
  });

  test('[Event delivery · prompt] also with a plain clock (no scheduler): what is due goes out by itself', async () => {
    const receiver = await slowReceiver(0);
    const emulator = await emulatorWith(new VirtualClock(START), receiver);
    await createReferral(emulator);
    await until(() => receiver.received.length === 1);
    expect(receiver.received).toHaveLength(1);
  });

  test('[Event delivery · concurrent] several events due at once are sent at once, not one after the other', async () => {
    const receiver = await slowReceiver(60);
    const emulator = await emulatorWith(new VirtualClock(START), receiver, { delivery: { timing: 'on-flush' } });
    for (let i = 0; i < 4; i++) await createReferral(emulator, { externalReferenceId: `opp-${i}` });
    await emulator.flushDeliveries();
    expect(receiver.received).toHaveLength(4);
    expect(receiver.maxInFlight).toBe(4);
  });

  test('[Faults · delivery mode] sequential sends one at a time; on-flush sends nothing until flushDeliveries()', async () => {
    const receiver = await slowReceiver(20);
    const emulator = await emulatorWith(new VirtualClock(START), receiver);
    emulator.faults.deliveries({ timing: 'on-flush', order: 'sequential' });
    await createReferral(emulator);
    await createReferral(emulator);
    await realTime(50);
    expect(receiver.received).toHaveLength(0);
    expect(emulator.pendingDeliveries).toBe(2);
    await emulator.flushDeliveries();
    expect([receiver.received.length, receiver.maxInFlight]).toEqual([2, 1]);
    expect(emulator.faults.deliveryMode).toEqual({ timing: 'on-flush', order: 'sequential' });
  });

  test('[Event delivery · at least once] a duplicated delivery sends both copies at once (same bytes)', async () => {
    const receiver = await slowReceiver(60);
    const emulator = await emulatorWith(new VirtualClock(START), receiver, { delivery: { timing: 'on-flush' } });
    emulator.faults.duplicateDeliveries(1);
    await createReferral(emulator);
    await emulator.flushDeliveries();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.body.equals(receiver.received[1]!.body)).toBe(true);
    expect(receiver.maxInFlight).toBe(2);
    expect(emulator.deliveries.map((d) => d.duplicate ?? false).sort()).toEqual([false, true]);
  });

  test('[Event delivery · retries] with a scheduler clock a failed delivery is retried when virtual time reaches the retry', async () => {
    const clock = new SchedulerClock(START);
    const receiver = await slowReceiver(0);
    receiver.status = 500;
    const emulator = await emulatorWith(clock, receiver);
    await createReferral(emulator);
    await until(() => emulator.deliveries.length === 1);
    receiver.status = 200;
    await clock.sleep(59_000);
    await realTime(30);
    expect(emulator.deliveries).toHaveLength(1);
    await clock.sleep(1_000);
    await until(() => emulator.deliveries.length === 2);
    expect(emulator.deliveries.map((d) => [d.attempt, d.outcome, d.at])).toEqual([
      [1, 'failed', START],
      [2, 'delivered', '2024-03-01T09:01:00.000Z'],
    ]);
    expect(emulator.pendingDeliveries).toBe(0);
  });

  test('[Faults · delivery outage] events raised during a dispatcher outage go out when it ends, not before', async () => {
    const clock = new SchedulerClock(START);
    const receiver = await slowReceiver(0);
    const emulator = await emulatorWith(clock, receiver);
    emulator.faults.deliveryOutage({ durationMs: 5 * MINUTE });
    await createReferral(emulator);
    await realTime(30);
    expect(receiver.received).toHaveLength(0);
    await clock.sleep(5 * MINUTE);
    await until(() => emulator.deliveries.length === 1);
    expect(emulator.deliveries[0]).toMatchObject({ outcome: 'delivered', at: '2024-03-01T09:05:00.000Z' });
  });

  test('[Clock · hold] each attempt holds a scheduler clock while on its way (header for the receiver) and releases it after', async () => {
    const clock = new SchedulerClock(START);
    const receiver = await slowReceiver(0);
    const emulator = await emulatorWith(clock, receiver);
    await createReferral(emulator);
    await until(() => emulator.deliveries.length === 1);
    expect(receiver.received[0]!.headers[CLOCK_HOLD_HEADER]).toMatch(/^hold-/);
    expect(emulator.deliveries[0]!.headers[CLOCK_HOLD_HEADER]).toBeUndefined();
    // Released: a run sleeping on the clock can now move it.
    await clock.track(() => clock.sleep(1_000));
    expect(clock.now().toISOString()).toBe('2024-03-01T09:00:01.000Z');
  });
});

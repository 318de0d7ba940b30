import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REFERRALS, api, createReferral, referralBody, register, startEmulator, type Harness } from './support.js';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(async () => {
  await h.emulator.stop();
});

describe('API faults', () => {
  test('[Faults · 429] a throttled call gets 429 with Retry-After, then the next call succeeds', async () => {
    h.emulator.faults.add({ operation: 'GetAllReferrals', status: 429, retryAfterSeconds: 30, times: 1 });
    const throttled = await api(h.emulator, 'GET', REFERRALS);
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('30');
    expect(throttled.json.error.code).toBe('tooManyRequests');
    expect((await api(h.emulator, 'GET', REFERRALS)).status).toBe(200);
    expect(h.emulator.calls.map((call) => [call.status, call.fault?.status])).toEqual([
      [429, 429],
      [200, undefined],
    ]);
  });

  test('[Faults · after commit] a 504 after the write: the referral exists although the caller was told it failed', async () => {
    h.emulator.faults.add({ operation: 'CreateReferral', status: 504, afterCommit: true, times: 1 });
    const timedOut = await api(h.emulator, 'POST', REFERRALS, { body: referralBody({ externalReferenceId: 'opp-1' }) });
    expect(timedOut.status).toBe(504);
    expect(h.emulator.referrals().map((referral) => referral.externalReferenceId)).toEqual(['opp-1']);
    // A client that retries blindly makes a second one.
    await createReferral(h.emulator, { externalReferenceId: 'opp-1' });
    expect(h.emulator.referrals().map((referral) => referral.externalReferenceId)).toEqual(['opp-1', 'opp-1']);
  });

  test('[Faults · 503/500] serviceNotAvailable and generalException, matched by method and path pattern, for `times` calls', async () => {
    const referral = await createReferral(h.emulator);
    h.emulator.faults.add({ method: 'PATCH', pathPattern: `${REFERRALS}/*`, status: 503, retryAfterSeconds: 5, times: 2 });
    h.emulator.faults.add({ pathPattern: /\/webhooks\//, status: 500, times: 1 });
    const patch = () => api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, { body: [{ op: 'replace', path: '/name', value: 'x' }] });
    const first = await patch();
    expect([first.status, first.json.error.code, first.headers['retry-after']]).toEqual([503, 'serviceNotAvailable', '5']);
    expect((await api(h.emulator, 'GET', `${REFERRALS}/${referral.id}`)).status).toBe(200);
    expect((await patch()).status).toBe(503);
    expect((await patch()).status).toBe(204);
    const registration = await api(h.emulator, 'GET', '/webhooks/v1/registration');
    expect([registration.status, registration.json.error.code]).toEqual([500, 'generalException']);
    expect(h.emulator.referral(referral.id)?.name).toBe('x');
    expect(h.emulator.faults.pending.api).toEqual([]);
  });

  test('[Faults · latency] a slow call advances the virtual clock by latencyMs before it is answered', async () => {
    h.emulator.faults.add({ operation: 'CreateReferral', latencyMs: 45_000, times: 1 });
    const referral = await createReferral(h.emulator);
    expect(referral.createdDateTime).toBe('2024-03-01T09:00:45.0000000Z');
    expect(h.emulator.calls[0]).toMatchObject({ status: 201, at: '2024-03-01T09:00:00.000Z', fault: { latencyMs: 45_000 } });
    expect(h.clock.now().toISOString()).toBe('2024-03-01T09:00:45.000Z');
  });

  test('[Faults · times] Infinity keeps failing until cleared', async () => {
    h.emulator.faults.add({ status: 503, times: Infinity });
    expect((await api(h.emulator, 'GET', REFERRALS)).status).toBe(503);
    expect((await api(h.emulator, 'GET', REFERRALS)).status).toBe(503);
    h.emulator.faults.clear();
    expect((await api(h.emulator, 'GET', REFERRALS)).status).toBe(200);
  });
});

describe('delivery loop', () => {
  test('[Webhooks · flush] events raised while delivering (a flow writing back) go out in the same flush', async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        seen.push(event.EventName);
        const id = String(event.ResourceUri).split('/').pop() as string;
        const reply = () => {
          response.writeHead(202);
          response.end();
        };
        if (event.EventName === 'referral-created') {
          void api(h.emulator, 'PATCH', `${REFERRALS}/${id}`, { body: [{ op: 'replace', path: '/details/notes', value: 'synced' }] }).then(
            reply,
          );
        } else {
          reply();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      await register(h.emulator, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
      await createReferral(h.emulator);
      await h.emulator.flushDeliveries();
      expect(seen).toEqual(['referral-created', 'referral-updated']);
      expect(h.emulator.pendingDeliveries).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

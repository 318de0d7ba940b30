import { api, connectorCall, startEmulator, type Harness } from './support.js';

/** CONTRACT.md §F: the public fault switches (dv.faults), over a span of virtual time and by count. */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

const MINUTE = 60_000;

describe('F1 service protection throttling', () => {
  test('429 with Retry-After and the documented code and message (0x80072322 by default), nothing written', async () => {
    h.dv.faults.throttle({ times: 1, retryAfterSeconds: 30 });
    const res = await api(h.dv, 'POST', '/accounts', { name: 'Contoso' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body).toEqual({
      error: { code: '0x80072322', message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.' },
    });
    expect(h.dv.rows('accounts')).toEqual([]);
    expect((await api(h.dv, 'POST', '/accounts', { name: 'Contoso' })).status).toBe(204);
  });

  test('the other two limits: execution time 0x80072321, concurrent requests 0x80072326', async () => {
    h.dv.faults.throttle({ times: 1, reason: 'executionTime' }).throttle({ times: 1, reason: 'concurrency' });
    expect((await api(h.dv, 'GET', '/accounts')).body.error.code).toBe('0x80072321');
    const second = await api(h.dv, 'GET', '/accounts');
    expect(second.body.error).toEqual({ code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' });
    expect(second.headers.get('retry-after')).toBe('5');
  });

  test('over a span of virtual time: from t for d ms, whatever the count; the connector passes the 429 to the flow', async () => {
    const start = h.clock.now().getTime();
    h.dv.faults.throttle({ from: new Date(start + MINUTE), forMs: 5 * MINUTE, retryAfterSeconds: 60 });
    expect((await connectorCall(h.connector, 'ListRecords', { entityName: 'accounts' })).statusCode).toBe(200);
    h.clock.advance(MINUTE);
    for (let i = 0; i < 3; i += 1) {
      const res = await connectorCall(h.connector, 'ListRecords', { entityName: 'accounts' });
      expect(res).toMatchObject({ statusCode: 429, headers: { 'retry-after': '60' } });
    }
    h.clock.advance(5 * MINUTE);
    expect((await connectorCall(h.connector, 'ListRecords', { entityName: 'accounts' })).statusCode).toBe(200);
    expect(h.dv.faults.pending).toEqual([]);
  });
});

describe('F2 server errors', () => {
  test('5xx by count and by method/path; afterCommit writes first, then fails', async () => {
    h.dv.faults.serverError({ status: 503, method: 'POST', path: '/contacts', times: 1 });
    expect((await api(h.dv, 'POST', '/accounts', { name: 'A' })).status).toBe(204);
    const res = await api(h.dv, 'POST', '/contacts', { lastname: 'Lee' });
    expect(res).toMatchObject({ status: 503, body: { error: { code: '0x80040216' } } });
    expect(h.dv.rows('contacts')).toEqual([]);
    h.dv.faults.serverError({ status: 504, afterCommit: true, times: 1 });
    expect((await api(h.dv, 'POST', '/contacts', { lastname: 'Lee' })).status).toBe(504);
    expect(h.dv.rows('contacts')).toEqual([expect.objectContaining({ lastname: 'Lee' })]);
  });
});

describe('F3 latency', () => {
  test('the answer comes ms of virtual time later; the request log shows when it was answered', async () => {
    h.dv.faults.latency(2_000, { times: 1 });
    const before = h.clock.now().getTime();
    await api(h.dv, 'GET', '/accounts');
    expect(h.clock.now().getTime() - before).toBe(2_000);
    await api(h.dv, 'GET', '/accounts');
    expect(h.clock.now().getTime() - before).toBe(2_000);
  });

  test('faults never touch the user hooks; clear() removes them all', () => {
    h.dv.faults.throttle().serverError().latency(10);
    expect(h.dv.faults.pending.map((fault) => fault.kind)).toEqual(['throttle', 'error', 'latency']);
    expect(h.dv.userCreate('accounts', { name: 'A' })).toMatchObject({ name: 'A' });
    h.dv.faults.clear();
    expect(h.dv.faults.pending).toEqual([]);
  });
});

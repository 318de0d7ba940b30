import type { RowChange } from '../../sim/contracts.js';
import { api, startEmulator, type Harness } from './support.js';

/** CONTRACT.md §O: closing an opportunity (WinOpportunity / LoseOpportunity), and what an update may do to its state. */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

const opportunity = (values: Record<string, unknown> = {}): string =>
  h.dv.seed('opportunities', { name: 'Deal', estimatedvalue: 2500, ...values }).opportunityid as string;
const closeBody = (id: string, status: number, extra: Record<string, unknown> = {}) => ({
  Status: status,
  OpportunityClose: { subject: 'Closed', 'opportunityid@odata.bind': `/opportunities(${id})`, ...extra },
});

describe('O1 WinOpportunity and LoseOpportunity', () => {
  test('POST /WinOpportunity {Status, OpportunityClose} → 204 without a body; Won/3, actual revenue from the estimate, close date today', async () => {
    const id = opportunity();
    const res = await api(h.dv, 'POST', '/WinOpportunity', closeBody(id, 3));
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(h.dv.row('opportunities', id)).toMatchObject({ statecode: 1, statuscode: 3, actualvalue: 2500, actualclosedate: '2025-03-01' });
    expect(h.dv.opportunityCloses()).toEqual([
      expect.objectContaining({ action: 'WinOpportunity', opportunityid: id, subject: 'Closed', status: 3, actualrevenue: 2500 }),
    ]);
  });

  test('POST /LoseOpportunity with Status 5 (Out-Sold) → Lost/5; Status -1 takes the state default (4 Canceled)', async () => {
    const a = opportunity();
    const b = opportunity();
    expect((await api(h.dv, 'POST', '/LoseOpportunity', closeBody(a, 5))).status).toBe(204);
    expect((await api(h.dv, 'POST', '/LoseOpportunity', closeBody(b, -1))).status).toBe(204);
    expect(h.dv.row('opportunities', a)).toMatchObject({ statecode: 2, statuscode: 5, actualvalue: null });
    expect(h.dv.row('opportunities', b)).toMatchObject({ statecode: 2, statuscode: 4 });
  });

  test('a Status of the other state is refused; closing a closed opportunity is 0x80040515 "The opportunity is already closed."', async () => {
    const id = opportunity();
    const wrong = await api(h.dv, 'POST', '/WinOpportunity', closeBody(id, 4));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toBe(`4 is not a valid status code for state code OpportunityState.Won on opportunity with Id ${id}.`);
    await api(h.dv, 'POST', '/WinOpportunity', closeBody(id, 3));
    const again = await api(h.dv, 'POST', '/LoseOpportunity', closeBody(id, 4));
    expect(again).toMatchObject({ status: 400, body: { error: { code: '0x80040515', message: 'The opportunity is already closed.' } } });
  });

  test('a missing OpportunityClose or opportunity is refused; an unknown opportunity is 404; GET is 405', async () => {
    const id = opportunity();
    expect((await api(h.dv, 'POST', '/WinOpportunity', { Status: 3 })).status).toBe(400);
    expect((await api(h.dv, 'POST', '/WinOpportunity', { Status: 3, OpportunityClose: { subject: 'x' } })).status).toBe(400);
    const missing = '00000000-0000-0000-0000-0000000000aa';
    expect((await api(h.dv, 'POST', '/WinOpportunity', closeBody(missing, 3))).status).toBe(404);
    expect((await api(h.dv, 'GET', '/WinOpportunity')).status).toBe(405);
    expect(h.dv.row('opportunities', id)).toMatchObject({ statecode: 0 });
  });

  test('the close is an Update of the opportunity for the row triggers (statecode, statuscode, actual value and date)', async () => {
    const id = opportunity();
    const seen: RowChange[] = [];
    h.dv.subscribe({ message: 3, entity: 'opportunity', filteringAttributes: ['statecode'] }, (change) => {
      seen.push(change);
    });
    h.dv.userWin(id);
    await h.dv.settle();
    expect(seen).toEqual([
      expect.objectContaining({
        message: 3,
        id,
        attributes: ['statecode', 'statuscode', 'actualclosedate', 'actualvalue'],
        row: expect.objectContaining({ statecode: 1 }),
      }),
    ]);
  });
});

describe('O2 an update cannot close an opportunity', () => {
  test('PATCH statecode 1 or 2 → 400 0x80100005 "This message can not be used to set the state of opportunity to …"', async () => {
    const id = opportunity();
    for (const [statecode, state, message] of [
      [1, 'Won', 'WinOpportunity'],
      [2, 'Lost', 'LoseOpportunity'],
    ] as const) {
      const res = await api(h.dv, 'PATCH', `/opportunities(${id})`, { statecode });
      expect(res).toMatchObject({
        status: 400,
        body: {
          error: {
            code: '0x80100005',
            message: `This message can not be used to set the state of opportunity to ${state}. In order to set state of opportunity to ${state}, use the ${message} message instead.`,
          },
        },
      });
    }
    expect((await api(h.dv, 'POST', '/opportunities', { name: 'Won at birth', statecode: 1 })).status).toBe(400);
    expect(h.dv.row('opportunities', id)).toMatchObject({ statecode: 0, statuscode: 1 });
    expect(() => h.dv.userUpdate('opportunities', id, { statecode: 1, statuscode: 3 })).toThrow('use the WinOpportunity message');
  });
});

describe('O3 reopening is an update', () => {
  test('PATCH statecode 0 on a Won opportunity reopens it (In Progress)', async () => {
    const id = opportunity();
    h.dv.userWin(id);
    const res = await api(h.dv, 'PATCH', `/opportunities(${id})`, { statecode: 0 });
    expect(res.status).toBe(204);
    expect(h.dv.row('opportunities', id)).toMatchObject({ statecode: 0, statuscode: 1 });
  });
});

describe('O4 updates of a closed opportunity', () => {
  test('the Web API takes an update of other columns (default, [inferred]); a user hook is refused (read-only form)', async () => {
    const id = opportunity();
    h.dv.userLose(id);
    expect((await api(h.dv, 'PATCH', `/opportunities(${id})`, { description: 'post-mortem' })).status).toBe(204);
    expect(h.dv.row('opportunities', id)).toMatchObject({ statecode: 2, description: 'post-mortem' });
    expect(() => h.dv.userUpdate('opportunities', id, { description: 'x' })).toThrow('read-only');
    expect(h.dv.userUpdate('opportunities', id, { statecode: 0 })).toMatchObject({ statecode: 0 });
  });

  test("closedOpportunityUpdates: 'refused' answers 0x80040230 but still reopens", async () => {
    const strict = await startEmulator({ closedOpportunityUpdates: 'refused' });
    try {
      const id = strict.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
      strict.dv.userWin(id);
      const res = await api(strict.dv, 'PATCH', `/opportunities(${id})`, { description: 'x' });
      expect(res).toMatchObject({
        status: 400,
        body: { error: { code: '0x80040230', message: 'The object cannot be updated because it is inactive.' } },
      });
      expect((await api(strict.dv, 'PATCH', `/opportunities(${id})`, { statecode: 0 })).status).toBe(204);
    } finally {
      await strict.dv.stop();
    }
  });
});

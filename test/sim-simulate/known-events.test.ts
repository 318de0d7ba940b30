import { describe, expect, test } from '@jest/globals';
import type { Simulation } from '../../sim/simulate/session.js';
import { defaultWorld, reconcileAfterAnHour, rehearsalPerTest, sharedDeal } from '../support/rehearsal.js';

/**
 * Issue 11, Partner Center calls per synced change: the webhook flow does not re-read a referral for an event the sync
 * already knows (flows/known-events.ts): the echo of its own create or PATCH, a duplicate delivery, an older event
 * overtaken by a later read. Every other event is read, and a partner user's edit skipped because it fell inside one
 * of our writes still reaches Dynamics with the hourly reconciliation. Contract points: the Partner Center emulator
 * raises referral-updated on every change with ResourceChangeUtcDate = the change's time (sim/partner-center/CONTRACT.md,
 * Webhooks "When" and "Payload"; that the date is the change's time is our assumption, see the README).
 */
const world = defaultWorld();
const started = rehearsalPerTest();

/** The Partner Center operations called while `act` runs and the world comes to rest. */
async function callsDuring(s: Simulation, act: () => unknown): Promise<string[]> {
  const before = s.partnerCenter.calls.length;
  await act();
  await s.settle();
  return s.partnerCenter.calls.slice(before).map((call) => call.operation);
}

describe('known Partner Center events are not read again', () => {
  test("a seller's edit costs one PATCH: its echo is not read", async () => {
    const s = await started();
    const { id } = await sharedDeal(s, 'Known events');
    const calls = await callsDuring(s, () => s.dataverse.userUpdate('opportunities', id, { estimatedvalue: 123_000 }));
    expect(calls).toEqual(['PatchReferralById']);
    expect(s.partnerCenter.deliveries.at(-1)).toMatchObject({ eventName: 'referral-updated', outcome: 'delivered' });
  }, 30_000);

  test("a partner user's edit costs one read, also when Partner Center delivers it twice", async () => {
    const s = await started();
    const { id, referralId } = await sharedDeal(s, 'Known events');
    s.partnerCenter.faults.duplicateDeliveries(1);
    const calls = await callsDuring(s, () =>
      s.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Partner note' }]),
    );
    expect(calls).toEqual(['GetReferralById']);
    expect(s.dataverse.row('opportunities', id)?.description).toBe('Partner note');
  }, 30_000);

  test('a partner edit that falls inside one of our writes is skipped with the echo, and the reconciliation brings it in', async () => {
    const s = await started();
    const { id, referralId } = await sharedDeal(s, 'Known events');
    // As if a PATCH of ours were on its way (its window open since a second ago) when the partner user saves.
    const start = new Date(s.clock.now().getTime() - 1000).toISOString();
    s.dataverse.userUpdate('opportunities', id, { [world.column('LastPartnerCenterWrite')]: `${start}/` });
    const calls = await callsDuring(s, () =>
      s.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Saved meanwhile' }]),
    );
    expect(calls).toEqual([]);
    expect(s.dataverse.row('opportunities', id)?.description).not.toBe('Saved meanwhile');
    await reconcileAfterAnHour(s);
    expect(s.dataverse.row('opportunities', id)?.description).toBe('Saved meanwhile');
  }, 30_000);
});

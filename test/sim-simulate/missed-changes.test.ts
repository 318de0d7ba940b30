import { describe, expect, test } from '@jest/globals';
import { display } from '../../sim/display.js';
import { opportunityByReferral } from '../../sim/simulate/scenarios.js';
import type { Simulation } from '../../sim/simulate/session.js';
import { defaultWorld, reconcileAfterAnHour as reconcile, rehearsalPerTest, sharedDeal } from '../support/rehearsal.js';

/**
 * Issue 11, "a failed outbound change is never retried", for the two flows the seeded histories found losing a change
 * for good: the solutions flow and the decision flow. A change their trigger missed (the flow was off: a row trigger
 * does not replay what happened meanwhile, sim/runtime/README.md "Turned off") or whose send failed (Partner Center
 * down: CONTRACT.md, Faults `outage`) reaches Partner Center with the hourly reconciliation.
 */
const world = defaultWorld();
const started = rehearsalPerTest();
const SOLUTIONS = `${world.prefix}_partnercentersolutions`;
const SOLUTIONS_FLOW = 'Dynamics 365 Microsoft Solutions to Partner Center';

const referralSolutions = (s: Simulation, referralId: string): string[] =>
  (
    (s.partnerCenter.referral(referralId) as { details: { requirements: { solutions: Array<{ id: string }> } } }).details.requirements
      .solutions ?? []
  )
    .map((solution) => solution.id)
    .sort();

const patches = (s: Simulation): number => s.partnerCenter.calls.filter((call) => call.operation === 'PatchReferralById').length;

function addSolution(s: Simulation, opportunityId: string, solutionId: string): string {
  const row = s.dataverse.userCreate(SOLUTIONS, {
    [world.column('Name')]: `Solution ${solutionId}`,
    [world.column('SolutionIdentifier')]: solutionId,
    [`${world.prefix}_Opportunity@odata.bind`]: `/opportunities(${opportunityId})`,
  });
  return display(row[`${world.prefix}_partnercentersolutionid`]);
}

describe('solutions and decisions that never reached Partner Center are sent by the reconciliation', () => {
  test('a solution added while the solutions flow is off is sent at the next reconciliation, once', async () => {
    const s = await started();
    const { id, referralId } = await sharedDeal(s, 'Solutions deal');
    const before = referralSolutions(s, referralId);
    s.turnOff(SOLUTIONS_FLOW, { forMs: 5 * 60_000 });
    addSolution(s, id, 'SOL-MISSED-1');
    await s.settle();
    expect(referralSolutions(s, referralId)).toEqual(before);
    await reconcile(s);
    expect(referralSolutions(s, referralId)).toEqual([...before, 'SOL-MISSED-1'].sort());
    // Sent once: the next pass finds the rows older than the opportunity's Solutions Sent On.
    const sent = patches(s);
    await reconcile(s);
    expect(patches(s)).toBe(sent);
  }, 60_000);

  test('a solution removed while Partner Center is down: Audit says so, and the reconciliation sends the list without it', async () => {
    const s = await started();
    const { id, referralId } = await sharedDeal(s, 'Solutions deal');
    const extra = addSolution(s, id, 'SOL-EXTRA');
    await s.settle();
    expect(referralSolutions(s, referralId)).toContain('SOL-EXTRA');
    s.partnerCenter.faults.outage({ durationMs: 30 * 60_000, retryAfterSeconds: 30 });
    s.dataverse.userDelete(SOLUTIONS, extra);
    await s.settle();
    const failed = s.dataverse.row('opportunities', id)!;
    expect(display(failed[world.column('Audit')])).toMatch(/Solutions not sent/);
    expect(failed[world.column('SolutionsUnsent')]).toBe(true);
    expect(referralSolutions(s, referralId)).toContain('SOL-EXTRA');
    await reconcile(s);
    expect(referralSolutions(s, referralId)).not.toContain('SOL-EXTRA');
    expect(s.dataverse.row('opportunities', id)![world.column('SolutionsUnsent')]).toBe(false);
  }, 60_000);

  test("a seller's Accept made while the decision flow is off reaches Partner Center at the next reconciliation", async () => {
    const s = await started();
    const referral = s.partnerCenter.shareReferralFromMicrosoft({ name: 'Decision while off' });
    await s.settle();
    const referralId = display(referral.id);
    const opportunity = opportunityByReferral(s, world, referralId)!;
    s.turnOff("Send the Seller's Decision to Partner Center", { forMs: 5 * 60_000 });
    s.dataverse.userUpdate('opportunities', display(opportunity.opportunityid), {
      [world.column('Decision')]: world.option('referraldecision', 'Accept'),
    });
    await s.settle();
    expect(s.partnerCenter.referral(referralId)).toMatchObject({ status: 'New' });
    await reconcile(s);
    expect(s.partnerCenter.referral(referralId)).toMatchObject({ status: 'Active', substatus: 'Accepted' });
  }, 60_000);

  test("a seller's Accept made while Partner Center is down is kept, Audit says so, and the reconciliation sends it", async () => {
    const s = await started();
    const referral = s.partnerCenter.shareReferralFromMicrosoft({ name: 'Decision in an outage' });
    await s.settle();
    const referralId = display(referral.id);
    const id = display(opportunityByReferral(s, world, referralId)!.opportunityid);
    s.partnerCenter.faults.outage({ durationMs: 30 * 60_000, retryAfterSeconds: 30 });
    const accept = world.option('referraldecision', 'Accept');
    s.dataverse.userUpdate('opportunities', id, { [world.column('Decision')]: accept });
    await s.settle();
    const waiting = s.dataverse.row('opportunities', id)!;
    expect(waiting[world.column('Decision')]).toBe(accept);
    expect(display(waiting[world.column('Audit')])).toMatch(/Decision not sent yet: .*the sync sends it again within the hour/);
    expect(s.partnerCenter.referral(referralId)).toMatchObject({ status: 'New' });
    await reconcile(s);
    expect(s.partnerCenter.referral(referralId)).toMatchObject({ status: 'Active', substatus: 'Accepted' });
  }, 60_000);
});

test('a solution added to an opportunity whose Sync is off stays in Dynamics (the deal is private)', async () => {
  const s = await started();
  const { id, referralId } = await sharedDeal(s, 'Solutions deal');
  const before = referralSolutions(s, referralId);
  s.dataverse.userUpdate('opportunities', id, { [world.column('SyncWithPartnerCenter')]: false });
  await s.settle();
  addSolution(s, id, 'SOL-PRIVATE');
  await s.settle();
  await reconcile(s);
  expect(referralSolutions(s, referralId)).toEqual(before);
}, 60_000);

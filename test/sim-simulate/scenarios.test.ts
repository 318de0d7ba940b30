import { ReferralsOperation } from '../../flows/connectors.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { readZip } from '../../core/io/zip.js';
import { formatRun } from '../../sim/runtime/format.js';
import { runScenario } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import { defaultModel } from '../support/model.js';

/**
 * Every rehearsal scenario, run on the flows read back from the built managed zip, against the two
 * emulators over real HTTP on 127.0.0.1. Each expectation is a contract point of the sync.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const entries = readZip(zip!.bytes, zip!.fileName);

/**
 * What each story does to Partner Center, independently of the scenario's own checks: its referral writes
 * (operation and status) in order, and the flow runs that did not succeed. The scenario's expectations say what state was reached.
 */
const WITNESSES: Record<string, { writes: string[]; unsuccessfulRuns?: string[] }> = {
  'cosell-referral-created': { writes: ['CreateReferral 201'] },
  'validation-failures': { writes: [] },
  'microsoft-shares-referral': { writes: [] },
  'microsoft-accepts': { writes: ['CreateReferral 201'] },
  'updates-both-ways': {
    writes: ['CreateReferral 201', 'PatchReferralById 204', 'PatchReferralById 204'],
  },
  // The close is one PATCH (status Closed/Won); the inbound echo of it writes Dynamics only.
  'won-closes-both-sides': { writes: ['CreateReferral 201', 'PatchReferralById 204'] },
  // Closed in Partner Center: Dynamics follows through Win/LoseOpportunity and writes nothing back.
  'closed-in-partner-center': { writes: ['CreateReferral 201', 'CreateReferral 201'] },
  // The flows wait out the 429s (Retry-After) and write Dynamics only.
  'dataverse-throttled': { writes: [] },
  'solutions-changed': { writes: ['CreateReferral 201', 'PatchReferralById 204', 'PatchReferralById 204'] },
  'sync-only-cosell-yes': { writes: [] },
  'sync-only-cosell-no': { writes: [] },
  'checkmark-off': { writes: ['CreateReferral 201'] },
  // One POST only: a create is never retried, because the 504 came after Partner Center committed it.
  'create-times-out-after-commit': { writes: ['CreateReferral 504'] },
  // The retry finds the committed referral by externalReferenceId: no second POST.
  'create-times-out-webhook-lost': { writes: ['CreateReferral 504'] },
  // Only the changed deal value is sent; the notes Dynamics holds cut to 2,000 characters are not written back.
  'hostile-text': { writes: ['PatchReferralById 204'] },
  'precise-deal-value': { writes: ['CreateReferral 201'] },
  'reconciliation-pages': { writes: [] },
  'webhook-and-reconciliation-overlap': { writes: [] },
  'customer-without-postal-code': { writes: [] },
  'sync-switched-off-stays-private': { writes: ['CreateReferral 201'] },
  // Two runs of 7 attempts fail (the change, and the retry its ✘ mark triggers); the merge's echo sends it.
  'seller-edit-survives-partner-edit': {
    writes: ['CreateReferral 201', ...Array<string>(14).fill('PatchReferralById 503'), 'PatchReferralById 204'],
  },
  // One PATCH per save that found a changed value; each sends the value the opportunity held when it ran.
  'quick-saves': {
    writes: [
      'CreateReferral 201',
      'PatchReferralById 204',
      'PatchReferralById 204',
      'PatchReferralById 204',
      'PatchReferralById 204',
      'PatchReferralById 204',
    ],
  },
  'dropped-webhook-reconciled': { writes: [] },
  'unanswered-referral-expires': { writes: [] },
  // In arrival order: the webhook flow runs one event at a time (trigger concurrency 1); the unknown referral's run
  // fails (its GET is 404) and answers 500.
  'forged-webhooks': {
    writes: [],
    unsuccessfulRuns: [
      'Partner Center to Dynamics 365 Cancelled',
      'Partner Center to Dynamics 365 Cancelled',
      'Partner Center to Dynamics 365 Failed',
      'Partner Center to Dynamics 365 Cancelled',
    ],
  },
  'webhook-registration-overwrite': { writes: [] },
  'duplicate-webhooks-at-once': { writes: [] },
  'same-customer-webhooks-at-once': { writes: [] },
  // The refused PATCH carries Retry-After = the 60 s left of the outage; the retry after it goes through.
  'partner-center-outage': { writes: ['CreateReferral 201', 'PatchReferralById 503', 'PatchReferralById 204'] },
  // Per ordering: the create and the seller's change; when the webhook run put Partner Center's value in the base
  // before the PATCH was recorded, a re-send of the change. With the slow read, the PATCH's record keeps the
  // inbound base for the fields it did not send, and nothing is sent twice.
  // The third order sends the seller's value twice (the same value, idempotent): the slow run's PATCH, and the run the
  // inbound write triggers, which read the opportunity before the slow run recorded what it sent.
  'same-field-conflict': {
    writes: [
      ...['CreateReferral 201', 'PatchReferralById 204', 'PatchReferralById 204'],
      ...['CreateReferral 201', 'PatchReferralById 204', 'PatchReferralById 204'],
      ...['CreateReferral 201', 'PatchReferralById 204', 'PatchReferralById 204'],
    ],
  },

  'webhook-run-fails-redelivered': { writes: ['CreateReferral 201'], unsuccessfulRuns: ['Partner Center to Dynamics 365 Failed'] },
  // Three runs (the edit, its ✘ mark, the close), each PATCH tried 7 times; then the reconciliation's touch.
  'won-during-outage-reconciled': {
    writes: ['CreateReferral 201', ...Array<string>(21).fill('PatchReferralById 503'), 'PatchReferralById 204'],
  },
  // Issue 14: one PATCH per answer sent; a refused decision (no reason, expired, answered meanwhile) sends nothing.
  'seller-accepts-referral': { writes: ['PatchReferralById 204'] },
  'seller-declines-referral-with-reason': { writes: ['PatchReferralById 204'] },
  'decision-after-expiry': { writes: [] },
  'decision-races-partner-center-edit': { writes: ['PatchReferralById 204'] },
  'seller-decides-on-lead': { writes: ['PatchReferralById 204'] },
  // Issue 11: a flow off for a while, a child flow failing.
  // A refused delivery starts no run: nothing unsuccessful in run history.
  'webhook-flow-off-briefly-redelivered': { writes: ['CreateReferral 201'] },
  'webhook-flow-off-reconciled': { writes: ['CreateReferral 201'] },
  // The missed change goes out with the reconciliation's touch: one PATCH.
  'outbound-flow-off-reconciled': { writes: ['CreateReferral 201', 'PatchReferralById 204'] },
  // Each failed child fails its webhook run, which answers 500; the third delivery succeeds.
  'customize-child-fails-twice': {
    writes: ['CreateReferral 201'],
    unsuccessfulRuns: [
      '[Customize] Create or Get Details from Dynamics 365 Failed',
      'Partner Center to Dynamics 365 Failed',
      '[Customize] Create or Get Details from Dynamics 365 Failed',
      'Partner Center to Dynamics 365 Failed',
    ],
  },
};
const REFERRAL_WRITES: ReadonlySet<string> = new Set([
  ReferralsOperation.CreateReferral,
  ReferralsOperation.PatchReferralById,
  ReferralsOperation.UpdateReferralById,
]);

describe('simulate: the seed stories, end to end', () => {
  test('every scenario has a witness', () => {
    expect(SCENARIOS.map((scenario) => scenario.name).sort()).toEqual(Object.keys(WITNESSES).sort());
  });

  test.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', async (name, scenario) => {
    const result = await runScenario(scenario, { entries, label: zip!.fileName, model });
    const failures = result.expectations.filter((expectation) => !expectation.pass);
    if (result.error !== undefined || failures.length > 0) {
      const runs = result.runs
        .filter((run) => run.status !== 'Succeeded')
        .map(formatRun)
        .join('\n');
      throw new Error(`${result.error ?? ''}\n${failures.map((f) => `✗ ${f.description}: ${f.actual}`).join('\n')}\n${runs}`);
    }
    const witness = WITNESSES[name]!;
    const writes = result.connectorCalls
      .filter((call) => call.api === 'Partner Center' && REFERRAL_WRITES.has(call.operationId))
      .map((call) => `${call.operationId} ${call.statusCode}`);
    expect(writes).toEqual(witness.writes);
    expect(result.runs.filter((run) => run.status !== 'Succeeded').map((run) => `${run.flowName} ${run.status}`)).toEqual(
      witness.unsuccessfulRuns ?? [],
    );
    expect(result.runs[0]).toMatchObject({ flowName: 'Partner Center Webhook Registration', status: 'Succeeded' });
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { createSelfSignedCertificate, signatureHeaders, verifyWebhookSignature } from '../../sim/partner-center/index.js';
import type { Delivery } from '../../sim/partner-center/webhook-dispatch.js';
import { worldOf } from '../../sim/simulate/run.js';
import { markForSync, sellerOpportunity } from '../../sim/simulate/scenarios.js';
import { Simulation } from '../../sim/simulate/session.js';
import { defaultModel } from '../support/model.js';

/**
 * Issue 11 point 5, webhook hop: forged, mis-signed and replayed requests against the running webhook flow
 * (PartnerCenterToDynamics, flows/definitions/partner-center-to-dynamics.ts) change nothing on either emulator.
 *
 * A Power Automate HTTP trigger cannot verify Partner Center's RSA signature (partner-center-webhooks, "How to
 * authenticate the callback"), so the flow does not: it trusts only the shape of ResourceUri (prefix
 * https://api.partnercenter.microsoft.com/engagements/v1/referrals/ and a 36-character last segment with five
 * dash-separated parts) and re-reads the referral from Partner Center. Each case first proves, with the documented
 * receiver check (sim/partner-center/webhook-signature.ts, the emulator's dispatch certificate pinned), that the
 * request really is unsigned / mis-signed / altered / genuine, then that the flow's run wrote nothing anywhere.
 */
const model = withFlows(defaultModel());
const [zip] = buildPackages(model, ['managed']);
const input = { entries: readZip(zip!.bytes, zip!.fileName), label: zip!.fileName, model };
const RESOURCE_PREFIX = 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/';

let sim: Simulation;
let referralId: string;
/** The genuine, signed delivery of the referral's referral-created event, as Partner Center sent it. */
let genuine: Delivery;

beforeAll(async () => {
  sim = await Simulation.start(input);
  await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
  const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Genuine referral' });
  referralId = String(shared.id);
  await sim.settle();
  const delivered = sim.partnerCenter.deliveries.find((d) => d.outcome === 'delivered' && d.eventName === 'referral-created');
  if (!delivered) throw new Error('Partner Center delivered no referral-created event: the rehearsal did not import the referral');
  genuine = delivered;
}, 30_000);
afterAll(async () => {
  await sim?.stop();
});

/** Everything both emulators hold: every Dataverse table of the model and every referral. */
function state(): string {
  const tables = [...sim.dataverse.metadata.entities.values()].map((entity) => [
    entity.entitySetName,
    sim.dataverse.rows(entity.entitySetName),
  ]);
  return JSON.stringify({ referrals: sim.partnerCenter.referrals(), tables });
}

const signedBy = (pinned: string) => (headers: Record<string, string>, body: string) =>
  verifyWebhookSignature(headers, Buffer.from(body), () => Promise.resolve(pinned), {
    trustedCertificates: [pinned],
    now: sim.clock.now(),
  });

/** Posts to the flow's endpoint as anyone who learned its URL could, lets the world settle, and reports what changed. */
async function attempt(body: string, headers: Record<string, string> = {}) {
  const before = state();
  const dataverseCalls = sim.dataverse.calls.length;
  const partnerCenterCalls = sim.partnerCenter.calls.length;
  const response = await fetch(sim.webhookUrl, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  await response.arrayBuffer();
  await sim.settle();
  const writes = (calls: ReadonlyArray<{ method: string; path: string }>) =>
    calls.filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`);
  return {
    status: response.status,
    unchanged: state() === before,
    dataverseWrites: writes(sim.dataverse.calls.slice(dataverseCalls)),
    partnerCenterWrites: writes(sim.partnerCenter.calls.slice(partnerCenterCalls)),
    partnerCenterReads: sim.partnerCenter.calls.slice(partnerCenterCalls).filter((call) => call.method === 'GET').length,
  };
}

/** A change date after every change the rehearsal made: the flow cannot know the event, so it reads the referral. */
const LATER = '2099-01-01T00:00:00.0000000+00:00';

const event = (resourceUri: string, eventName = 'referral-updated', changeDate: unknown = LATER) =>
  JSON.stringify({
    EventName: eventName,
    ResourceUri: resourceUri,
    ResourceName: 'referral',
    AuditUri: null,
    ResourceChangeUtcDate: changeDate,
  });

const NOTHING = { unchanged: true, dataverseWrites: [], partnerCenterWrites: [] };

describe('webhook hop: forged, mis-signed and replayed deliveries change nothing on either side', () => {
  test('[Webhooks · signature header missing] an unsigned event for a real referral is re-read (200) and writes nothing', async () => {
    const body = event(`${RESOURCE_PREFIX}${referralId}`);
    expect(await signedBy(sim.partnerCenter.certificatePem)({}, body)).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/missing/),
    });
    const outcome = await attempt(body);
    expect(outcome).toMatchObject({ status: 200, ...NOTHING });
    expect(outcome.partnerCenterReads).toBeGreaterThan(0);
  }, 20_000);

  test('[Webhooks · signature by another key] an event signed by a self-made "Microsoft Corporation" certificate writes nothing', async () => {
    const forger = createSelfSignedCertificate({ subject: { CN: 'api.partnercenter.microsoft.com', O: 'Microsoft Corporation' } });
    const body = event(`${RESOURCE_PREFIX}${referralId}`, 'referral-created');
    const headers = signatureHeaders(Buffer.from(body), forger.privateKey, sim.partnerCenter.certificateUrl, false);
    expect(await signedBy(sim.partnerCenter.certificatePem)(headers, body)).toMatchObject({ valid: false });
    expect(await attempt(body, headers)).toMatchObject({ status: 200, ...NOTHING });
  }, 20_000);

  test('[Webhooks · body changed after signing] the genuine signature over a body naming another referral writes nothing', async () => {
    const other = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Second referral' });
    await sim.settle();
    const body = genuine.body.replace(referralId, String(other.id)).replace('referral-created', 'referral-updated');
    expect(await signedBy(sim.partnerCenter.certificatePem)(genuine.headers, body)).toMatchObject({ valid: false });
    expect(await attempt(body, genuine.headers)).toMatchObject({ status: 200, ...NOTHING });
  }, 20_000);

  test('[Webhooks · replay] the genuine delivery sent again, byte for byte, is known: no read, nothing written', async () => {
    expect(await signedBy(sim.partnerCenter.certificatePem)(genuine.headers, genuine.body)).toMatchObject({ valid: true });
    for (let replay = 0; replay < 2; replay += 1) {
      // Its change date is not after the referral's updatedDateTime the sync recorded when it read it (known-events.ts).
      expect(await attempt(genuine.body, genuine.headers)).toMatchObject({ status: 200, ...NOTHING, partnerCenterReads: 0 });
    }
  }, 20_000);

  test.each([
    ['missing', undefined],
    ['empty', ''],
    ['not a date', 'yesterday'],
    ['a number', 20250303],
    ['an object', { utc: '2025-03-03' }],
  ])(
    '[Webhooks · payload ResourceChangeUtcDate] %s: the event cannot be known, so the referral is re-read (200), nothing written',
    async (_label, changeDate) => {
      const outcome = await attempt(event(`${RESOURCE_PREFIX}${referralId}`, 'referral-updated', changeDate));
      expect(outcome).toMatchObject({ status: 200, ...NOTHING });
      expect(outcome.partnerCenterReads).toBeGreaterThan(0);
    },
    20_000,
  );

  test.each([
    ['another host', `https://evil.example/engagements/v1/referrals/{id}`],
    ['a host that only starts like Partner Center', `https://api.partnercenter.microsoft.com.evil.example/engagements/v1/referrals/{id}`],
    ['plain http', `http://api.partnercenter.microsoft.com/engagements/v1/referrals/{id}`],
    ['user info before the host', `https://api.partnercenter.microsoft.com@evil.example/engagements/v1/referrals/{id}`],
  ])(
    '[Webhooks · ResourceUri host] %s with the real referral id is refused (400) and writes nothing',
    async (_label, uri) => {
      const outcome = await attempt(event(uri.replace('{id}', referralId)));
      expect(outcome).toMatchObject({ status: 400, ...NOTHING, partnerCenterReads: 0 });
    },
    20_000,
  );

  test.each([
    ['another resource', 'https://api.partnercenter.microsoft.com/engagements/v1/accounts/{id}'],
    ['a trailing slash', `${RESOURCE_PREFIX}{id}/`],
    ['a query string', `${RESOURCE_PREFIX}{id}?$expand=all`],
    ['a fragment', `${RESOURCE_PREFIX}{id}#x`],
    ['the id cut short', `${RESOURCE_PREFIX}{short}`],
  ])(
    '[Webhooks · ResourceUri shape] the real referral id in %s is refused (400) and writes nothing',
    async (_label, uri) => {
      const outcome = await attempt(event(uri.replace('{id}', referralId).replace('{short}', referralId.slice(0, 35))));
      expect(outcome).toMatchObject({ status: 400, ...NOTHING, partnerCenterReads: 0 });
    },
    20_000,
  );

  test.each([
    ['extra segments before the id', `${RESOURCE_PREFIX}evil/../{id}`],
    ['an upper-case prefix', `${RESOURCE_PREFIX.toUpperCase()}{id}`],
  ])(
    '[Webhooks · ResourceUri shape] the real referral id behind %s passes the shape check: it is only re-read, nothing changes',
    async (_label, uri) => {
      const outcome = await attempt(event(uri.replace('{id}', referralId)));
      expect(outcome).toMatchObject({ status: 200, ...NOTHING });
    },
    20_000,
  );

  test.each([
    ['an OData quote', "aaaaaaaa-bbbb-cccc-dddd-x' or 1 eq 1"],
    ['a query', 'aaaaaaaa-bbbb-cccc-dddd-?$top=1&x=yy'],
    ['an encoded slash', 'aaaaaaaa-bbbb-cccc-dddd-..%2F..%2Fxx'],
  ])(
    '[Webhooks · ResourceUri id] a 36-character, five-part id holding %s reaches no other resource: 500 or 400, nothing changes',
    async (_label, id) => {
      expect(id).toHaveLength(36);
      const outcome = await attempt(event(`${RESOURCE_PREFIX}${id}`));
      expect(outcome).toMatchObject(NOTHING);
      expect([400, 500]).toContain(outcome.status);
    },
    20_000,
  );

  /**
   * A related-referral event naming OUR referral (its genuine body with the event name changed, or a forged one) once
   * made MicrosoftUpdates find our own referral in the engagement and write its externalReferenceId (the
   * opportunity's own id) over the Microsoft CRM identifier, with an Audit line. The flow now skips the referral the
   * event names: a referral is never Microsoft's side of itself.
   */
  test("[Webhooks · related-referral event naming our own referral] Microsoft's CRM id and the Audit stay as they were", async () => {
    const world = worldOf(model);
    const opportunityId = sellerOpportunity(sim, world, { name: 'Co-sell with Microsoft' });
    const marked = await markForSync(sim, world, opportunityId);
    const ours = String(marked[world.column('ReferralIdentifier')]);
    sim.partnerCenter.microsoftResponds(ours, 'Accepted', { crmId: '7-MSX0001' });
    await sim.settle();
    const before = sim.dataverse.row('opportunities', opportunityId)!;
    expect(before[world.column('MicrosoftCrmIdentifier')]).toBe('7-MSX0001');
    const outcome = await attempt(event(`${RESOURCE_PREFIX}${ours}`, 'related-referral-updated'));
    const after = sim.dataverse.row('opportunities', opportunityId)!;
    expect(after[world.column('MicrosoftCrmIdentifier')]).toBe('7-MSX0001');
    expect(outcome).toMatchObject(NOTHING);
  }, 20_000);
});

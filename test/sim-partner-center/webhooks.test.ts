import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import {
  createSelfSignedCertificate,
  downloadCertificate,
  signatureHeaders,
  verifyWebhookSignature,
  DISPATCH_SUBJECT,
} from '../../sim/partner-center/index.js';
import { DAY, REFERRALS, api, createReferral, register, startEmulator, startReceiver, type Harness, type Receiver } from './support.js';
import type { Json } from '../support/json.js';

let h: Harness;
let receiver: Receiver;
beforeEach(async () => {
  h = await startEmulator();
  receiver = await startReceiver();
});
afterEach(async () => {
  await h.emulator.stop();
  await receiver.close();
});

const REGISTRATION = '/webhooks/v1/registration';
const URI = 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/';

describe('registration API', () => {
  test('[Webhooks · GET registration] 404 while none exists; POST registers; GET returns it', async () => {
    const none = await api(h.emulator, 'GET', REGISTRATION);
    expect([none.status, none.json.error.code]).toEqual([404, 'itemNotFound']);
    const created = await register(h.emulator, receiver.url);
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      SubscriberId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      WebhookUrl: receiver.url,
      WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'],
    });
    const read = await api(h.emulator, 'GET', REGISTRATION);
    expect(read.json).toEqual(created.json);
  });

  test('[Webhooks · registration] one per tenant: a second POST gets 409, PUT replaces it (same SubscriberId); PUT without one gets 404', async () => {
    const update = await api(h.emulator, 'PUT', REGISTRATION, { body: { WebhookUrl: receiver.url, WebhookEvents: ['referral-created'] } });
    expect(update.status).toBe(404);
    const first = await register(h.emulator, receiver.url);
    expect((await register(h.emulator, 'https://elsewhere.example/hook')).status).toBe(409);
    const replaced = await api(h.emulator, 'PUT', REGISTRATION, {
      body: { webhookUrl: 'https://other.example/hook', webhookEvents: ['referral-updated'] },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({
      SubscriberId: first.json.SubscriberId,
      WebhookUrl: 'https://other.example/hook',
      WebhookEvents: ['referral-updated'],
    });
  });

  test('[Webhooks · registration] an unknown event name (e.g. with a stray space) or a relative URL gets 400', async () => {
    const spaced = await api(h.emulator, 'POST', REGISTRATION, {
      body: { WebhookUrl: receiver.url, WebhookEvents: ['referral-created', ' referral-updated'] },
    });
    expect([spaced.status, spaced.json.error.target]).toEqual([400, 'WebhookEvents']);
    const relative = await api(h.emulator, 'POST', REGISTRATION, { body: { WebhookUrl: '/hook', WebhookEvents: ['referral-created'] } });
    expect([relative.status, relative.json.error.target]).toEqual([400, 'WebhookUrl']);
  });

  test('[Webhooks · GET events] lists the supported events, the four referral events among them', async () => {
    const response = await api(h.emulator, 'GET', `${REGISTRATION}/events`);
    expect(response.status).toBe(200);
    expect(response.json).toEqual(
      expect.arrayContaining([
        'referral-created',
        'referral-updated',
        'related-referral-created',
        'related-referral-updated',
        'test-created',
      ]),
    );
  });
});

describe('deliveries', () => {
  test('[Webhooks · payload] a create and a PATCH deliver referral-created / referral-updated with the documented payload', async () => {
    await register(h.emulator, receiver.url);
    const referral = await createReferral(h.emulator);
    await h.clock.sleep(2_000);
    await api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, { body: [{ op: 'replace', path: '/name', value: 'x' }] });
    expect(receiver.received).toHaveLength(0);
    await h.emulator.flushDeliveries();
    expect(receiver.received.map((r) => r.json)).toEqual([
      {
        EventName: 'referral-created',
        ResourceUri: `${URI}${referral.id}`,
        ResourceName: 'referral',
        AuditUri: null,
        ResourceChangeUtcDate: '2024-03-01T09:00:00.0000000+00:00',
      },
      {
        EventName: 'referral-updated',
        ResourceUri: `${URI}${referral.id}`,
        ResourceName: 'referral',
        AuditUri: null,
        ResourceChangeUtcDate: '2024-03-01T09:00:02.0000000+00:00',
      },
    ]);
    expect(h.emulator.deliveries.map((d) => [d.eventName, d.outcome, d.status, d.attempt])).toEqual([
      ['referral-created', 'delivered', 200, 1],
      ['referral-updated', 'delivered', 200, 1],
    ]);
  });

  test('[Webhooks · events] only registered events are delivered; nothing is queued without a registration', async () => {
    await createReferral(h.emulator);
    await api(h.emulator, 'POST', REGISTRATION, { body: { WebhookUrl: receiver.url, WebhookEvents: ['referral-updated'] } });
    const referral = await createReferral(h.emulator);
    await api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, { body: [{ op: 'replace', path: '/name', value: 'x' }] });
    await h.emulator.flushDeliveries();
    expect(receiver.received.map((r) => r.json.EventName)).toEqual(['referral-updated']);
    expect(h.emulator.events.map((e) => [e.eventName, e.queued])).toEqual([
      ['referral-created', false],
      ['referral-created', false],
      ['referral-updated', true],
    ]);
  });

  test('[Webhooks · signature] a delivery verifies with verifyWebhookSignature (cert fetched from the emulator, pinned)', async () => {
    await register(h.emulator, receiver.url);
    await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    const [delivery] = receiver.received;
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers.authorization).toMatch(/^Signature [A-Za-z0-9+/]+=*$/);
    expect(delivery.headers['x-ms-certificate-url']).toBe(`${h.emulator.baseUrl}/certificates/pcnotifications-dispatch.microsoft.com.cer`);
    expect(delivery.headers['x-ms-signature-algorithm']).toBe('rsa-sha256');
    const result = await verifyWebhookSignature(delivery.headers, delivery.body, downloadCertificate, {
      trustedCertificates: [h.emulator.certificatePem],
      now: h.clock.now(),
    });
    expect(result).toMatchObject({ valid: true, signatureHeader: 'Authorization' });
    if (result.valid) expect(result.certificate.issuer).toContain('O=Microsoft Corporation');
  });

  test('[Webhooks · signature] a tampered body, a missing header or a wrong scheme is rejected', async () => {
    await register(h.emulator, receiver.url);
    await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    const delivery = receiver.received[0];
    if (!delivery) throw new Error('no delivery');
    const tampered = Buffer.from(delivery.body.toString('utf8').replace('referral-created', 'referral-updated'));
    expect(await verifyWebhookSignature(delivery.headers, tampered, downloadCertificate)).toEqual({
      valid: false,
      reason: 'the signature does not match the body',
    });
    const without = (name: string) => Object.fromEntries(Object.entries(delivery.headers).filter(([key]) => key !== name));
    const noSignature = without('authorization');
    expect(await verifyWebhookSignature(noSignature, delivery.body, downloadCertificate)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('Authorization'),
    });
    const noCertificate = without('x-ms-certificate-url');
    expect(await verifyWebhookSignature(noCertificate, delivery.body, downloadCertificate)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('x-ms-certificate-url'),
    });
    const bearer = { ...delivery.headers, authorization: String(delivery.headers.authorization).replace('Signature', 'Bearer') };
    expect(await verifyWebhookSignature(bearer, delivery.body, downloadCertificate)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('scheme'),
    });
    const sha1 = { ...delivery.headers, 'x-ms-signature-algorithm': 'rsa-sha1' };
    expect(await verifyWebhookSignature(sha1, delivery.body, downloadCertificate)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('algorithm'),
    });
  });

  test('[Webhooks · signature] SignatureTokenToMsSignatureHeader moves the signature to x-ms-signature', async () => {
    await register(h.emulator, receiver.url, { SignatureTokenToMsSignatureHeader: true });
    await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    const delivery = receiver.received[0];
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers.authorization).toBeUndefined();
    expect(delivery.headers['x-ms-signature']).toMatch(/^Signature /);
    expect(await verifyWebhookSignature(delivery.headers, delivery.body, downloadCertificate)).toMatchObject({
      valid: true,
      signatureHeader: 'x-ms-signature',
    });
  });

  test('[Webhooks · certificate] the issuer must be O=Microsoft Corporation; a pinned anchor rejects an impostor', async () => {
    const body = Buffer.from('{"EventName":"referral-created"}');
    const contoso = createSelfSignedCertificate({ subject: { C: 'US', O: 'Contoso Ltd', CN: 'contoso' } });
    const contosoHeaders = signatureHeaders(body, contoso.privateKey, 'https://certs.example/contoso.cer', false);
    expect(await verifyWebhookSignature(contosoHeaders, body, () => Promise.resolve(contoso.der))).toMatchObject({
      valid: false,
      reason: expect.stringContaining('O=Microsoft Corporation'),
    });
    const impostor = createSelfSignedCertificate({ subject: DISPATCH_SUBJECT });
    const impostorHeaders = signatureHeaders(body, impostor.privateKey, 'https://certs.example/impostor.cer', false);
    expect(await verifyWebhookSignature(impostorHeaders, body, () => Promise.resolve(impostor.pem))).toMatchObject({ valid: true });
    expect(
      await verifyWebhookSignature(impostorHeaders, body, () => Promise.resolve(impostor.pem), {
        trustedCertificates: [h.emulator.certificatePem],
      }),
    ).toMatchObject({ valid: false, reason: expect.stringContaining('trusted') });
    const served = await downloadCertificate(h.emulator.certificateUrl);
    expect(new X509Certificate(served).fingerprint256).toBe(new X509Certificate(h.emulator.certificatePem).fingerprint256);
    const expired = createSelfSignedCertificate({
      subject: DISPATCH_SUBJECT,
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    const expiredHeaders = signatureHeaders(body, expired.privateKey, 'https://certs.example/old.cer', false);
    expect(await verifyWebhookSignature(expiredHeaders, body, () => Promise.resolve(expired.der), { now: h.clock.now() })).toMatchObject({
      valid: false,
      reason: expect.stringContaining('not valid'),
    });
  });

  test('[Webhooks · retries] a receiver error is retried (up to 10 attempts, then the offline queue)', async () => {
    await register(h.emulator, receiver.url);
    receiver.status = 500;
    await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    expect(h.emulator.deliveries.map((d) => [d.outcome, d.status, d.attempt])).toEqual([['failed', 500, 1]]);
    expect(h.emulator.pendingDeliveries).toBe(1);
    receiver.status = 202;
    await h.emulator.advance(60_000);
    expect(h.emulator.deliveries.map((d) => [d.outcome, d.status, d.attempt])).toEqual([
      ['failed', 500, 1],
      ['delivered', 202, 2],
    ]);
    receiver.status = 503;
    await createReferral(h.emulator);
    for (let i = 0; i < 12; i++) await h.emulator.advance(60_000);
    expect(h.emulator.deliveries.filter((d) => d.status === 503).map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(h.emulator.undelivered).toHaveLength(1);
    expect(h.emulator.pendingDeliveries).toBe(0);
  });

  test('[Webhooks · retries] an unreachable receiver is recorded with the network error', async () => {
    await receiver.close();
    await register(h.emulator, receiver.url);
    await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    expect(h.emulator.deliveries[0]).toMatchObject({ outcome: 'failed', attempt: 1, error: expect.any(String) });
    expect(h.emulator.deliveries[0]?.status).toBeUndefined();
  });
});

describe('delivery faults', () => {
  test('[Webhooks · faults · drop] the next N deliveries are lost (never sent, never retried)', async () => {
    await register(h.emulator, receiver.url);
    h.emulator.faults.dropDeliveries(1);
    const first = await createReferral(h.emulator);
    const second = await createReferral(h.emulator);
    await h.emulator.advance(DAY);
    expect(receiver.received.map((r) => r.json.ResourceUri)).toEqual([`${URI}${second.id}`]);
    expect(h.emulator.deliveries.map((d) => [d.resourceUri, d.outcome])).toEqual([
      [`${URI}${first.id}`, 'dropped'],
      [`${URI}${second.id}`, 'delivered'],
    ]);
  });

  test('[Webhooks · faults · duplicate] the next N deliveries arrive twice, byte for byte', async () => {
    await register(h.emulator, receiver.url);
    h.emulator.faults.duplicateDeliveries(1);
    await createReferral(h.emulator);
    await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    expect(receiver.received).toHaveLength(3);
    expect(receiver.received[0]?.body.equals(receiver.received[1]?.body as Buffer)).toBe(true);
    expect(h.emulator.deliveries.map((d) => Boolean(d.duplicate))).toEqual([false, true, false]);
  });

  test('[Webhooks · faults · out of order] the next flush sends its batch in reverse order (updated before created)', async () => {
    await register(h.emulator, receiver.url);
    h.emulator.faults.deliverOutOfOrder();
    const referral = await createReferral(h.emulator);
    await api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, { body: [{ op: 'replace', path: '/name', value: 'x' }] });
    await h.emulator.flushDeliveries();
    expect(receiver.received.map((r) => r.json.EventName)).toEqual(['referral-updated', 'referral-created']);
    await api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, { body: [{ op: 'replace', path: '/name', value: 'y' }] });
    await api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, { body: [{ op: 'replace', path: '/name', value: 'z' }] });
    await h.emulator.flushDeliveries();
    expect(h.emulator.faults.pending.reorders).toBe(0);
    expect(receiver.received).toHaveLength(4);
  });
});

describe('scenario hooks', () => {
  test('[Scenario · shareReferralFromMicrosoft] an incoming Shared New/Pending referral invited by msft raises referral-created', async () => {
    await register(h.emulator, receiver.url);
    const shared = h.emulator.shareReferralFromMicrosoft({
      name: 'From Microsoft',
      details: { notes: 'n', dealValue: 1, currency: 'EUR' },
    });
    expect(shared).toMatchObject({
      name: 'From Microsoft',
      direction: 'Incoming',
      type: 'Shared',
      status: 'New',
      substatus: 'Pending',
      qualification: 'SalesQualified',
      inviteContext: { invitedBy: { organizationId: 'msft' } },
      details: { currency: 'EUR' },
    });
    await h.emulator.flushDeliveries();
    expect(receiver.received.map((r) => [r.json.EventName, r.json.ResourceUri])).toEqual([
      ['referral-created', `${URI}${String(shared.id)}`],
    ]);
    const read = await api(h.emulator, 'GET', `${REFERRALS}?$filter=${encodeURIComponent("type eq 'Shared' and direction eq 'Incoming'")}`);
    expect(read.json.value.map((r: Json) => r.id)).toEqual([shared.id]);
  });

  test("[Scenario · microsoftResponds] Microsoft's related referral is created then updated, with its CRM id; related-referral-* events", async () => {
    await register(h.emulator, receiver.url);
    const ours = await createReferral(h.emulator);
    await h.emulator.flushDeliveries();
    const microsoft = h.emulator.microsoftResponds(ours.id, 'Accepted', { crmId: '7-ABC123' });
    expect(microsoft).toMatchObject({
      engagementId: ours.engagementId,
      organizationId: 'msft',
      status: 'Active',
      substatus: 'Accepted',
      externalReferenceId: '7-ABC123',
      trackingInfo: { microsoftMsxId: '7-ABC123' },
    });
    expect(microsoft.id).not.toBe(ours.id);
    await h.clock.sleep(DAY);
    const declined = h.emulator.microsoftResponds(ours.id, 'Declined', { crmId: '7-ABC123' });
    expect([declined.id, declined.status, declined.substatus]).toEqual([microsoft.id, 'Closed', 'Declined']);
    await h.emulator.flushDeliveries();
    expect(receiver.received.map((r) => [r.json.EventName, r.json.ResourceUri])).toEqual([
      ['referral-created', `${URI}${ours.id}`],
      ['related-referral-created', `${URI}${String(microsoft.id)}`],
      ['related-referral-updated', `${URI}${String(microsoft.id)}`],
    ]);
    const engagement = await api(h.emulator, 'GET', `${REFERRALS}?$filter=${encodeURIComponent(`engagementId eq '${ours.engagementId}'`)}`);
    expect(engagement.json.value.map((r: Json) => r.id)).toEqual([ours.id, microsoft.id]);
    expect(h.emulator.referral(ours.id)?.eTag).toBe(ours.eTag);
    const patch = await api(h.emulator, 'PATCH', `${REFERRALS}/${String(microsoft.id)}`, {
      body: [{ op: 'replace', path: '/name', value: 'x' }],
    });
    expect([patch.status, patch.json.error.code]).toEqual([403, 'accessDenied']);
    expect(() => h.emulator.microsoftResponds(ours.id, 'Accepted')).toThrow(/terminal/);
  });

  test('[Scenario · editAsPartnerUser] a UI edit gets a new eTag, so a flow holding the old one gets 412; referral-updated is delivered', async () => {
    await register(h.emulator, receiver.url);
    const referral = await createReferral(h.emulator);
    const edited = h.emulator.editAsPartnerUser(referral.id, [{ op: 'replace', path: '/details/dealValue', value: 75000 }]);
    expect(edited.eTag).not.toBe(referral.eTag);
    const stale = await api(h.emulator, 'PATCH', `${REFERRALS}/${referral.id}`, {
      body: [{ op: 'replace', path: '/details/notes', value: 'from CRM' }],
      headers: { 'If-Match': referral.eTag },
    });
    expect(stale.status).toBe(412);
    await h.emulator.flushDeliveries();
    expect(receiver.received.map((r) => r.json.EventName)).toEqual(['referral-created', 'referral-updated']);
  });
});

describe('validation events', () => {
  test('[Webhooks · validationEvents] a test-created event is delivered and its attempts are reported; 2 a minute at most', async () => {
    const refused = await api(h.emulator, 'POST', `${REGISTRATION}/validationEvents`);
    expect(refused.status).toBe(400);
    await api(h.emulator, 'POST', REGISTRATION, { body: { WebhookUrl: receiver.url, WebhookEvents: ['test-created'] } });
    const posted = await api(h.emulator, 'POST', `${REGISTRATION}/validationEvents`);
    expect(posted.status).toBe(200);
    const { correlationId } = posted.json;
    await h.emulator.flushDeliveries();
    expect(receiver.received[0]?.json).toMatchObject({
      EventName: 'test-created',
      ResourceName: 'test',
      ResourceUri: expect.stringContaining(correlationId),
    });
    const status = await api(h.emulator, 'GET', `${REGISTRATION}/validationEvents/${correlationId}`);
    expect(status.json).toMatchObject({
      correlationId,
      status: 'completed',
      callbackUrl: receiver.url,
      results: [{ responseCode: 'OK', systemError: false }],
    });
    expect((await api(h.emulator, 'POST', `${REGISTRATION}/validationEvents`)).status).toBe(200);
    const throttled = await api(h.emulator, 'POST', `${REGISTRATION}/validationEvents`);
    expect(throttled.status).toBe(429);
    // The first of the two posts leaves the one-minute window in 60 s (the virtual clock has not moved).
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBe(60);
    await h.clock.sleep(retryAfter * 1000 - 1);
    expect((await api(h.emulator, 'POST', `${REGISTRATION}/validationEvents`)).status).toBe(429);
    await h.clock.sleep(1);
    expect((await api(h.emulator, 'POST', `${REGISTRATION}/validationEvents`)).status).toBe(200);
    await h.clock.sleep(8 * DAY);
    expect((await api(h.emulator, 'GET', `${REGISTRATION}/validationEvents/${correlationId}`)).status).toBe(404);
  });
});

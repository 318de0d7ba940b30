import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import type { ConnectorRequest, ConnectorResponse } from '../../sim/contracts.js';
import { partnerCenterConnector } from '../../sim/partner-center/index.js';
import type { Json } from '../support/json.js';
import { REFERRALS, referralBody, startEmulator, type Harness } from './support.js';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(async () => {
  await h.emulator.stop();
});

/**
 * Operation ids and parameter names as the connector publishes them (SWG: microsoft/PowerPlatformConnectors
 * connectors/PartnerCenterReferrals/apiDefinition.swagger.json; PatchReferralById and the Events operations: the
 * Logic Apps SDK classes), written out here rather than taken from flows/ or contracts/.
 */
const referrals = (operationId: string, parameters: Record<string, unknown>): ConnectorRequest => ({
  apiName: 'shared_partnercenterref',
  connectionReferenceLogicalName: 'pcs_PartnerCenterReferrals',
  operationId,
  parameters,
});
const events = (operationId: string, parameters: Record<string, unknown> = {}): ConnectorRequest => ({
  apiName: 'shared_partnercenterevents',
  connectionReferenceLogicalName: 'pcs_PartnerCenterEvents',
  operationId,
  parameters,
});

const bodyOf = (response: ConnectorResponse): Json => response.body;

const lastCall = () => {
  const call = h.emulator.calls[h.emulator.calls.length - 1];
  if (!call) throw new Error('no call');
  return call;
};

describe('shared_partnercenterref', () => {
  test('[Connector · CreateReferral] POSTs the `Referral` parameter; 201 with ETag header and the referral body', async () => {
    const connector = partnerCenterConnector(h.emulator);
    const response = await connector(referrals('CreateReferral', { Referral: referralBody(), 'MS-CorrelationId': 'corr-1' }));
    expect(response.statusCode).toBe(201);
    expect(response.headers.ETag).toBe(bodyOf(response).eTag);
    expect(response.body).toMatchObject({ direction: 'Outgoing', status: 'Active' });
    expect(lastCall()).toMatchObject({ method: 'POST', path: REFERRALS, operation: 'CreateReferral', status: 201 });
    expect(lastCall().requestHeaders).toMatchObject({
      'ms-correlationid': 'corr-1',
      authorization: expect.stringMatching(/^Bearer /),
      'content-type': 'application/json',
    });
  });

  test('[Connector · GetReferralById] GETs /referrals/{id}; 404 comes back as statusCode 404 with the error body', async () => {
    const connector = partnerCenterConnector(h.emulator);
    const created = await connector(referrals('CreateReferral', { Referral: referralBody() }));
    const id = bodyOf(created).id as string;
    const found = await connector(referrals('GetReferralById', { id: id }));
    expect([found.statusCode, bodyOf(found).id, found.headers.ETag]).toEqual([200, id, bodyOf(created).eTag]);
    expect(lastCall()).toMatchObject({ method: 'GET', path: `${REFERRALS}/${id}`, operation: 'GetReferralById' });
    const missing = await connector(referrals('GetReferralById', { id: '00000000-0000-0000-0000-000000000000' }));
    expect([missing.statusCode, bodyOf(missing).error.code]).toEqual([404, 'itemNotFound']);
  });

  test('[Connector · GetAllReferrals] sends $filter, $top, $skip and $orderby as the query', async () => {
    const connector = partnerCenterConnector(h.emulator);
    for (let i = 0; i < 3; i++) await connector(referrals('CreateReferral', { Referral: referralBody({ name: `Deal ${i}` }) }));
    const response = await connector(
      referrals('GetAllReferrals', {
        $filter: 'updatedDateTime ge 2024-02-15T09:00:00.0000000Z',
        $top: 2,
        $skip: 1,
        $orderby: 'updatedDateTime asc',
      }),
    );
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response).value.map((r: Json) => r.name)).toEqual(['Deal 1', 'Deal 2']);
    expect(bodyOf(response)['@odata.count']).toBe(3);
    const url = new URL(lastCall().path, 'http://x');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      $filter: 'updatedDateTime ge 2024-02-15T09:00:00.0000000Z',
      $top: '2',
      $skip: '1',
      $orderby: 'updatedDateTime asc',
    });
  });

  test('[Connector · PatchReferralById] PATCHes the `Referral` ops; 204 by default; an undeclared `if-match` is dropped, so a stale one changes nothing', async () => {
    const undeclared: string[] = [];
    const connector = partnerCenterConnector(h.emulator, {
      onUndeclaredParameter: (api, op, key) => undeclared.push(`${api} ${op} ${key}`),
    });
    const created = bodyOf(await connector(referrals('CreateReferral', { Referral: referralBody() })));
    const ops = [{ op: 'replace', path: '/details/requirements/solutions', value: [{ id: 'SOL-1', name: 'One' }] }];
    const patched = await connector(referrals('PatchReferralById', { id: created.id, Referral: ops }));
    expect([patched.statusCode, patched.body]).toEqual([204, null]);
    expect(lastCall()).toMatchObject({ method: 'PATCH', path: `${REFERRALS}/${created.id}`, operation: 'PatchReferralById' });
    expect(lastCall().requestHeaders.prefer).toBeUndefined();
    expect(lastCall().requestHeaders['content-type']).toBe('application/json-patch+json');
    // The connector declares no if-match on PatchReferralById: a flow passing the (now stale) eTag gets no 412.
    const stale = await connector(referrals('PatchReferralById', { id: created.id, Referral: ops, 'if-match': created.eTag }));
    expect(stale.statusCode).toBe(204);
    expect(lastCall().requestHeaders['if-match']).toBeUndefined();
    expect(undeclared).toEqual(['shared_partnercenterref PatchReferralById if-match']);
    const withBody = partnerCenterConnector(h.emulator, { preferRepresentation: true });
    const represented = await withBody(referrals('PatchReferralById', { id: created.id, Referral: ops }));
    expect([represented.statusCode, bodyOf(represented).eTag]).toEqual([200, represented.headers.ETag]);
    const noOps = await connector(referrals('PatchReferralById', { id: created.id }));
    expect([noOps.statusCode, bodyOf(noOps).error.message]).toEqual([400, expect.stringContaining("'Referral'")]);
  });

  test('[Connector · UpdateReferralById] PUTs the full referral (`odataReferral`) with the required `if-match`; a stale one is 412', async () => {
    const connector = partnerCenterConnector(h.emulator);
    const created = bodyOf(await connector(referrals('CreateReferral', { Referral: referralBody() })));
    const updated = await connector(
      referrals('UpdateReferralById', {
        id: created.id,
        odataReferral: { ...created, name: 'Put' },
        'if-match': created.eTag,
      }),
    );
    expect([updated.statusCode, bodyOf(updated).name]).toEqual([200, 'Put']);
    expect(lastCall()).toMatchObject({ method: 'PUT', operation: 'UpdateReferralById', status: 200 });
    const missing = await connector(referrals('UpdateReferralById', { id: created.id, odataReferral: created }));
    expect([missing.statusCode, bodyOf(missing).error.message]).toEqual([400, expect.stringContaining('if-match')]);
    const stale = await connector(referrals('UpdateReferralById', { id: created.id, odataReferral: created, 'if-match': created.eTag }));
    expect([stale.statusCode, bodyOf(stale).error.code]).toEqual([412, 'preconditionFailed']);
    expect(h.emulator.calls).toHaveLength(3);
  });

  test("[Connector · Retry-After] a 429 comes back with statusCode 429 and the Retry-After header for the runtime's retry policy", async () => {
    h.emulator.faults.add({ operation: 'GetReferralById', status: 429, retryAfterSeconds: 12, times: 1 });
    const connector = partnerCenterConnector(h.emulator);
    const response = await connector(referrals('GetReferralById', { id: 'anything' }));
    expect([response.statusCode, response.headers['Retry-After'], bodyOf(response).error.code]).toEqual([429, '12', 'tooManyRequests']);
  });

  test('[Connector · operations] an unknown operation or api throws', async () => {
    const connector = partnerCenterConnector(h.emulator);
    await expect(connector(referrals('DeleteReferral', {}))).rejects.toThrow(/no operation DeleteReferral/);
    await expect(connector({ ...referrals('GetAllReferrals', {}), apiName: 'shared_commondataserviceforapps' })).rejects.toThrow(
      /not a Partner Center connector/,
    );
  });
});

describe('shared_partnercenterevents', () => {
  test('[Connector · ViewRegistration/EventRegistration/UpdateRegistration] GET, POST and PUT /webhooks/v1/registration with the `body` parameter', async () => {
    const connector = partnerCenterConnector(h.emulator);
    const none = await connector(events('ViewRegistration'));
    expect(none.statusCode).toBe(404);
    expect(lastCall()).toMatchObject({ method: 'GET', path: '/webhooks/v1/registration', operation: 'ViewRegistration' });
    const body = {
      WebhookUrl: 'https://prod.example/hook',
      WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'],
    };
    const registered = await connector(events('EventRegistration', { body: body }));
    expect([registered.statusCode, bodyOf(registered).WebhookUrl]).toEqual([200, body.WebhookUrl]);
    expect(lastCall()).toMatchObject({ method: 'POST', operation: 'EventRegistration' });
    const updated = await connector(events('UpdateRegistration', { body: { ...body, WebhookUrl: 'https://new.example/hook' } }));
    expect([updated.statusCode, bodyOf(updated).WebhookUrl]).toEqual([200, 'https://new.example/hook']);
    expect(lastCall()).toMatchObject({ method: 'PUT', operation: 'UpdateRegistration' });
    const viewed = await connector(events('ViewRegistration'));
    expect(bodyOf(viewed).WebhookUrl).toBe('https://new.example/hook');
    expect(h.emulator.webhookRegistration()?.WebhookEvents).toEqual(body.WebhookEvents);
  });
});

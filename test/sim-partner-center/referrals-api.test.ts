import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { DAY, REFERRALS, api, createReferral, referralBody, startEmulator, type Harness } from './support.js';
import type { Json } from '../support/json.js';

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(async () => {
  await h.emulator.stop();
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('create', () => {
  test('[Referrals API · POST · create] the server sets id, engagementId, eTag, dates, direction Outgoing and Active/Accepted', async () => {
    const response = await api(h.emulator, 'POST', REFERRALS, { body: referralBody({ status: 'New', substatus: 'Pending' }) });
    expect(response.status).toBe(201);
    const referral = response.json;
    expect(referral.id).toMatch(GUID);
    expect(referral.engagementId).toMatch(GUID);
    expect(referral.direction).toBe('Outgoing');
    expect([referral.status, referral.substatus]).toEqual(['Active', 'Accepted']);
    expect(referral.createdDateTime).toBe('2024-03-01T09:00:00.0000000Z');
    expect(referral.updatedDateTime).toBe(referral.createdDateTime);
    expect(referral.acceptedDateTime).toBe(referral.createdDateTime);
    expect(referral.eTag).toMatch(/^".+"$/);
    expect(response.headers.etag).toBe(referral.eTag);
    expect(referral.links.self.uri).toBe(`${h.emulator.baseUrl}${REFERRALS}/${referral.id}`);
    expect(referral.links.relatedReferrals.uri).toContain(`engagementId eq '${referral.engagementId}'`);
    expect(referral.customerProfile.name).toBe('Contoso Customer Inc');
    expect(h.emulator.referral(referral.id)).toMatchObject({ id: referral.id, eTag: referral.eTag });
  });

  test.each(['type', 'customerProfile', 'consent', 'details'])(
    '[Referrals API · POST · validation] a body without %s gets 400 invalidRequest in the documented error shape',
    async (property) => {
      const body = referralBody();
      delete body[property];
      const response = await api(h.emulator, 'POST', REFERRALS, { body });
      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: { code: 'invalidRequest', message: expect.stringContaining(property), target: property } });
      expect(h.emulator.referrals()).toHaveLength(0);
    },
  );

  test('[Referrals API · POST · validation] enum values, the 2-letter country and JSON syntax are checked', async () => {
    expect((await api(h.emulator, 'POST', REFERRALS, { body: referralBody({ type: 'CoSell' }) })).json.error.target).toBe('type');
    const usa = referralBody();
    (usa.customerProfile as Json).address.country = 'USA';
    expect((await api(h.emulator, 'POST', REFERRALS, { body: usa })).json.error.target).toBe('customerProfile.address.country');
    const bad = await api(h.emulator, 'POST', REFERRALS, { body: '{"type":' });
    expect([bad.status, bad.json.error.code]).toEqual([400, 'invalidRequest']);
  });

  test('[Referrals API · POST · create] read-only properties in the body are ignored', async () => {
    const referral = await createReferral(h.emulator, {
      id: 'mine',
      direction: 'Incoming',
      eTag: '"x"',
      createdDateTime: '2000-01-01T00:00:00Z',
    });
    expect(referral.id).toMatch(GUID);
    expect(referral.direction).toBe('Outgoing');
    expect(referral.createdDateTime).toBe('2024-03-01T09:00:00.0000000Z');
  });
});

describe('get', () => {
  test('[Referrals API · GET by id] returns the referral with its ETag header', async () => {
    const created = await createReferral(h.emulator);
    const response = await api(h.emulator, 'GET', `${REFERRALS}/${created.id}`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: created.id, eTag: created.eTag, '@odata.context': expect.stringContaining('$entity') });
    expect(response.headers.etag).toBe(created.eTag);
    expect(response.headers['request-id']).toMatch(GUID);
  });

  test('[Referrals API · GET by id · 404] an unknown id gets 404 itemNotFound', async () => {
    const response = await api(h.emulator, 'GET', `${REFERRALS}/00000000-0000-0000-0000-000000000000`);
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('itemNotFound');
  });

  test('[Referrals API · routing] an unsupported method gets 405, an unknown path 404', async () => {
    expect((await api(h.emulator, 'DELETE', REFERRALS)).status).toBe(405);
    expect((await api(h.emulator, 'GET', '/v1.0/engagements/nothing')).status).toBe(404);
  });
});

describe('list', () => {
  async function seed(): Promise<Json[]> {
    const created: Json[] = [];
    for (const [i, country] of ['US', 'DE', 'US', 'FR', 'US'].entries()) {
      const profile = { name: `Customer ${i}`, address: { country }, team: [{ email: `buyer${i}@example.com` }] };
      created.push(
        await createReferral(h.emulator, { name: `Deal ${i}`, customerProfile: profile, type: i % 2 === 0 ? 'Shared' : 'Independent' }),
      );
      await h.clock.sleep(60_000);
    }
    return created;
  }

  test('[Referrals API · GET list] answers @odata.context, @odata.count and value', async () => {
    const created = await seed();
    const response = await api(h.emulator, 'GET', REFERRALS);
    expect(response.status).toBe(200);
    expect(response.json['@odata.context']).toMatch(/\$metadata#Referrals$/);
    expect(response.json['@odata.count']).toBe(5);
    expect(response.json.value.map((r: Json) => r.id)).toEqual(created.map((r) => r.id));
    expect(response.json['@odata.nextLink']).toBeUndefined();
  });

  test('[Referrals API · GET list · $filter] eq/ne with and/or on enums, nested paths and engagementId', async () => {
    const created = await seed();
    const ids = async (filter: string): Promise<string[]> => {
      const response = await api(h.emulator, 'GET', `${REFERRALS}?$filter=${encodeURIComponent(filter)}`);
      expect(response.status).toBe(200);
      return response.json.value.map((r: Json) => r.name);
    };
    expect(await ids("customerProfile/address/country eq 'US' and direction eq 'Outgoing'")).toEqual(['Deal 0', 'Deal 2', 'Deal 4']);
    expect(await ids("type eq 'Independent' or customerProfile/address/country eq 'FR'")).toEqual(['Deal 1', 'Deal 3']);
    expect(await ids("(type eq 'Shared' and direction eq 'Incoming')")).toEqual([]);
    expect(await ids(`engagementId eq '${created[2].engagementId}'`)).toEqual(['Deal 2']);
    expect(await ids(`engagementId eq ${created[2].engagementId}`)).toEqual(['Deal 2']);
    expect(await ids("status ne 'Active'")).toEqual([]);
    expect(await ids("not (customerProfile/address/country eq 'US')")).toEqual(['Deal 1', 'Deal 3']);
    expect(
      await ids("status eq 'Active' and direction eq 'Outgoing' and type eq 'Shared' and team/any(t:t/email eq 'nobody@example.com')"),
    ).toEqual([]);
    expect(await ids("customerProfile/team/any(t: t/email eq 'buyer3@example.com')")).toEqual(['Deal 3']);
    expect(await ids("name eq 'It''s'")).toEqual([]);
  });

  test('[Referrals API · GET list · $filter] date-time comparisons gt/ge/lt/le, with .NET 7-digit fractions', async () => {
    await seed();
    const names = async (filter: string): Promise<string[]> =>
      (await api(h.emulator, 'GET', `${REFERRALS}?$filter=${encodeURIComponent(filter)}`)).json.value.map((r: Json) => r.name);
    expect(await names('updatedDateTime ge 2024-03-01T09:02:00Z')).toEqual(['Deal 2', 'Deal 3', 'Deal 4']);
    expect(await names('updatedDateTime gt 2024-03-01T09:02:00.0000000Z')).toEqual(['Deal 3', 'Deal 4']);
    expect(await names('createdDateTime lt 2024-03-01T09:01:00Z')).toEqual(['Deal 0']);
    expect(await names("createdDateTime le '2024-03-01T09:01:00Z' and createdDateTime ge 2024-01-01T00:00:00Z")).toEqual([
      'Deal 0',
      'Deal 1',
    ]);
    expect(await names('updatedDateTime ge 2024-03-01T10:02:00+01:00')).toEqual(['Deal 2', 'Deal 3', 'Deal 4']);
  });

  test('[Referrals API · GET list · $filter] an expression outside the subset gets 400 invalidRequest', async () => {
    for (const filter of ["contains(name,'x')", 'status eq', "status is 'New'", "(status eq 'New'"]) {
      const response = await api(h.emulator, 'GET', `${REFERRALS}?$filter=${encodeURIComponent(filter)}`);
      expect([filter, response.status, response.json.error.code]).toEqual([filter, 400, 'invalidRequest']);
    }
  });

  test('[Referrals API · GET list · $orderby] createdDateTime / updatedDateTime asc|desc; other keys get 400', async () => {
    const created = await seed();
    const desc = await api(h.emulator, 'GET', `${REFERRALS}?$orderby=${encodeURIComponent('createdDateTime desc')}`);
    expect(desc.json.value.map((r: Json) => r.id)).toEqual(created.map((r) => r.id).reverse());
    await api(h.emulator, 'PATCH', `${REFERRALS}/${created[0].id}`, {
      body: [{ op: 'replace', path: '/details/notes', value: 'touched' }],
    });
    const byUpdate = await api(h.emulator, 'GET', `${REFERRALS}?$orderby=${encodeURIComponent('updatedDateTime asc')}`);
    expect(byUpdate.json.value.map((r: Json) => r.name)).toEqual(['Deal 1', 'Deal 2', 'Deal 3', 'Deal 4', 'Deal 0']);
    expect((await api(h.emulator, 'GET', `${REFERRALS}?$orderby=name`)).status).toBe(400);
  });

  test('[Referrals API · GET list · $top/$skip] pages by skip and top; @odata.count is the whole match', async () => {
    await seed();
    const page = await api(h.emulator, 'GET', `${REFERRALS}?$top=2&$skip=2&$orderby=${encodeURIComponent('createdDateTime asc')}`);
    expect(page.json.value.map((r: Json) => r.name)).toEqual(['Deal 2', 'Deal 3']);
    expect(page.json['@odata.count']).toBe(5);
    const last = await api(h.emulator, 'GET', `${REFERRALS}?$top=2&$skip=4`);
    expect(last.json.value.map((r: Json) => r.name)).toEqual(['Deal 4']);
    expect((await api(h.emulator, 'GET', `${REFERRALS}?$top=-1`)).status).toBe(400);
  });

  test('[Referrals API · GET list · @odata.nextLink] server-driven pages link to the next one until the end', async () => {
    await h.emulator.stop();
    h = await startEmulator({ pageSize: 2 });
    await seed();
    const seen: string[] = [];
    let path: string | undefined = `${REFERRALS}?$filter=${encodeURIComponent("direction eq 'Outgoing'")}`;
    let pages = 0;
    while (path) {
      const response = await api(h.emulator, 'GET', path);
      expect(response.json['@odata.count']).toBe(5);
      seen.push(...response.json.value.map((r: Json) => r.name));
      const next: string | undefined = response.json['@odata.nextLink'];
      if (next) expect(next).toContain('$skiptoken=');
      path = next?.slice(h.emulator.baseUrl.length);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['Deal 0', 'Deal 1', 'Deal 2', 'Deal 3', 'Deal 4']);
  });

  test('[Referrals API · GET list · $select] keeps only the selected properties', async () => {
    await seed();
    const response = await api(h.emulator, 'GET', `${REFERRALS}?$select=id,status&$top=1`);
    expect(Object.keys(response.json.value[0]).sort()).toEqual(['id', 'status']);
  });
});

describe('PUT', () => {
  test('[Referrals API · PUT · If-Match] a matching eTag replaces the referral, with a new eTag and updatedDateTime', async () => {
    const created = await createReferral(h.emulator);
    await h.clock.sleep(5_000);
    const body = { ...created, name: 'Renamed' };
    const response = await api(h.emulator, 'PUT', `${REFERRALS}/${created.id}`, { body, headers: { 'If-Match': created.eTag } });
    expect(response.status).toBe(200);
    expect(response.json.name).toBe('Renamed');
    expect(response.json.eTag).not.toBe(created.eTag);
    expect(response.headers.etag).toBe(response.json.eTag);
    expect(response.json.updatedDateTime).toBe('2024-03-01T09:00:05.0000000Z');
    expect(response.json.createdDateTime).toBe(created.createdDateTime);
  });

  test('[Referrals API · PUT · If-Match] is required: without it 400, with a stale one 412 preconditionFailed', async () => {
    const created = await createReferral(h.emulator);
    const missing = await api(h.emulator, 'PUT', `${REFERRALS}/${created.id}`, { body: created });
    expect([missing.status, missing.json.error.code]).toEqual([400, 'invalidRequest']);
    await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, { body: [{ op: 'replace', path: '/name', value: 'x' }] });
    const stale = await api(h.emulator, 'PUT', `${REFERRALS}/${created.id}`, { body: created, headers: { 'If-Match': created.eTag } });
    expect([stale.status, stale.json.error.code]).toEqual([412, 'preconditionFailed']);
    expect(h.emulator.referral(created.id)?.name).toBe('x');
  });
});

describe('PATCH', () => {
  test('[Referrals API · PATCH · JSON Patch] replace and add (incl. /team/-) apply; the response is 204 without Prefer', async () => {
    const created = await createReferral(h.emulator);
    const response = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
      body: [
        { op: 'replace', path: '/details/dealValue', value: '10000' },
        { op: 'replace', path: '/details/notes', value: 'Lorem ipsum' },
        { op: 'add', path: '/team/-', value: { email: 'jane.doe@contoso.com', firstName: 'Jane', lastName: 'Doe' } },
      ],
    });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const stored = h.emulator.referral(created.id) as Json;
    expect(stored.details.dealValue).toBe(10000);
    expect(stored.details.notes).toBe('Lorem ipsum');
    expect(stored.team).toEqual([{ email: 'jane.doe@contoso.com', firstName: 'Jane', lastName: 'Doe' }]);
    expect(response.headers.etag).toBe(stored.eTag);
    expect(stored.eTag).not.toBe(created.eTag);
  });

  test('[Referrals API · PATCH · Prefer] return=representation answers 200 with the updated referral', async () => {
    const created = await createReferral(h.emulator);
    const response = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
      body: [{ op: 'replace', path: '/name', value: 'With body' }],
      headers: { Prefer: 'return=representation' },
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: created.id, name: 'With body' });
    expect(response.json.eTag).toBe(response.headers.etag);
  });

  test('[Referrals API · PATCH · If-Match] a stale ETag gets 412 preconditionFailed; the current one and * pass', async () => {
    const created = await createReferral(h.emulator);
    const first = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
      body: [{ op: 'replace', path: '/name', value: 'one' }],
      headers: { 'If-Match': created.eTag },
    });
    expect(first.status).toBe(204);
    const stale = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
      body: [{ op: 'replace', path: '/name', value: 'two' }],
      headers: { 'If-Match': created.eTag },
    });
    expect(stale.status).toBe(412);
    expect(stale.json.error.code).toBe('preconditionFailed');
    expect(h.emulator.referral(created.id)?.name).toBe('one');
    const unquoted = String(first.headers.etag).replace(/"/g, '');
    expect(
      (
        await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
          body: [{ op: 'replace', path: '/name', value: 'three' }],
          headers: { 'If-Match': unquoted },
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
          body: [{ op: 'replace', path: '/name', value: 'four' }],
          headers: { 'If-Match': '*' },
        })
      ).status,
    ).toBe(204);
  });

  test('[Referrals API · PATCH · JSON Patch] only replace and add; read-only paths and bad bodies get 400', async () => {
    const created = await createReferral(h.emulator);
    for (const body of [
      [{ op: 'remove', path: '/name' }],
      [{ op: 'replace', path: '/id', value: 'x' }],
      [{ op: 'replace', path: '/eTag', value: 'x' }],
      { op: 'replace', path: '/name', value: 'x' },
      [{ op: 'replace', path: '/status', value: 'Open' }],
    ]) {
      const response = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, { body });
      expect([JSON.stringify(body), response.status, response.json.error.code]).toEqual([JSON.stringify(body), 400, 'invalidRequest']);
    }
    expect(h.emulator.referral(created.id)?.eTag).toBe(created.eTag);
  });

  test('[Referrals API · PATCH · 404] an unknown id gets 404 itemNotFound', async () => {
    const response = await api(h.emulator, 'PATCH', `${REFERRALS}/00000000-0000-0000-0000-000000000000`, { body: [] });
    expect([response.status, response.json.error.code]).toEqual([404, 'itemNotFound']);
  });
});

describe('status transitions', () => {
  const patchStatus = (id: string, status: string, substatus: string) =>
    api(h.emulator, 'PATCH', `${REFERRALS}/${id}`, {
      body: [
        { op: 'replace', path: '/status', value: status },
        { op: 'replace', path: '/substatus', value: substatus },
      ],
    });

  test('[Referrals API · transitions] Active → Closed/Won is allowed (close as won)', async () => {
    const created = await createReferral(h.emulator);
    expect((await patchStatus(created.id, 'Closed', 'Won')).status).toBe(204);
    expect(h.emulator.referral(created.id)).toMatchObject({ status: 'Closed', substatus: 'Won' });
  });

  test('[Referrals API · transitions] Active → New and a substatus outside the table are rejected with 400', async () => {
    const created = await createReferral(h.emulator);
    const back = await patchStatus(created.id, 'New', 'Pending');
    expect([back.status, back.json.error.code, back.json.error.target]).toEqual([400, 'invalidRequest', 'status']);
    const pair = await patchStatus(created.id, 'Closed', 'Accepted');
    expect([pair.status, pair.json.error.target]).toEqual([400, 'substatus']);
    const statusOnly = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
      body: [{ op: 'replace', path: '/status', value: 'Closed' }],
    });
    expect(statusOnly.status).toBe(400);
    expect(h.emulator.referral(created.id)).toMatchObject({ status: 'Active', substatus: 'Accepted', eTag: created.eTag });
  });

  test.each(['Won', 'Lost'])(
    '[Referrals API · terminal states] after Closed/%s no further update is accepted (PATCH, PUT, UI)',
    async (substatus) => {
      const created = await createReferral(h.emulator);
      await patchStatus(created.id, 'Closed', substatus);
      const closed = h.emulator.referral(created.id) as Json;
      const notes = await api(h.emulator, 'PATCH', `${REFERRALS}/${created.id}`, {
        body: [{ op: 'replace', path: '/details/notes', value: 'late' }],
      });
      expect([notes.status, notes.json.error.code]).toEqual([400, 'invalidRequest']);
      expect(notes.json.error.message).toContain('terminal');
      const put = await api(h.emulator, 'PUT', `${REFERRALS}/${created.id}`, { body: closed, headers: { 'If-Match': closed.eTag } });
      expect(put.status).toBe(400);
      expect(() => h.emulator.editAsPartnerUser(created.id, [{ op: 'replace', path: '/name', value: 'x' }])).toThrow(/terminal/);
      expect(h.emulator.referral(created.id)?.eTag).toBe(closed.eTag);
    },
  );

  test('[Referrals API · transitions] an incoming New/Pending referral can be accepted (→ Active/Accepted, acceptedDateTime) or declined', async () => {
    const accepted = h.emulator.shareReferralFromMicrosoft();
    const declined = h.emulator.shareReferralFromMicrosoft();
    await h.clock.sleep(3_600_000);
    expect((await patchStatus(String(accepted.id), 'Active', 'Accepted')).status).toBe(204);
    expect(h.emulator.referral(String(accepted.id))).toMatchObject({
      status: 'Active',
      substatus: 'Accepted',
      acceptedDateTime: '2024-03-01T10:00:00.0000000Z',
    });
    expect((await patchStatus(String(declined.id), 'Closed', 'Declined')).status).toBe(204);
    expect((await patchStatus(String(declined.id), 'Active', 'Accepted')).status).toBe(400);
  });

  test('[Referrals API · transitions · answering an inbound referral] a decline keeps its statusReason; a pair outside the table, or any answer once expired, gets 400 invalidRequest', async () => {
    const declined = h.emulator.shareReferralFromMicrosoft();
    const answer = await api(h.emulator, 'PATCH', `${REFERRALS}/${String(declined.id)}`, {
      body: [
        { op: 'replace', path: '/status', value: 'Closed' },
        { op: 'replace', path: '/substatus', value: 'Declined' },
        { op: 'replace', path: '/statusReason', value: 'Customer chose another vendor' },
      ],
    });
    expect(answer.status).toBe(204);
    expect(h.emulator.referral(String(declined.id))).toMatchObject({
      substatus: 'Declined',
      statusReason: 'Customer chose another vendor',
    });
    const pending = h.emulator.shareReferralFromMicrosoft();
    const pair = await patchStatus(String(pending.id), 'Active', 'Declined');
    expect([pair.status, pair.json.error.code, pair.json.error.target]).toEqual([400, 'invalidRequest', 'substatus']);
    await h.emulator.advance(15 * DAY);
    const late = await patchStatus(String(pending.id), 'Active', 'Accepted');
    expect([late.status, late.json.error.code]).toEqual([400, 'invalidRequest']);
    expect(late.json.error.message).toContain('Closed/Expired');
  });
});

describe('expiry', () => {
  test('[Referrals API · 14-day expiry] an unanswered inbound referral expires to Closed/Expired on the virtual clock, with an event', async () => {
    const shared = h.emulator.shareReferralFromMicrosoft({ name: 'Unanswered' });
    const answered = h.emulator.shareReferralFromMicrosoft({ name: 'Answered' });
    const outgoing = await createReferral(h.emulator);
    expect(shared).toMatchObject({
      direction: 'Incoming',
      type: 'Shared',
      status: 'New',
      substatus: 'Pending',
      expirationDateTime: '2024-03-15T09:00:00.0000000Z',
    });
    await api(h.emulator, 'PATCH', `${REFERRALS}/${String(answered.id)}`, {
      body: [{ op: 'replace', path: '/substatus', value: 'Received' }],
    });
    await h.emulator.advance(14 * DAY - 1);
    expect(h.emulator.referral(String(shared.id))?.status).toBe('New');
    await h.emulator.advance(1);
    expect(h.emulator.referral(String(shared.id))).toMatchObject({
      status: 'Closed',
      substatus: 'Expired',
      updatedDateTime: '2024-03-15T09:00:00.0000000Z',
    });
    expect(h.emulator.referral(String(shared.id))?.eTag).not.toBe(shared.eTag);
    expect(h.emulator.referral(String(answered.id))).toMatchObject({ status: 'Closed', substatus: 'Expired' });
    expect(h.emulator.referral(outgoing.id)).toMatchObject({ status: 'Active', substatus: 'Accepted' });
    expect(h.emulator.events.filter((e) => e.eventName === 'referral-updated' && e.referralId === shared.id)).toHaveLength(1);
  });

  test('[Referrals API · 14-day expiry] an accepted inbound referral does not expire; expiry also runs on an API call after the clock moved', async () => {
    const accepted = h.emulator.shareReferralFromMicrosoft();
    const ignored = h.emulator.shareReferralFromMicrosoft();
    await api(h.emulator, 'PATCH', `${REFERRALS}/${String(accepted.id)}`, {
      body: [
        { op: 'replace', path: '/status', value: 'Active' },
        { op: 'replace', path: '/substatus', value: 'Accepted' },
      ],
    });
    await h.clock.sleep(15 * DAY);
    const response = await api(
      h.emulator,
      'GET',
      `${REFERRALS}?$filter=${encodeURIComponent("direction eq 'Incoming' and substatus eq 'Expired'")}`,
    );
    expect(response.json.value.map((r: Json) => r.id)).toEqual([ignored.id]);
    expect(h.emulator.referral(String(accepted.id))?.status).toBe('Active');
  });
});

describe('calls log', () => {
  test('[Emulator · calls] every API call is logged with method, path, operation, status and virtual time', async () => {
    await api(h.emulator, 'GET', `${REFERRALS}?$top=1`);
    await h.clock.sleep(1_000);
    await api(h.emulator, 'GET', `${REFERRALS}/nope`);
    expect(h.emulator.calls.map(({ method, path, operation, status, at }) => ({ method, path, operation, status, at }))).toEqual([
      { method: 'GET', path: `${REFERRALS}?$top=1`, operation: 'GetAllReferrals', status: 200, at: '2024-03-01T09:00:00.000Z' },
      { method: 'GET', path: `${REFERRALS}/nope`, operation: 'GetReferralById', status: 404, at: '2024-03-01T09:00:01.000Z' },
    ]);
  });

  test('[Referrals API · headers] client-request-id and MS-CorrelationId are echoed; 401 without a bearer token when required', async () => {
    const echoed = await api(h.emulator, 'GET', REFERRALS, { headers: { 'client-request-id': 'abc', 'MS-CorrelationId': 'corr' } });
    expect([echoed.headers['client-request-id'], echoed.headers['ms-correlationid']]).toEqual(['abc', 'corr']);
    await h.emulator.stop();
    h = await startEmulator({ requireAuthorization: true });
    const anonymous = await api(h.emulator, 'GET', REFERRALS, { headers: { Authorization: '' } });
    expect([anonymous.status, anonymous.json.error.code]).toEqual([401, 'unauthenticated']);
  });
});

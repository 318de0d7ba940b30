import { api, connectorCall, startEmulator, type Harness } from './support.js';

/** CONTRACT.md §V2 (empty strings), §V3 (lengths, precision and ranges from metadata), §K2 (concurrent creates of one key). */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

describe('V2 empty strings are stored as null', () => {
  test('string and memo columns: "" is null in the row and in filters (eq null)', async () => {
    const res = await api(h.dv, 'POST', '/accounts', { name: 'A', telephone1: '', description: '' }, { Prefer: 'return=representation' });
    expect(res.body).toMatchObject({ telephone1: null, description: null });
    const found = await api(h.dv, 'GET', `/accounts?$filter=${encodeURIComponent('telephone1 eq null')}`);
    expect(found.body.value).toHaveLength(1);
  });
});

describe('V3 lengths, precision and ranges from the metadata', () => {
  test('opportunity name 300, description 2000 (table reference); over → 0x80044331 with the documented message', async () => {
    expect((await api(h.dv, 'POST', '/opportunities', { name: 'n'.repeat(300), description: 'd'.repeat(2000) })).status).toBe(204);
    const long = await api(h.dv, 'POST', '/opportunities', { name: 'n'.repeat(301) });
    expect(long).toMatchObject({
      status: 400,
      body: {
        error: {
          code: '0x80044331',
          message:
            "A validation error occurred. The length of the 'name' attribute of the 'opportunity' entity exceeded the maximum allowed length of '300'.",
        },
      },
    });
    expect((await api(h.dv, 'POST', '/opportunities', { name: 'x', description: 'd'.repeat(2001) })).status).toBe(400);
  });

  test('account and contact columns the flows write (name 160, address1_postalcode 20, lastname 50, emailaddress1 100)', async () => {
    for (const [set, column, max] of [
      ['accounts', 'name', 160],
      ['accounts', 'address1_postalcode', 20],
      ['accounts', 'address1_country', 80],
      ['contacts', 'lastname', 50],
      ['contacts', 'emailaddress1', 100],
    ] as const) {
      expect(`${set}.${column} ${(await api(h.dv, 'POST', `/${set}`, { [column]: 'x'.repeat(max) })).status}`).toBe(`${set}.${column} 204`);
      const res = await api(h.dv, 'POST', `/${set}`, { [column]: 'x'.repeat(max + 1) });
      expect(`${set}.${column} ${res.status} ${String(res.body.error.code)}`).toBe(`${set}.${column} 400 0x80044331`);
    }
  });

  test("our columns' max lengths come from the model (pcs_referralidentifier)", async () => {
    const max = h.dv.metadata.entities.get('opportunity')!.attributes.get('pcs_referralidentifier')!.maxLength!;
    expect((await api(h.dv, 'POST', '/opportunities', { name: 'x', pcs_referralidentifier: 'r'.repeat(max + 1) })).status).toBe(400);
  });

  test('estimatedvalue: money rounded to precision 2, range ±1,000,000,000,000 (table reference)', async () => {
    const res = await connectorCall(h.connector, 'CreateRecord', {
      entityName: 'opportunities',
      'item/name': 'x',
      'item/estimatedvalue': 1234.5678,
    });
    expect(res.body).toMatchObject({ estimatedvalue: 1234.57 });
    const over = await api(h.dv, 'POST', '/opportunities', { name: 'x', estimatedvalue: 1_000_000_000_001 });
    expect(over.status).toBe(400);
    expect(over.body.error.message).toContain("of 'estimatedvalue' on record of type 'opportunity' is outside the valid range");
    expect((await api(h.dv, 'POST', '/opportunities', { name: 'x', estimatedvalue: -1_000_000_000_000 })).status).toBe(204);
  });
});

describe('K2 concurrent creates of one alternate key collide', () => {
  const upsert = (name: string) =>
    api(h.dv, 'PATCH', `/opportunities(pcs_referralidentifier='R-9')`, { name }, { Prefer: 'return=representation' });

  test('two upserts in flight together: one creates (201), the other gets 412 0x80060892; one row', async () => {
    const [a, b] = await Promise.all([upsert('first'), upsert('second')]);
    expect([a.status, b.status].sort()).toEqual([201, 412]);
    const loser = a.status === 412 ? a : b;
    expect(loser.body.error.code).toBe('0x80060892');
    expect(loser.body.error.message).toMatch(
      /^A record that has the attribute values .* already exists\. The entity key .* requires that this set of attributes contains unique values\./,
    );
    expect(h.dv.rows('opportunities')).toHaveLength(1);
  });

  test('the same upserts one after the other: create, then update (not serialised into a failure)', async () => {
    expect((await upsert('first')).status).toBe(201);
    expect((await upsert('second')).status).toBe(200);
    expect(h.dv.rows('opportunities')).toEqual([expect.objectContaining({ name: 'second', pcs_referralidentifier: 'R-9' })]);
  });
});

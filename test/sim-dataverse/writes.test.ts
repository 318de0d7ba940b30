import { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { defaultModel } from '../support/model.js';
import { api, EUR, startEmulator, USD, VirtualClock, type Harness } from './support.js';

/** CONTRACT.md §W (create, update, upsert, delete), §K (alternate keys), §L (lookups), §C (choices), §V (values). */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

const RETURN = { Prefer: 'return=representation' };
const idFrom = (entityId: string | null): string => /\(([0-9a-f-]{36})\)$/.exec(entityId ?? '')![1]!;

describe('W1 create (POST)', () => {
  test('answers 204 with the new row URL in OData-EntityId', async () => {
    const res = await api(h.dv, 'POST', '/accounts', { name: 'Contoso' });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(res.headers.get('odata-entityid')).toMatch(new RegExp(`^${h.dv.apiUrl.replace(/[.]/g, '\\.')}/accounts\\([0-9a-f-]{36}\\)$`));
    expect(h.dv.row('accounts', idFrom(res.headers.get('odata-entityid')))).toMatchObject({ name: 'Contoso' });
  });

  test('with Prefer: return=representation answers 201 and the row; $select applies', async () => {
    const res = await api(h.dv, 'POST', '/accounts?$select=name', { name: 'Contoso' }, RETURN);
    expect(res.status).toBe(201);
    expect(res.headers.get('preference-applied')).toBe('return=representation');
    expect(res.body).toEqual({
      '@odata.context': `${h.dv.apiUrl}/$metadata#accounts(name)/$entity`,
      '@odata.etag': expect.any(String),
      name: 'Contoso',
      accountid: idFrom(res.headers.get('odata-entityid')),
    });
  });

  test('defaults: statecode 0 with its default statuscode, model boolean defaults, base currency, createdon/modifiedon from the clock', async () => {
    h.clock.advance(3_600_000);
    const res = await api(h.dv, 'POST', '/opportunities', { name: 'Deal' }, RETURN);
    expect(res.body).toMatchObject({
      statecode: 0,
      statuscode: 1,
      pcs_syncwithpartnercenter: false,
      pcs_referralvisibility: false,
      _transactioncurrencyid_value: USD,
      exchangerate: 1,
      createdon: '2025-03-01T10:00:00Z',
      modifiedon: '2025-03-01T10:00:00Z',
    });
  });

  test('a row can be created with a chosen id; creating it again is 412 "A record with matching key values already exists."', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    expect((await api(h.dv, 'POST', '/accounts', { accountid: id, name: 'A' })).status).toBe(204);
    const again = await api(h.dv, 'POST', '/accounts', { accountid: id, name: 'B' });
    expect(again.status).toBe(412);
    expect(again.body.error.message).toBe('A record with matching key values already exists.');
  });

  test('defaultCurrency: null leaves transactioncurrencyid empty (an opportunity without currency)', () => {
    const dv = new DataverseEmulator({ model: defaultModel(), clock: new VirtualClock(), defaultCurrency: null });
    expect(dv.seed('opportunities', { name: 'x' })._transactioncurrencyid_value).toBeNull();
    expect(dv.seed('opportunities', { name: 'y', 'transactioncurrencyid@odata.bind': `/transactioncurrencies(${EUR})` })).toMatchObject({
      _transactioncurrencyid_value: EUR,
      exchangerate: 0.92,
    });
  });
});

describe('W2 update (PATCH)', () => {
  test('answers 204; only sent columns change; modifiedon and the etag move, createdon stays', async () => {
    const created = h.dv.seed('accounts', { name: 'Contoso', address1_city: 'Redmond' });
    h.clock.advance(60_000);
    const res = await api(h.dv, 'PATCH', `/accounts(${String(created.accountid)})`, { name: 'Contoso Ltd' });
    expect(res.status).toBe(204);
    const after = h.dv.row('accounts', created.accountid as string)!;
    expect(after).toMatchObject({
      name: 'Contoso Ltd',
      address1_city: 'Redmond',
      createdon: created.createdon,
      modifiedon: '2025-03-01T09:01:00Z',
    });
    expect(after['@odata.etag']).not.toBe(created['@odata.etag']);
  });

  test('with return=representation answers 200 and the row', async () => {
    const created = h.dv.seed('accounts', { name: 'Contoso' });
    const res = await api(
      h.dv,
      'PATCH',
      `/accounts(${String(created.accountid)})?$select=name`,
      { name: 'New' },
      { ...RETURN, 'If-Match': '*' },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'New', accountid: created.accountid });
  });

  test('If-Match: * on a missing row is 404 (prevent create in upsert) and creates nothing', async () => {
    const id = '00000000-0000-0000-0000-000000000001';
    const res = await api(h.dv, 'PATCH', `/accounts(${id})`, { name: 'x' }, { 'If-Match': '*' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: '0x80040217', message: `account With Id = ${id} Does Not Exist` } });
    expect(h.dv.rows('accounts')).toEqual([]);
  });

  test('If-Match with a stale etag is 412; If-None-Match: * on an existing row is 412', async () => {
    const created = h.dv.seed('accounts', { name: 'Contoso' });
    await api(h.dv, 'PATCH', `/accounts(${String(created.accountid)})`, { name: 'Changed' });
    const stale = await api(
      h.dv,
      'PATCH',
      `/accounts(${String(created.accountid)})`,
      { name: 'x' },
      { 'If-Match': created['@odata.etag'] as string },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.error.message).toBe("The version of the existing record doesn't match the RowVersion property provided.");
    const current = h.dv.row('accounts', created.accountid as string)!['@odata.etag'] as string;
    expect((await api(h.dv, 'PATCH', `/accounts(${String(created.accountid)})`, { name: 'ok' }, { 'If-Match': current })).status).toBe(204);
    const noUpdate = await api(h.dv, 'PATCH', `/accounts(${String(created.accountid)})`, { name: 'x' }, { 'If-None-Match': '*' });
    expect(noUpdate.status).toBe(412);
    expect(noUpdate.body.error.message).toBe('A record with matching key values already exists.');
  });
});

describe('W3 upsert (PATCH without If-Match)', () => {
  test('by id: creates the row with that id when missing (201 with representation), updates it the second time (200)', async () => {
    const id = '11111111-2222-4333-8444-555555555555';
    const first = await api(h.dv, 'PATCH', `/accounts(${id})`, { name: 'One' }, RETURN);
    expect(first.status).toBe(201);
    expect(first.body.accountid).toBe(id);
    const second = await api(h.dv, 'PATCH', `/accounts(${id})`, { name: 'Two' }, RETURN);
    expect(second.status).toBe(200);
    expect(h.dv.rows('accounts')).toHaveLength(1);
    expect(h.dv.row('accounts', id)).toMatchObject({ name: 'Two' });
  });

  test('by alternate key: the new row carries the key value; the same key again updates it', async () => {
    const key = `pcs_referralidentifier='${encodeURIComponent("R-O''Brien-🚀")}'`;
    expect((await api(h.dv, 'PATCH', `/opportunities(${key})`, { name: 'First' })).status).toBe(204);
    expect((await api(h.dv, 'PATCH', `/opportunities(${key})`, { name: 'Second' })).status).toBe(204);
    const rows = h.dv.rows('opportunities');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Second', pcs_referralidentifier: "R-O'Brien-🚀" });
    expect(h.dv.row('opportunities', "pcs_referralidentifier='R-O''Brien-🚀'")).toMatchObject({ name: 'Second' });
  });

  test('by alternate key: key values in the body are dropped when the row exists, kept when it is created', async () => {
    // "Use Upsert to Create or Update a record" (powerapps-docs): the server removes the key's data from the body of an
    // update, so a key cannot change through itself; a create uses the body's values, even when they differ.
    expect(
      (await api(h.dv, 'PATCH', `/opportunities(pcs_referralidentifier='R-1')`, { name: 'New', pcs_referralidentifier: 'R-2' })).status,
    ).toBe(204);
    expect(h.dv.rows('opportunities').map((row) => row.pcs_referralidentifier)).toEqual(['R-2']);
    expect(
      (await api(h.dv, 'PATCH', `/opportunities(pcs_referralidentifier='R-2')`, { name: 'Kept', pcs_referralidentifier: 'R-3' })).status,
    ).toBe(204);
    expect(h.dv.rows('opportunities').map((row) => [row.name, row.pcs_referralidentifier])).toEqual([['Kept', 'R-2']]);
  });

  test('by alternate key with If-Match: * and no such row is 404 with the key message', async () => {
    const res = await api(h.dv, 'PATCH', `/opportunities(pcs_referralidentifier='nope')`, { name: 'x' }, { 'If-Match': '*' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('A record with the specified key values does not exist in opportunity entity');
  });
});

describe('K1 alternate keys are unique', () => {
  test('a second row with the same referral id (any case) is 412 DuplicateRecordEntityKey, with the key and column labels', async () => {
    h.dv.seed('opportunities', { name: 'A', pcs_referralidentifier: 'ref-1' });
    const res = await api(h.dv, 'POST', '/opportunities', { name: 'B', pcs_referralidentifier: 'REF-1' });
    expect(res.status).toBe(412);
    expect(res.body.error).toEqual({
      code: '0x80060892',
      message:
        'A record that has the attribute values Referral Identifier already exists. The entity key Referral Identifier key requires ' +
        'that this set of attributes contains unique values. Select unique values and try again.',
    });
  });

  test('rows with an empty key column do not collide', async () => {
    h.dv.seed('opportunities', { name: 'A' });
    expect((await api(h.dv, 'POST', '/opportunities', { name: 'B' })).status).toBe(204);
  });

  test('an update that would duplicate a key is refused too', async () => {
    h.dv.seed('opportunities', { name: 'A', pcs_referralidentifier: 'ref-1' });
    const b = h.dv.seed('opportunities', { name: 'B', pcs_referralidentifier: 'ref-2' });
    const res = await api(h.dv, 'PATCH', `/opportunities(${String(b.opportunityid)})`, { pcs_referralidentifier: 'ref-1' });
    expect(res.status).toBe(412);
  });

  test('the composite solutions key (lookup + identifier): addressed as _pcs_opportunity_value=…,pcs_solutionidentifier=…', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    const other = h.dv.seed('opportunities', { name: 'Other' }).opportunityid as string;
    const bind = (id: string): string => `/opportunities(${id})`;
    h.dv.seed('pcs_partnercentersolutions', { pcs_name: 'Azure', pcs_solutionidentifier: 'S-1', 'pcs_Opportunity@odata.bind': bind(opp) });
    expect(() =>
      h.dv.seed('pcs_partnercentersolutions', { pcs_name: 'Dup', pcs_solutionidentifier: 's-1', 'pcs_Opportunity@odata.bind': bind(opp) }),
    ).toThrow(/Opportunity, Solution Identifier already exists. The entity key Opportunity and solution key/);
    h.dv.seed('pcs_partnercentersolutions', {
      pcs_name: 'Azure',
      pcs_solutionidentifier: 'S-1',
      'pcs_Opportunity@odata.bind': bind(other),
    });
    const res = await api(
      h.dv,
      'GET',
      `/pcs_partnercentersolutions(_pcs_opportunity_value=${opp},pcs_solutionidentifier='S-1')?$select=pcs_name,_pcs_opportunity_value`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ pcs_name: 'Azure', _pcs_opportunity_value: opp });
  });
});

describe('W4 delete', () => {
  test('answers 204, then 404', async () => {
    const a = h.dv.seed('accounts', { name: 'A' });
    expect((await api(h.dv, 'DELETE', `/accounts(${String(a.accountid)})`)).status).toBe(204);
    expect((await api(h.dv, 'DELETE', `/accounts(${String(a.accountid)})`)).status).toBe(404);
  });

  test('the parental relationship cascades: deleting an opportunity deletes its Partner Center solutions; other lookups are cleared', async () => {
    const account = h.dv.seed('accounts', { name: 'A' }).accountid as string;
    const opp = h.dv.seed('opportunities', { name: 'Deal', 'parentaccountid@odata.bind': `/accounts(${account})` }).opportunityid as string;
    h.dv.seed('pcs_partnercentersolutions', {
      pcs_name: 'S',
      pcs_solutionidentifier: '1',
      'pcs_Opportunity@odata.bind': `/opportunities(${opp})`,
    });
    await api(h.dv, 'DELETE', `/accounts(${account})`);
    expect(h.dv.row('opportunities', opp)).toMatchObject({ _parentaccountid_value: null });
    await api(h.dv, 'DELETE', `/opportunities(${opp})`);
    expect(h.dv.rows('pcs_partnercentersolutions')).toEqual([]);
  });
});

describe('W5 status', () => {
  test("setting statecode alone takes the state's default statuscode (Inactive → 2)", async () => {
    const account = h.dv.seed('accounts', { name: 'Contoso' });
    await api(h.dv, 'PATCH', `/accounts(${String(account.accountid)})`, { statecode: 1 });
    expect(h.dv.row('accounts', account.accountid as string)).toMatchObject({ statecode: 1, statuscode: 2 });
  });

  test('a statuscode of another state is refused', async () => {
    const res = await api(h.dv, 'POST', '/opportunities', { name: 'Deal', statecode: 0, statuscode: 3 });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^3 is not a valid status code for state code OpportunityState\.Open on opportunity with Id /);
  });
});

describe('V1 unknown columns and values are refused as Dataverse refuses them', () => {
  test('a column not in the metadata (or wrongly cased) is the documented "Invalid property" 400', async () => {
    for (const column of ['pcs_nosuchcolumn', 'Name']) {
      const res = await api(h.dv, 'POST', '/opportunities', { [column]: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(`Invalid property '${column}' was found in entity 'Microsoft.Dynamics.CRM.opportunity'.`);
    }
  });

  test('a column removed from the package is unknown here too', () => {
    const trimmed = defaultModel();
    const opportunity = trimmed.tables.find((t) => t.logicalName === 'opportunity')!;
    const model = {
      ...trimmed,
      tables: [{ ...opportunity, columns: opportunity.columns.filter((c) => c.logicalName !== 'pcs_audit') }, ...trimmed.tables.slice(1)],
    };
    const dv = new DataverseEmulator({ model, clock: new VirtualClock() });
    expect(() => dv.seed('opportunities', { pcs_audit: 'x' })).toThrow("Invalid property 'pcs_audit'");
  });

  test('text longer than the column allows', async () => {
    const res = await api(h.dv, 'POST', '/opportunities', { pcs_referralidentifier: 'x'.repeat(101) });
    expect(res.body.error.message).toBe(
      "A validation error occurred. The length of the 'pcs_referralidentifier' attribute of the 'opportunity' entity exceeded the maximum allowed length of '100'.",
    );
  });

  test('a value of the wrong JSON type', async () => {
    const res = await api(h.dv, 'POST', '/opportunities', { estimatedvalue: '100' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Cannot convert the literal '100' to the expected type 'Edm.Decimal'.");
  });

  test('a date-time without a time zone; a date-only column takes yyyy-MM-dd', async () => {
    const res = await api(h.dv, 'POST', '/opportunities', { pcs_lastsyncedon: '2025-03-01T10:00:00' });
    expect(res.body.error.message).toMatch(/^The time zone information is missing on the DateTimeOffset value/);
    const ok = await api(
      h.dv,
      'POST',
      '/opportunities',
      { estimatedclosedate: '2025-06-30', pcs_lastsyncedon: '2025-03-01T10:00:00.1234567+02:00' },
      RETURN,
    );
    expect(ok.body).toMatchObject({ estimatedclosedate: '2025-06-30', pcs_lastsyncedon: '2025-03-01T08:00:00Z' });
    expect((await api(h.dv, 'POST', '/opportunities', { estimatedclosedate: '2025-06-30T00:00:00Z' })).status).toBe(400);
  });

  test('a choice value outside the options lists the accepted values', async () => {
    const res = await api(h.dv, 'POST', '/opportunities', { pcs_referralstatus: 5 });
    expect(res.body.error.message).toBe(
      "A validation error occurred. The value 5 of 'pcs_referralstatus' on record of type 'opportunity' is outside the valid range. Accepted Values: 104370000,104370001,104370002",
    );
  });

  test('money keeps two decimals; read-only columns are ignored', async () => {
    const res = await api(
      h.dv,
      'POST',
      '/opportunities',
      { estimatedvalue: 1234.567, createdon: '2000-01-01T00:00:00Z', versionnumber: 1 },
      RETURN,
    );
    expect(res.body).toMatchObject({ estimatedvalue: 1234.57, createdon: '2025-03-01T09:00:00Z' });
  });
});

describe('L1 lookups and @odata.bind', () => {
  test("'<navprop>@odata.bind': '/accounts(guid)' sets the lookup, read back as _parentaccountid_value", async () => {
    const account = h.dv.seed('accounts', { name: 'Contoso' }).accountid as string;
    const res = await api(
      h.dv,
      'POST',
      '/opportunities',
      { name: 'Deal', 'parentaccountid@odata.bind': `/accounts(${account})` },
      {
        ...RETURN,
        Prefer: 'return=representation,odata.include-annotations="*"',
      },
    );
    expect(res.body).toMatchObject({
      _parentaccountid_value: account,
      '_parentaccountid_value@OData.Community.Display.V1.FormattedValue': 'Contoso',
      '_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      '_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty': 'parentaccountid',
    });
  });

  test('a bind to a row that does not exist is 404', async () => {
    const missing = '00000000-0000-0000-0000-000000000002';
    const res = await api(h.dv, 'POST', '/opportunities', { 'parentaccountid@odata.bind': `/accounts(${missing})` });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(`account With Id = ${missing} Does Not Exist`);
  });

  test('a custom lookup binds through its schema-name navigation property (pcs_Opportunity), not the lower-case logical name', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    const wrong = await api(h.dv, 'POST', '/pcs_partnercentersolutions', {
      pcs_name: 'S',
      'pcs_opportunity@odata.bind': `/opportunities(${opp})`,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('0x80048d19');
    expect(wrong.body.error.message).toContain(
      "An undeclared property 'pcs_opportunity' which only has property annotations in the payload",
    );
    const right = await api(
      h.dv,
      'POST',
      '/pcs_partnercentersolutions?$select=_pcs_opportunity_value',
      { pcs_name: 'S', pcs_solutionidentifier: '1', 'pcs_Opportunity@odata.bind': `/opportunities(${opp})` },
      RETURN,
    );
    expect(right.body._pcs_opportunity_value).toBe(opp);
  });

  test('writing _x_value directly is refused; binding null clears the lookup', async () => {
    const account = h.dv.seed('accounts', { name: 'A' }).accountid as string;
    const bad = await api(h.dv, 'POST', '/opportunities', { _parentaccountid_value: account });
    expect(bad.body.error.message).toBe(
      'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
    );
    const opp = h.dv.seed('opportunities', { 'parentaccountid@odata.bind': `accounts(${account})` }).opportunityid as string;
    await api(h.dv, 'PATCH', `/opportunities(${opp})`, { 'parentaccountid@odata.bind': null });
    expect(h.dv.row('opportunities', opp)!._parentaccountid_value).toBeNull();
  });

  test('a customer lookup has one navigation property per table (contact.parentcustomerid_account)', async () => {
    const account = h.dv.seed('accounts', { name: 'A' }).accountid as string;
    const res = await api(
      h.dv,
      'POST',
      '/contacts',
      { firstname: 'Ana', lastname: 'Lee', 'parentcustomerid_account@odata.bind': `/accounts(${account})` },
      {
        Prefer: 'return=representation,odata.include-annotations="*"',
      },
    );
    expect(res.body).toMatchObject({
      fullname: 'Ana Lee',
      _parentcustomerid_value: account,
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
    });
    const wrongTable = await api(h.dv, 'POST', '/contacts', { 'parentcustomerid_account@odata.bind': `/contacts(${res.body.contactid})` });
    expect(wrongTable.status).toBe(400);
  });
});

describe('C1 choices', () => {
  test('a multi-select choice is written and read as comma-separated option values; labels come as a formatted value', async () => {
    const res = await api(
      h.dv,
      'POST',
      '/opportunities?$select=pcs_howcanmicrosofthelp',
      { pcs_howcanmicrosofthelp: '104370003, 104370001' },
      {
        Prefer: 'return=representation,odata.include-annotations="OData.Community.Display.V1.FormattedValue"',
      },
    );
    expect(res.body.pcs_howcanmicrosofthelp).toBe('104370001,104370003');
    expect(res.body['pcs_howcanmicrosofthelp@OData.Community.Display.V1.FormattedValue']).toBe(
      'Customer technical architecture; Quotes and licensing',
    );
    const filtered = await api(
      h.dv,
      'GET',
      `/opportunities?$filter=${encodeURIComponent("pcs_howcanmicrosofthelp eq '104370001,104370003'")}`,
    );
    expect(filtered.body.value).toHaveLength(1);
  });

  test('an unknown option in a multi-select is refused', async () => {
    const res = await api(h.dv, 'POST', '/opportunities', { pcs_howcanmicrosofthelp: '104370001,7' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^A validation error occurred. The value 7 of 'pcs_howcanmicrosofthelp'/);
  });
});

describe('R1 request log', () => {
  test('every Web API call is logged with method, decoded path, status and virtual time', async () => {
    h.clock.advance(5_000);
    await api(h.dv, 'GET', `/accounts?$filter=${encodeURIComponent("name eq 'O''Brien 🚀'")}`);
    await api(h.dv, 'POST', '/accounts', { nosuch: 1 });
    expect(h.dv.calls).toEqual([
      { method: 'GET', path: "/api/data/v9.2/accounts?$filter=name eq 'O''Brien 🚀'", status: 200, time: '2025-03-01T09:00:05.000Z' },
      { method: 'POST', path: '/api/data/v9.2/accounts', status: 400, time: '2025-03-01T09:00:05.000Z', requestBody: { nosuch: 1 } },
    ]);
  });
});

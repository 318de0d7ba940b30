import { api, q, startEmulator, USD, type Harness } from './support.js';

/** CONTRACT.md §Q: reading rows (query options, keys, error answers). */

let h: Harness;
let contoso: string;
let obrien: string;
let emoji: string;

beforeEach(async () => {
  h = await startEmulator();
  contoso = h.dv.seed('accounts', { name: 'Contoso', address1_postalcode: '98052', revenue: 5000, numberofemployees: 120 })
    .accountid as string;
  obrien = h.dv.seed('accounts', { name: "O'Brien & Sons", address1_postalcode: '10001', revenue: 100, numberofemployees: 8 })
    .accountid as string;
  emoji = h.dv.seed('accounts', { name: 'Rocket 🚀 Labs', numberofemployees: 40 }).accountid as string;
  h.dv.seed('accounts', { name: 'contoso west' });
});
afterEach(() => h.dv.stop());

const names = (body: { value: Array<{ name?: string }> }): string[] => body.value.map((row) => row.name!);

describe('Q1 $filter literals and string comparison', () => {
  test("a quote in a value is doubled ('O''Brien') and matches the row with one quote", async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $filter: "name eq 'O''Brien & Sons'", $select: 'name' })}`);
    expect(res.status).toBe(200);
    expect(res.body.value).toEqual([{ '@odata.etag': expect.stringMatching(/^W\/"\d+"$/), name: "O'Brien & Sons", accountid: obrien }]);
  });

  test('an emoji in a value matches byte for byte', async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $filter: "name eq 'Rocket 🚀 Labs'", $select: 'accountid' })}`);
    expect(res.body.value.map((r: { accountid: string }) => r.accountid)).toEqual([emoji]);
  });

  test('string comparisons are case-insensitive (Dataverse: "All filters using string values are case insensitive")', async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $filter: "name eq 'CONTOSO'", $select: 'name' })}`);
    expect(names(res.body)).toEqual(['Contoso']);
  });

  test("an unescaped quote is the documented 'unterminated literal' error", async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $filter: "name eq 'O'Bryan'" })}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: '0x0', message: "There is an unterminated literal at position 17 in 'name eq 'O'Bryan''." },
    });
  });
});

describe('Q2 $filter operators', () => {
  test('eq/ne/gt/ge/lt/le on numbers', async () => {
    const get = async (filter: string): Promise<string[]> =>
      names((await api(h.dv, 'GET', `/accounts${q({ $filter: filter, $select: 'name' })}`)).body).sort();
    expect(await get('numberofemployees eq 40')).toEqual(['Rocket 🚀 Labs']);
    expect(await get('numberofemployees ne 40')).toEqual(['Contoso', "O'Brien & Sons"]);
    expect(await get('numberofemployees gt 40')).toEqual(['Contoso']);
    expect(await get('numberofemployees ge 40')).toEqual(['Contoso', 'Rocket 🚀 Labs']);
    expect(await get('numberofemployees lt 40')).toEqual(["O'Brien & Sons"]);
    expect(await get('numberofemployees le 40')).toEqual(["O'Brien & Sons", 'Rocket 🚀 Labs']);
    expect(await get('revenue gt 99.5')).toEqual(['Contoso', "O'Brien & Sons"]);
  });

  test('and/or/not with parentheses; not() of a comparison with an empty column stays unknown (contoso west has no head count)', async () => {
    const res = await api(
      h.dv,
      'GET',
      `/accounts${q({
        $filter: "(startswith(name,'Con') or contains(name,'rocket')) and not (numberofemployees eq 40)",
        $select: 'name',
      })}`,
    );
    expect(names(res.body)).toEqual(['Contoso']);
  });

  test('null: eq null / ne null test for a value; other comparisons never match an empty column', async () => {
    const empty = names((await api(h.dv, 'GET', `/accounts${q({ $filter: 'address1_postalcode eq null', $select: 'name' })}`)).body);
    expect(empty.sort()).toEqual(['Rocket 🚀 Labs', 'contoso west']);
    const filled = names((await api(h.dv, 'GET', `/accounts${q({ $filter: 'address1_postalcode ne null', $select: 'name' })}`)).body);
    expect(filled.sort()).toEqual(['Contoso', "O'Brien & Sons"]);
    const notThat = names((await api(h.dv, 'GET', `/accounts${q({ $filter: "address1_postalcode ne '98052'", $select: 'name' })}`)).body);
    expect(notThat).toEqual(["O'Brien & Sons"]);
  });

  test('contains/startswith/endswith are case-insensitive LIKE conditions (% and _ are wildcards)', async () => {
    const get = async (filter: string): Promise<string[]> =>
      names((await api(h.dv, 'GET', `/accounts${q({ $filter: filter, $select: 'name' })}`)).body).sort();
    expect(await get("contains(name,'SONS')")).toEqual(["O'Brien & Sons"]);
    expect(await get("startswith(name,'contoso')")).toEqual(['Contoso', 'contoso west']);
    expect(await get("endswith(name,'Labs')")).toEqual(['Rocket 🚀 Labs']);
    expect(await get("startswith(name,'C_ntoso')")).toEqual(['Contoso', 'contoso west']);
    expect(await get("contains(name,'O''Brien')")).toEqual(["O'Brien & Sons"]);
  });

  test('a lookup is filtered through its _x_value property, GUID unquoted (as our flows send it) or quoted', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal', 'parentaccountid@odata.bind': `/accounts(${contoso})` });
    h.dv.seed('opportunities', { name: 'Other' });
    for (const filter of [`_parentaccountid_value eq ${contoso}`, `_parentaccountid_value eq '${contoso}'`]) {
      const res = await api(h.dv, 'GET', `/opportunities${q({ $filter: filter, $select: 'name' })}`);
      expect(res.body.value.map((r: { opportunityid: string }) => r.opportunityid)).toEqual([opp.opportunityid]);
    }
    // A GUID that starts with a letter is still a GUID literal, not a property name.
    const byCurrency = await api(
      h.dv,
      'GET',
      `/opportunities${q({ $filter: `_transactioncurrencyid_value eq ${USD.toUpperCase()}`, $select: 'name' })}`,
    );
    expect(byCurrency.body.value).toHaveLength(2);
  });

  test('date-time, date and boolean literals', async () => {
    h.dv.seed('opportunities', {
      name: 'Early',
      estimatedclosedate: '2025-01-15',
      pcs_lastsyncedon: '2025-01-01T10:00:00Z',
      pcs_syncwithpartnercenter: true,
    });
    h.dv.seed('opportunities', { name: 'Late', estimatedclosedate: '2025-06-30', pcs_lastsyncedon: '2025-02-01T10:00:00+02:00' });
    const get = async (filter: string): Promise<string[]> =>
      names((await api(h.dv, 'GET', `/opportunities${q({ $filter: filter, $select: 'name' })}`)).body);
    expect(await get('estimatedclosedate gt 2025-03-01')).toEqual(['Late']);
    expect(await get('pcs_lastsyncedon lt 2025-01-15T00:00:00Z')).toEqual(['Early']);
    expect(await get('pcs_syncwithpartnercenter eq true')).toEqual(['Early']);
    expect(await get('pcs_syncwithpartnercenter eq false')).toEqual(['Late']);
  });

  test("comparing a text column with a number is refused with OData's incompatible-types error", async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $filter: 'name eq 5' })}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'.",
    );
  });

  test('a column not in the metadata is refused in $filter like in $select', async () => {
    const res = await api(h.dv, 'GET', `/opportunities${q({ $filter: "pcs_nosuchcolumn eq 'x'" })}`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe("Could not find a property named 'pcs_nosuchcolumn' on type 'Microsoft.Dynamics.CRM.opportunity'.");
  });

  test('filters Dataverse has but the emulator does not are 501, never a silent wrong answer', async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $filter: "Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['a'])" })}`);
    expect(res.status).toBe(501);
    const path = await api(h.dv, 'GET', `/opportunities${q({ $filter: "parentaccountid/name eq 'Contoso'" })}`);
    expect(path.status).toBe(501);
  });
});

describe('Q3 $select', () => {
  test('returns the chosen columns, the primary key and the etag; a money column brings _transactioncurrencyid_value', async () => {
    const res = await api(h.dv, 'GET', `/accounts(${contoso})${q({ $select: 'name,revenue' })}`);
    expect(res.body).toEqual({
      '@odata.context': `${h.dv.apiUrl}/$metadata#accounts(name,revenue)/$entity`,
      '@odata.etag': expect.any(String),
      name: 'Contoso',
      revenue: 5000,
      _transactioncurrencyid_value: USD,
      accountid: contoso,
    });
  });

  test('without $select every column comes back, empty ones as null', async () => {
    const res = await api(h.dv, 'GET', `/accounts(${emoji})`);
    expect(res.body).toMatchObject({
      name: 'Rocket 🚀 Labs',
      address1_postalcode: null,
      _primarycontactid_value: null,
      statecode: 0,
      statuscode: 1,
    });
  });

  test('an unknown column, a wrongly cased one and a lookup named without _x_value are refused', async () => {
    for (const column of ['nosuch', 'Name', 'parentaccountid']) {
      const res = await api(h.dv, 'GET', `/opportunities${q({ $select: column })}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        code: '0x0',
        message: `Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.opportunity'.`,
      });
    }
  });
});

describe('Q4 $orderby and $top', () => {
  test('ascending puts empty values first; desc reverses; $top cuts after ordering', async () => {
    const asc = await api(h.dv, 'GET', `/accounts${q({ $select: 'name', $orderby: 'address1_postalcode asc,name' })}`);
    expect(names(asc.body)).toEqual(['contoso west', 'Rocket 🚀 Labs', "O'Brien & Sons", 'Contoso']);
    const top = await api(h.dv, 'GET', `/accounts${q({ $select: 'name', $orderby: 'numberofemployees desc', $top: 2 })}`);
    expect(names(top.body)).toEqual(['Contoso', 'Rocket 🚀 Labs']);
  });

  test("a lookup sorts by the related row's primary name, a choice by its value", async () => {
    h.dv.seed('opportunities', { name: 'to Rocket', 'parentaccountid@odata.bind': `/accounts(${emoji})`, pcs_referralstatus: 104370000 });
    h.dv.seed('opportunities', {
      name: 'to Contoso',
      'parentaccountid@odata.bind': `/accounts(${contoso})`,
      pcs_referralstatus: 104370002,
    });
    h.dv.seed('opportunities', { name: 'to nobody', pcs_referralstatus: 104370001 });
    const byAccount = await api(h.dv, 'GET', `/opportunities${q({ $select: 'name', $orderby: '_parentaccountid_value' })}`);
    expect(names(byAccount.body)).toEqual(['to nobody', 'to Contoso', 'to Rocket']);
    const byStatus = await api(h.dv, 'GET', `/opportunities${q({ $select: 'name', $orderby: 'pcs_referralstatus desc' })}`);
    expect(names(byStatus.body)).toEqual(['to Contoso', 'to nobody', 'to Rocket']);
  });

  test('the reconciliation query: latest pcs_lastsyncedon that is not null', async () => {
    h.dv.seed('opportunities', { name: 'A', pcs_lastsyncedon: '2025-02-01T00:00:00Z' });
    h.dv.seed('opportunities', { name: 'B', pcs_lastsyncedon: '2025-02-03T00:00:00Z' });
    h.dv.seed('opportunities', { name: 'C' });
    const res = await api(
      h.dv,
      'GET',
      `/opportunities${q({ $select: 'pcs_lastsyncedon', $filter: 'pcs_lastsyncedon ne null', $orderby: 'pcs_lastsyncedon desc', $top: 1 })}`,
    );
    expect(res.body.value).toEqual([expect.objectContaining({ pcs_lastsyncedon: '2025-02-03T00:00:00Z' })]);
  });

  test('$count=true adds @odata.count (before $top)', async () => {
    const res = await api(h.dv, 'GET', `/accounts${q({ $select: 'name', $top: 1, $count: 'true' })}`);
    expect(res.body['@odata.count']).toBe(4);
    expect(res.body.value).toHaveLength(1);
  });

  test('an invalid $top and an option Dataverse does not support are refused', async () => {
    expect((await api(h.dv, 'GET', `/accounts${q({ $top: -1 })}`)).status).toBe(400);
    const skip = await api(h.dv, 'GET', `/accounts${q({ $skip: 1 })}`);
    expect(skip.body.error.message).toBe('The query parameter $skip is not supported');
  });
});

describe('Q5 $expand of single-valued navigation properties', () => {
  test('transactioncurrencyid($select=isocurrencycode), as Get_opportunity sends it', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal', estimatedvalue: 10 });
    const res = await api(
      h.dv,
      'GET',
      `/opportunities(${String(opp.opportunityid)})${q({ $select: 'name', $expand: 'transactioncurrencyid($select=isocurrencycode)' })}`,
    );
    expect(res.body.transactioncurrencyid).toEqual({
      '@odata.etag': expect.any(String),
      isocurrencycode: 'USD',
      transactioncurrencyid: USD,
    });
  });

  test('an empty lookup expands to null; an unknown navigation property is refused', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal' });
    const res = await api(
      h.dv,
      'GET',
      `/opportunities(${String(opp.opportunityid)})${q({ $select: 'name', $expand: 'parentaccountid($select=name)' })}`,
    );
    expect(res.body.parentaccountid).toBeNull();
    const bad = await api(h.dv, 'GET', `/opportunities${q({ $expand: 'nosuch' })}`);
    expect(bad.body.error.message).toBe("Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.opportunity'.");
  });

  test('a collection-valued navigation property is 501', async () => {
    const res = await api(h.dv, 'GET', `/opportunities${q({ $expand: 'pcs_Opportunity_PartnerCenterSolution' })}`);
    expect(res.status).toBe(501);
  });
});

describe('Q6 retrieve by key', () => {
  test('by id and by alternate key; misses are 404 with the Dataverse messages', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Keyed', pcs_referralidentifier: "ref-'1'" });
    const byKey = await api(
      h.dv,
      'GET',
      `/opportunities(pcs_referralidentifier='${encodeURIComponent("ref-''1''")}')${q({ $select: 'name' })}`,
    );
    expect(byKey.body).toMatchObject({ name: 'Keyed', opportunityid: opp.opportunityid });
    const missing = '00000000-0000-0000-0000-000000000001';
    expect((await api(h.dv, 'GET', `/opportunities(${missing})`)).body).toEqual({
      error: { code: '0x80040217', message: `opportunity With Id = ${missing} Does Not Exist` },
    });
    const missingKey = await api(h.dv, 'GET', `/opportunities(pcs_referralidentifier='nope')`);
    expect(missingKey.status).toBe(404);
    expect(missingKey.body.error.message).toBe('A record with the specified key values does not exist in opportunity entity');
  });

  test('columns that are not a defined alternate key are refused', async () => {
    const res = await api(h.dv, 'GET', `/opportunities(name='x')`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toBe('The requested key attributes do not exist for the entity opportunity');
  });

  test('an unknown entity set is 404 "Resource not found for the segment"', async () => {
    const res = await api(h.dv, 'GET', '/Opportunity');
    expect(res.body).toEqual({ error: { code: '0x8006088a', message: "Resource not found for the segment 'Opportunity'." } });
  });
});

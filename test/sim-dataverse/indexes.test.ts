import { api, q, startEmulator, type Harness } from './support.js';

/**
 * The emulator answers key lookups and `$filter` equalities from indexes kept on every write (sim/dataverse/indexes.ts).
 * These tests hold it to the contract points a scan met: [Q1] case-insensitive string equality, [Q4] creation order
 * without `$orderby`, [Q6] retrieve by alternate key, [W] alternate-key uniqueness — after the indexed values change.
 */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

const ids = async (path: string): Promise<string[]> => {
  const res = await api(h.dv, 'GET', path);
  expect(res.status).toBe(200);
  return (res.body.value as Array<{ accountid: string }>).map((row) => row.accountid);
};
const byName = (name: string): string => `/accounts${q({ $filter: `name eq '${name}'`, $select: 'accountid' })}`;

describe('[Q1][Q4] equality filters after writes change the filtered column', () => {
  test('a row renamed, deleted or created is found under its current value only, in creation order, case-insensitively', async () => {
    const first = h.dv.seed('accounts', { name: 'Contoso' }).accountid as string;
    const second = h.dv.seed('accounts', { name: 'Fabrikam' }).accountid as string;
    expect(await ids(byName('contoso'))).toEqual([first]); // the index on name is made by this first query

    h.dv.userUpdate('accounts', second, { name: 'CONTOSO' });
    const third = h.dv.seed('accounts', { name: 'contoso' }).accountid as string;
    expect(await ids(byName('Contoso'))).toEqual([first, second, third]);
    expect(await ids(byName('Fabrikam'))).toEqual([]);

    h.dv.userUpdate('accounts', first, { name: null });
    h.dv.userDelete('accounts', third);
    expect(await ids(byName('Contoso'))).toEqual([second]);
  });

  test('and / or combinations and a non-indexable part (a date-time, a function) give what a scan gives', async () => {
    const a = h.dv.seed('accounts', { name: 'A', address1_postalcode: '98052' }).accountid as string;
    const b = h.dv.seed('accounts', { name: 'B', address1_postalcode: '98052' }).accountid as string;
    const c = h.dv.seed('accounts', { name: 'C', address1_postalcode: '10001' }).accountid as string;
    const filter = (text: string): string => `/accounts${q({ $filter: text, $select: 'accountid' })}`;
    expect(await ids(filter("address1_postalcode eq '98052' and name eq 'b'"))).toEqual([b]);
    expect(await ids(filter("name eq 'C' or address1_postalcode eq '98052'"))).toEqual([a, b, c]);
    expect(await ids(filter("name eq 'A' or startswith(name, 'C')"))).toEqual([a, c]);
    expect(await ids(filter("address1_postalcode eq '98052' and not (name eq 'A')"))).toEqual([b]);
    expect(await ids(filter("name eq 'A' and createdon ge 2000-01-01T00:00:00Z"))).toEqual([a]);
    expect(await ids(filter("name ne 'A' and address1_postalcode eq '10001'"))).toEqual([c]);
  });

  test('a lookup equality (_x_value) follows the lookup as it is re-pointed', async () => {
    const one = h.dv.seed('accounts', { name: 'One' }).accountid as string;
    const two = h.dv.seed('accounts', { name: 'Two' }).accountid as string;
    const contact = h.dv.seed('contacts', { lastname: 'Ng', 'parentcustomerid_account@odata.bind': `/accounts(${one})` })
      .contactid as string;
    const ofAccount = async (id: string): Promise<unknown[]> =>
      (await api(h.dv, 'GET', `/contacts${q({ $filter: `_parentcustomerid_value eq ${id.toUpperCase()}`, $select: 'lastname' })}`)).body
        .value;
    expect(await ofAccount(one)).toHaveLength(1);
    h.dv.userUpdate('contacts', contact, { 'parentcustomerid_account@odata.bind': `/accounts(${two})` });
    expect(await ofAccount(one)).toHaveLength(0);
    expect(await ofAccount(two)).toHaveLength(1);
  });
});

describe('[Q6][W] alternate keys after the key value changes', () => {
  test('retrieve and uniqueness follow a key moved from one row to another', async () => {
    const key = (value: string): string => `/opportunities(pcs_referralidentifier='${value}')`;
    expect((await api(h.dv, 'PATCH', key('R-1'), { name: 'First' })).status).toBe(204);
    expect((await api(h.dv, 'PATCH', key('R-2'), { name: 'Second' })).status).toBe(204);
    expect((await api(h.dv, 'PATCH', key('R-1'), { pcs_referralidentifier: 'R-2' })).status).toBe(204); // the key column in the body is dropped [W]

    const first = h.dv.row('opportunities', "pcs_referralidentifier='r-1'")!;
    const moved = await api(h.dv, 'PATCH', `/opportunities(${String(first.opportunityid)})`, { pcs_referralidentifier: 'R-2' });
    expect(moved.status).toBe(412);
    expect(moved.body.error.code).toBe('0x80060892');

    h.dv.userUpdate('opportunities', "pcs_referralidentifier='R-2'", { pcs_referralidentifier: 'R-3' });
    expect((await api(h.dv, 'PATCH', `/opportunities(${String(first.opportunityid)})`, { pcs_referralidentifier: 'r-2' })).status).toBe(
      204,
    );
    expect((await api(h.dv, 'GET', `${key('R-2')}?$select=name`)).body.name).toBe('First');
    expect((await api(h.dv, 'GET', `${key('R-3')}?$select=name`)).body.name).toBe('Second');
    expect((await api(h.dv, 'GET', key('R-1'))).status).toBe(404);
  });
});

import { dataverseConnector, itemOf } from '../../sim/dataverse/connector.js';
import { flows, type Json } from '../sync-flows/support.js';
import { contractOf, operationOf, parameterFor } from '../../contracts/index.js';
import { body, connectorCall, DATAVERSE, startEmulator, USD, type Harness } from './support.js';

/** CONTRACT.md §A: the connector adapter, built from contracts/connectors/commondataserviceforapps.json, called with the exact parameter shapes our flows send. */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

const contract = contractOf(DATAVERSE)!;

/** Every Dataverse connector action of the built flows. */
function dataverseActions(): Array<{ flow: string; action: string; operationId: string; parameters: Record<string, unknown> }> {
  const found: Array<{ flow: string; action: string; operationId: string; parameters: Record<string, unknown> }> = [];
  const visit = (flow: string, actions: Record<string, Json> | undefined): void => {
    for (const [name, action] of Object.entries(actions ?? {})) {
      const host = action.inputs?.host;
      if (action.type === 'OpenApiConnection' && String(host?.apiId).endsWith('/shared_commondataserviceforapps')) {
        found.push({ flow, action: name, operationId: host.operationId, parameters: action.inputs.parameters });
      }
      visit(flow, action.actions);
      visit(flow, action.else?.actions);
      for (const branch of Object.values<Json>(action.cases ?? {})) visit(flow, branch.actions);
      visit(flow, action.default?.actions);
    }
  };
  for (const flow of flows) visit(flow.name, (flow.document as Json).properties.definition.actions);
  return found;
}

describe('A0 coverage of our flows', () => {
  test('every Dataverse action our flows send is an operation of the contract, with parameter keys it declares', () => {
    const actions = dataverseActions();
    expect(actions.length).toBeGreaterThan(10);
    for (const { flow, action, operationId, parameters } of actions) {
      const operation = operationOf(contract, operationId);
      expect(`${flow}/${action}: ${operationId}`).toBe(`${flow}/${action}: ${operation ? operationId : '(not in the contract)'}`);
      for (const key of Object.keys(parameters)) {
        expect(`${flow}/${action}: ${key}`).toBe(`${flow}/${action}: ${operation && parameterFor(operation, key) ? key : '(undeclared)'}`);
      }
    }
  });

  test('item/<column> keys and a whole item object are merged into one row (flattened keys win)', () => {
    expect(itemOf({ entityName: 'x', item: { a: 1, b: 2 }, 'item/b': 3, 'item/c@odata.bind': '/accounts(1)' })).toEqual({
      a: 1,
      b: 3,
      'c@odata.bind': '/accounts(1)',
    });
    expect(itemOf({ item: 'text' })).toBe("The 'item' parameter must be an object.");
  });
});

describe('A1 ListRecords', () => {
  test('Find_account: $select, $filter with a doubled quote, $top 1 → body.value', async () => {
    const id = h.dv.seed('accounts', { name: "O'Brien 🚀", address1_postalcode: '98052' }).accountid;
    h.dv.seed('accounts', { name: "O'Brien 🚀", address1_postalcode: '10001' });
    const res = await connectorCall(h.connector, 'ListRecords', {
      entityName: 'accounts',
      $select: 'accountid',
      $filter: "name eq 'O''Brien 🚀' and address1_postalcode eq '98052'",
      $top: 1,
    });
    expect(res.statusCode).toBe(200);
    expect(body(res).value).toEqual([{ '@odata.etag': expect.any(String), accountid: id }]);
  });

  test('List_solutions: lookup filter with an unquoted GUID', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    h.dv.seed('pcs_partnercentersolutions', {
      pcs_name: 'Azure',
      pcs_solutionidentifier: 'S-1',
      'pcs_Opportunity@odata.bind': `/opportunities(${opp})`,
    });
    const res = await connectorCall(h.connector, 'ListRecords', {
      entityName: 'pcs_partnercentersolutions',
      $select: 'pcs_solutionidentifier,pcs_name',
      $filter: `_pcs_opportunity_value eq ${opp}`,
    });
    expect(body(res).value).toEqual([expect.objectContaining({ pcs_solutionidentifier: 'S-1', pcs_name: 'Azure' })]);
  });

  test('Latest_synced_opportunity: $orderby desc with $top', async () => {
    h.dv.seed('opportunities', { name: 'A', pcs_lastsyncedon: '2025-02-01T00:00:00Z' });
    h.dv.seed('opportunities', { name: 'B', pcs_lastsyncedon: '2025-02-05T00:00:00Z' });
    const res = await connectorCall(h.connector, 'ListRecords', {
      entityName: 'opportunities',
      $select: 'pcs_lastsyncedon',
      $filter: 'pcs_lastsyncedon ne null',
      $orderby: 'pcs_lastsyncedon desc',
      $top: 1,
    });
    expect(body(res).value.map((r: Json) => r.pcs_lastsyncedon)).toEqual(['2025-02-05T00:00:00Z']);
  });

  test('rows come with formatted values (the connector asks for all annotations)', async () => {
    h.dv.seed('opportunities', { name: 'Deal', pcs_referralstatus: 104370001 });
    const res = await connectorCall(h.connector, 'ListRecords', { entityName: 'opportunities', $select: 'pcs_referralstatus' });
    expect(body(res).value[0]['pcs_referralstatus@OData.Community.Display.V1.FormattedValue']).toBe('Active');
  });
});

describe('A2 GetItem', () => {
  test('Get_opportunity: recordId, $select with _x_value and the deal value field, $expand of the currency', async () => {
    const account = h.dv.seed('accounts', { name: 'Contoso' }).accountid as string;
    const opp = h.dv.seed('opportunities', { name: 'Deal', estimatedvalue: 5000, 'parentaccountid@odata.bind': `/accounts(${account})` })
      .opportunityid as string;
    const res = await connectorCall(h.connector, 'GetItem', {
      entityName: 'opportunities',
      recordId: opp,
      $select:
        'name,description,estimatedclosedate,_parentaccountid_value,_parentcontactid_value,pcs_howcanmicrosofthelp,pcs_referralvisibility,pcs_audit,estimatedvalue',
      $expand: 'transactioncurrencyid($select=isocurrencycode)',
    });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({
      opportunityid: opp,
      name: 'Deal',
      estimatedvalue: 5000,
      _parentaccountid_value: account,
      _parentcontactid_value: null,
      pcs_referralvisibility: false,
      transactioncurrencyid: { isocurrencycode: 'USD', transactioncurrencyid: USD },
    });
  });

  test("a missing row is 404 with Dataverse's error body; an empty recordId is 400", async () => {
    const missing = '00000000-0000-0000-0000-00000000000a';
    const res = await connectorCall(h.connector, 'GetItem', { entityName: 'accounts', recordId: missing });
    expect(res).toMatchObject({
      statusCode: 404,
      body: { error: { code: '0x80040217', message: `account With Id = ${missing} Does Not Exist` } },
    });
    expect((await connectorCall(h.connector, 'GetItem', { entityName: 'accounts', recordId: '' })).statusCode).toBe(400);
  });
});

describe('A3 CreateRecord', () => {
  test('Create_customer_contact: item/<column> keys with item/parentcustomerid_account@odata.bind → 201 and the row', async () => {
    const account = h.dv.seed('accounts', { name: 'Contoso' }).accountid as string;
    const res = await connectorCall(h.connector, 'CreateRecord', {
      entityName: 'contacts',
      'item/firstname': 'Ana',
      'item/lastname': "O'Neil",
      'item/emailaddress1': 'ana@contoso.com',
      'item/telephone1': null,
      'item/parentcustomerid_account@odata.bind': `/accounts(${account})`,
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['odata-entityid']).toContain('/contacts(');
    expect(body(res)).toMatchObject({
      fullname: "Ana O'Neil",
      emailaddress1: 'ana@contoso.com',
      telephone1: null,
      _parentcustomerid_value: account,
    });
  });

  test('Create_customer_account: a whole item object (keys set by setProperty, incl. the country field)', async () => {
    const res = await connectorCall(h.connector, 'CreateRecord', {
      entityName: 'accounts',
      item: {
        name: 'Contoso',
        address1_line1: '1 Main St',
        address1_line2: null,
        address1_city: 'Taipei',
        address1_stateorprovince: null,
        address1_postalcode: '100',
        address1_country: 'TW',
      },
    });
    expect(res.statusCode).toBe(201);
    expect(h.dv.rows('accounts')).toEqual([expect.objectContaining({ name: 'Contoso', address1_country: 'TW', address1_line2: null })]);
  });

  test('Create_a_new_lead: lead columns incl. estimatedvalue (a float on lead)', async () => {
    const res = await connectorCall(h.connector, 'CreateRecord', {
      entityName: 'leads',
      'item/subject': 'Referral',
      'item/companyname': 'Contoso',
      'item/firstname': null,
      'item/lastname': 'Contoso',
      'item/emailaddress1': null,
      'item/telephone1': null,
      'item/description': 'notes',
      'item/estimatedvalue': 12.345,
    });
    expect(body(res)).toMatchObject({ subject: 'Referral', fullname: 'Contoso', estimatedvalue: 12.345, statecode: 0, statuscode: 1 });
  });

  test("an unknown column comes back as statusCode 400 and Dataverse's error body", async () => {
    const res = await connectorCall(h.connector, 'CreateRecord', { entityName: 'accounts', 'item/nosuch': 1 });
    expect(res.statusCode).toBe(400);
    expect(body(res).error.message).toContain("Invalid property 'nosuch' was found in entity 'Microsoft.Dynamics.CRM.account'.");
  });
});

describe('A4 UpdateRecord (upsert)', () => {
  test("Create_or_update_opportunity: recordId pcs_referralidentifier='…' and an item object with binds: creates, then updates the same row", async () => {
    const account = h.dv.seed('accounts', { name: 'Contoso' }).accountid as string;
    const contact = h.dv.seed('contacts', { lastname: 'Lee' }).contactid as string;
    const item = {
      name: 'Referral A',
      estimatedclosedate: '2025-06-30',
      description: 'notes',
      pcs_referralidentifier: "R'1",
      pcs_referralstatus: 104370000,
      pcs_referralsubstatus: 104370001,
      pcs_partnercenteretag: 'etag-1',
      pcs_referrallink: "https://partner.microsoft.com/dashboard/referrals/v2/leads/R'1",
      pcs_lastsyncedhash: 'hash',
      pcs_lastsyncedon: '2025-03-01T09:00:00.0000000Z',
      pcs_syncwithpartnercenter: true,
      'parentaccountid@odata.bind': `/accounts(${account})`,
      estimatedvalue: 1000,
      'parentcontactid@odata.bind': `/contacts(${contact})`,
    };
    const recordId = "pcs_referralidentifier='R''1'";
    const first = await connectorCall(h.connector, 'UpdateRecord', { entityName: 'opportunities', recordId, item });
    expect(first.statusCode).toBe(201);
    const second = await connectorCall(h.connector, 'UpdateRecord', {
      entityName: 'opportunities',
      recordId,
      item: { ...item, name: 'Referral A (updated)' },
    });
    expect(second.statusCode).toBe(200);
    expect(h.dv.rows('opportunities')).toEqual([
      expect.objectContaining({
        name: 'Referral A (updated)',
        pcs_referralidentifier: "R'1",
        _parentaccountid_value: account,
        _parentcontactid_value: contact,
        pcs_lastsyncedon: '2025-03-01T09:00:00Z',
      }),
    ]);
  });
});

describe('A5 UpdateOnlyRecord', () => {
  test('Write_referral_to_opportunity: item/<column> keys on an existing row → 200 and the row', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    const res = await connectorCall(h.connector, 'UpdateOnlyRecord', {
      entityName: 'opportunities',
      recordId: opp,
      'item/name': '✔ Deal',
      'item/pcs_referralidentifier': 'R-2',
      'item/pcs_audit': '2025-03-01 Referral created',
    });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ name: '✔ Deal', pcs_referralidentifier: 'R-2' });
  });

  test('a missing row is 404 (If-Match: *), never a create', async () => {
    const missing = '00000000-0000-0000-0000-00000000000b';
    const res = await connectorCall(h.connector, 'UpdateOnlyRecord', { entityName: 'opportunities', recordId: missing, 'item/name': 'x' });
    expect(res.statusCode).toBe(404);
    expect(h.dv.rows('opportunities')).toEqual([]);
  });
});

describe('A6 DeleteRecord', () => {
  test('204 with an empty body, then 404', async () => {
    const id = h.dv.seed('accounts', { name: 'A' }).accountid as string;
    expect(await connectorCall(h.connector, 'DeleteRecord', { entityName: 'accounts', recordId: `{${id}}` })).toMatchObject({
      statusCode: 204,
      body: null,
    });
    expect((await connectorCall(h.connector, 'DeleteRecord', { entityName: 'accounts', recordId: id })).statusCode).toBe(404);
  });
});

describe('A7 requests outside the adapter', () => {
  test('an operation the adapter does not implement is 501; another connector is a programming error', async () => {
    expect((await connectorCall(h.connector, 'SubscribeWebhookTrigger', {})).statusCode).toBe(501);
    expect((await connectorCall(h.connector, 'AiBuilderPredict', { entityName: 'opportunities' })).statusCode).toBe(501);
    await expect(
      dataverseConnector(h.dv)({
        apiName: 'shared_partnercenterref',
        connectionReferenceLogicalName: 'x',
        operationId: 'GetItem',
        parameters: {},
      }),
    ).rejects.toThrow('dataverseConnector handles shared_commondataserviceforapps, not shared_partnercenterref');
  });

  test("the adapter goes over real HTTP: each call is in the emulator's request log", async () => {
    await connectorCall(h.connector, 'ListRecords', { entityName: 'accounts', $top: 5 });
    expect(h.dv.calls).toEqual([expect.objectContaining({ method: 'GET', path: '/api/data/v9.2/accounts?$top=5', status: 200 })]);
  });
});

describe('A8 the request comes from the contract', () => {
  test('an undeclared parameter is dropped (and reported); the request goes out without it', async () => {
    const undeclared: string[] = [];
    const connector = dataverseConnector(h.dv, { onUndeclaredParameter: (_api, operation, key) => undeclared.push(`${operation}:${key}`) });
    h.dv.seed('accounts', { name: 'A' });
    const res = await connectorCall(connector, 'ListRecords', { entityName: 'accounts', $count: true, 'If-Match': '*', $top: 1 });
    expect(res.statusCode).toBe(200);
    expect(undeclared).toEqual(['ListRecords:$count', 'ListRecords:If-Match']);
    expect(h.dv.calls.at(-1)).toMatchObject({ method: 'GET', path: '/api/data/v9.2/accounts?$top=1' });
  });

  test('a missing required parameter answers 400 without a call', async () => {
    const res = await connectorCall(h.connector, 'UpdateOnlyRecord', { entityName: 'accounts', 'item/name': 'x' });
    expect(res.statusCode).toBe(400);
    expect(body(res).error.message).toBe("UpdateOnlyRecord: the required parameter 'recordId' is missing.");
    expect(h.dv.calls).toEqual([]);
  });

  test("the operation's own headers are sent: UpdateOnlyRecord If-Match: * (no create), UpdateRecord none (upsert)", async () => {
    const missing = '00000000-0000-0000-0000-00000000000c';
    expect(
      (await connectorCall(h.connector, 'UpdateOnlyRecord', { entityName: 'accounts', recordId: missing, 'item/name': 'x' })).statusCode,
    ).toBe(404);
    expect(
      (await connectorCall(h.connector, 'UpdateRecord', { entityName: 'accounts', recordId: missing, 'item/name': 'x' })).statusCode,
    ).toBe(201);
  });
});

describe('A9 PerformUnboundAction and PerformBoundAction', () => {
  test('WinOpportunity: actionName bare, item/<Parameter> keys become the JSON body → 204, the opportunity is Won', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal', estimatedvalue: 1000 }).opportunityid as string;
    const res = await connectorCall(h.connector, 'PerformUnboundAction', {
      actionName: 'WinOpportunity',
      'item/Status': 3,
      'item/OpportunityClose': { subject: 'Won in Partner Center', 'opportunityid@odata.bind': `/opportunities(${opp})` },
    });
    expect(res.statusCode).toBe(204);
    expect(h.dv.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/data/v9.2/WinOpportunity',
      requestBody: {
        Status: 3,
        OpportunityClose: { subject: 'Won in Partner Center', 'opportunityid@odata.bind': `/opportunities(${opp})` },
      },
    });
    expect(h.dv.row('opportunities', opp)).toMatchObject({ statecode: 1, statuscode: 3, actualvalue: 1000 });
  });

  test('PerformBoundAction goes to /<entityName>(<recordId>)/<actionName> (the emulator implements no bound action: 501)', async () => {
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    const res = await connectorCall(h.connector, 'PerformBoundAction', {
      entityName: 'opportunities',
      recordId: opp,
      actionName: 'Microsoft.Dynamics.CRM.msdyn_Something',
    });
    expect(res.statusCode).toBe(501);
    expect(h.dv.calls.at(-1)).toMatchObject({
      method: 'POST',
      path: `/api/data/v9.2/opportunities(${opp})/Microsoft.Dynamics.CRM.msdyn_Something`,
    });
  });
});

/**
 * Every flow buildFlows() generates, executed as is by the runtime with a fake ConnectorRouter that
 * answers like Dataverse and Partner Center would: proof that the JSON runs, and of the paths it takes.
 */
import type { ConnectorRequest, ConnectorResponse, FlowRun } from '../../sim/contracts.js';
import { VirtualClock } from '../../sim/runtime/clock.js';
import { formatRun } from '../../sim/runtime/format.js';
import { FlowRuntime } from '../../sim/runtime/runtime.js';
import { buildFlows } from '../../flows/index.js';
import type { CloudFlow } from '../../solution/model.js';
import { defaultModel } from '../support/model.js';
import { action, statuses, type Json } from './support.js';

const flows = buildFlows(defaultModel());
const flowNamed = (prefix: string): CloudFlow => {
  const found = flows.find((flow) => flow.name === prefix) ?? flows.find((flow) => flow.name.startsWith(prefix));
  if (!found) throw new Error(`no generated flow named ${prefix}: ${flows.map((flow) => flow.name).join(', ')}`);
  return found;
};

const OPPORTUNITY_ID = '6f1c2d3e-0000-4000-8000-000000000001';
const REFERRAL_ID = 'b2a7c1d0-1234-4abc-9def-0123456789ab';
const MICROSOFT_REFERRAL_ID = 'c3b8d2e1-2345-4bcd-8ef0-123456789abc';

const validOpportunity = (): Json => ({
  opportunityid: OPPORTUNITY_ID,
  name: 'Contoso migration',
  description: 'Move to Azure',
  estimatedclosedate: '2024-06-30',
  estimatedvalue: 250000,
  statecode: 0,
  _parentaccountid_value: 'acc-1',
  _parentcontactid_value: 'con-1',
  // A multi-select column comes back from the Web API as its option values, comma-separated (the first two help
  // options of publisher prefix 10437); Partner Center's codes are the connector swagger's assistanceRequestCode names.
  pcs_howcanmicrosofthelp: '104370000,104370001',
  pcs_referralvisibility: true,
  pcs_syncwithpartnercenter: true,
  pcs_referralidentifier: REFERRAL_ID,
  pcs_partnercenteretag: 'etag-1',
  pcs_lastsyncedhash: 'old-hash',
  pcs_referralsubstatus: 104370002,
  pcs_referralstatus: 104370001,
  pcs_audit: '',
  transactioncurrencyid: { isocurrencycode: 'USD' },
});

const referral = (overrides: Json = {}): Json => ({
  id: REFERRAL_ID,
  engagementId: 'eng-1',
  name: 'Fabrikam rollout',
  type: 'Shared',
  status: 'Active',
  substatus: 'Accepted',
  eTag: 'etag-9',
  customerProfile: {
    name: "Fabrikam's Inc",
    address: { addressLine1: '1 Main St', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
    team: [{ firstName: 'Pat', lastName: 'Doe', email: 'pat@fabrikam.example', phoneNumber: '555-0100' }],
  },
  details: { notes: 'Needs help', dealValue: 12000.5, currency: 'USD', closingDateTime: '2024-09-30T00:00:00Z' },
  ...overrides,
});

/** Canned answers by connector, operation and table; tests override entries per scenario. */
interface Scenario {
  /** Rows by `table(id)` or by table; a table left out is not found. */
  rows: Record<string, Json>;
  lists: Record<string, Json[]>;
  partnerCenter: Partial<Record<string, (request: ConnectorRequest, attempt: number) => ConnectorResponse>>;
}

const ok = (body: unknown, statusCode = 200): ConnectorResponse => ({ statusCode, headers: {}, body });
const notFound = (message: string): ConnectorResponse => ({
  statusCode: 404,
  headers: {},
  body: { error: { code: 'itemNotFound', message } },
});

class CannedConnectors {
  readonly calls: ConnectorRequest[] = [];

  constructor(readonly scenario: Scenario) {}

  call(request: ConnectorRequest): Promise<ConnectorResponse> {
    this.calls.push(request);
    return Promise.resolve(this.answer(request));
  }

  private answer(request: ConnectorRequest): ConnectorResponse {
    const attempt = this.calls.filter((call) => call.operationId === request.operationId).length;
    const parameters = request.parameters as Json;
    if (request.apiName === 'shared_commondataserviceforapps') {
      const table = parameters.entityName as string;
      switch (request.operationId) {
        case 'GetItem': {
          const row = this.scenario.rows[`${table}(${parameters.recordId})`] ?? this.scenario.rows[table];
          return row ? ok(row) : notFound(`${table} With Id = ${parameters.recordId} Does Not Exist`);
        }
        case 'ListRecords':
          return ok({ value: this.scenario.lists[table] ?? [] });
        case 'CreateRecord': {
          const key = `${table.replace(/s$/, '')}id`;
          return ok({ [key]: `new-${table}`, ...(parameters.item ?? {}) }, 201);
        }
        case 'UpdateRecord':
          return ok({ opportunityid: 'upserted-opportunity' });
        case 'UpdateOnlyRecord':
          return ok({});
        default:
          return { statusCode: 400, headers: {}, body: { error: { message: `unexpected Dataverse operation ${request.operationId}` } } };
      }
    }
    const handler = this.scenario.partnerCenter[request.operationId];
    if (handler) return handler(request, attempt);
    return { statusCode: 400, headers: {}, body: { error: { message: `no canned answer for ${request.apiName}/${request.operationId}` } } };
  }

  called(operationId: string, table?: string): ConnectorRequest[] {
    return this.calls.filter(
      (call) => call.operationId === operationId && (table === undefined || (call.parameters as Json).entityName === table),
    );
  }
}

function scenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    rows: {
      opportunities: validOpportunity(),
      accounts: {
        accountid: 'acc-1',
        name: 'Contoso',
        address1_line1: '1 Way',
        address1_city: 'Seattle',
        address1_stateorprovince: 'WA',
        address1_postalcode: '98101',
        address1_country: 'US',
      },
      contacts: {
        contactid: 'con-1',
        firstname: 'Ada',
        lastname: 'Lovelace',
        emailaddress1: 'ada@contoso.example',
        telephone1: '555-0199',
      },
      ...overrides.rows,
    },
    lists: { pcs_partnercentersolutions: [{ pcs_solutionidentifier: 'SOL-1', pcs_name: 'Azure Migrate' }], ...overrides.lists },
    partnerCenter: {
      CreateReferral: (request) => ok({ ...(request.parameters as Json).Referral, id: REFERRAL_ID, eTag: 'etag-new' }, 201),
      GetReferralById: (request) => ok(referral({ id: (request.parameters as Json).id })),
      GetAllReferrals: () => ok({ value: [referral()] }),
      PatchReferralById: () => ok({ ...referral(), eTag: 'etag-patched' }),
      ViewRegistration: () => notFound('No registration'),
      EventRegistration: (request) => ok((request.parameters as Json).body),
      UpdateRegistration: (request) => ok((request.parameters as Json).body),
      ...overrides.partnerCenter,
    },
  };
}

/** Every runtime the tests made, so the last test can check that each generated flow ran at least once. */
const runtimes: FlowRuntime[] = [];

function setup(overrides: Partial<Scenario> = {}, environmentVariables?: Record<string, unknown>) {
  const clock = new VirtualClock('2024-05-01T09:00:00Z');
  const connectors = new CannedConnectors(scenario(overrides));
  const runtime = new FlowRuntime({ clock, connectors, environmentVariables });
  for (const flow of flows) runtime.register(flow);
  runtimes.push(runtime);
  return { runtime, connectors, clock };
}

/** A run must not have hit a simulator gap (unimplemented function, unknown action type, internal error). */
function expectExecutable(run: FlowRun): void {
  const gaps = [run, ...run.actions].filter((entry) => entry.error && /^(InvalidDefinition|SimulatorError)$/.test(entry.error.code));
  const unimplemented = [run, ...run.actions].filter((entry) => entry.error?.message.includes('not implemented by the flow simulator'));
  expect({ gaps, unimplemented, view: gaps.length || unimplemented.length ? formatRun(run) : '' }).toEqual({
    gaps: [],
    unimplemented: [],
    view: '',
  });
}

const runOf = (runtime: FlowRuntime, name: string): FlowRun => {
  const found = runtime.history().filter((run) => run.flowName === flowNamed(name).name);
  if (found.length === 0) throw new Error(`no run of ${name}`);
  return found.at(-1)!;
};

describe('generated flows run as is', () => {
  test('every flow registers; row triggers, recurrences and HTTP triggers are found', () => {
    const { runtime } = setup();
    expect(
      runtime
        .rowSubscriptions()
        .map(({ flowId, subscription }) => [flows.find((flow) => flow.id === flowId)!.name, subscription.entity, subscription.message]),
    ).toEqual([
      ['Dynamics 365 to Partner Center', 'opportunity', 3],
      ['Dynamics 365 Opportunity to Partner Center', 'opportunity', 4],
      ['Dynamics 365 Microsoft Solutions to Partner Center', 'pcs_partnercentersolution', 7],
      ["Send the Seller's Decision to Partner Center", 'opportunity', 3],
      ["Send the Seller's Decision on a Lead to Partner Center", 'lead', 3],
    ]);
    const sync = runtime.rowSubscriptions()[0]!.subscription;
    expect(sync.filteringAttributes).toContain('estimatedvalue');
    expect(sync.filterExpression).toBe('pcs_syncwithpartnercenter eq true and pcs_referralidentifier ne null');
    expect(runtime.recurrences()).toEqual([{ flowId: flowNamed('Partner Center Reconciliation').id, frequency: 'Hour', interval: 1 }]);
  });

  test('filtering attributes follow the Deal value field environment variable', () => {
    const { runtime } = setup({}, { pcs_DealValueField: 'new_dealamount' });
    expect(runtime.rowSubscriptions()[0]!.subscription.filteringAttributes).toContain('new_dealamount');
  });

  describe("Send the Seller's Decision (opportunity and lead)", () => {
    const model = defaultModel();
    const accept = model.choices.find((c) => c.schemaName === 'pcs_referraldecision')!.options.find((o) => o.key === 'Accept')!.value;
    const pending = {
      GetReferralById: () => ok(referral({ status: 'New', substatus: 'Pending', expirationDateTime: '2024-05-10T00:00:00Z' })),
    };

    test.each([
      ["Send the Seller's Decision to Partner Center", 'opportunity', 'opportunities'],
      ["Send the Seller's Decision on a Lead to Partner Center", 'lead', 'leads'],
    ])('%s: an Accept on a New referral is one PATCH to Active/Accepted', async (name, entity, entitySet) => {
      const row = {
        [`${entity}id`]: OPPORTUNITY_ID,
        pcs_referralidentifier: REFERRAL_ID,
        pcs_decision: accept,
        pcs_syncwithpartnercenter: true,
      };
      const { runtime, connectors } = setup({ rows: { [entitySet]: row }, partnerCenter: pending });
      const run = await runtime.runRowTrigger(flowNamed(name).id, {
        message: 3 as const,
        entity,
        id: OPPORTUNITY_ID,
        attributes: ['pcs_decision'],
        row,
      });
      expectExecutable(run);
      expect(run.status).toBe('Succeeded');
      const [patch] = connectors.called('PatchReferralById');
      expect((patch!.parameters as Json).Referral).toEqual(
        expect.arrayContaining([
          { op: 'replace', path: '/status', value: 'Active' },
          { op: 'replace', path: '/substatus', value: 'Accepted' },
        ]),
      );
    });
  });

  describe('Dynamics 365 Opportunity to Partner Center → Create Co-sell Referral', () => {
    const change = {
      message: 3 as const,
      entity: 'opportunity',
      id: OPPORTUNITY_ID,
      attributes: ['pcs_syncwithpartnercenter'],
      row: { opportunityid: OPPORTUNITY_ID, pcs_syncwithpartnercenter: true },
    };

    /** Partner Center has no referral with this opportunity as its externalReferenceId yet. */
    const noReferralYet = { GetAllReferrals: () => ok({ value: [] }) };

    test('a valid opportunity reaches Create_Microsoft_referral and writes the referral back', async () => {
      const { runtime, connectors } = setup({ partnerCenter: noReferralYet });
      const parent = await runtime.runRowTrigger(flowNamed('Dynamics 365 Opportunity to Partner Center').id, change);
      const child = runOf(runtime, 'Create Co-sell Referral');
      expectExecutable(parent);
      expectExecutable(child);
      expect(parent.status).toBe('Succeeded');
      expect(child.status).toBe('Succeeded');
      expect(
        action(child, 'Synchronizing_referrals/If_valid/If_there_is_no_referral_yet/Call_Partner_Center/Create_Microsoft_referral').status,
      ).toBe('Succeeded');
      const [create] = connectors.called('CreateReferral');
      expect(create).toMatchObject({ apiName: 'shared_partnercenterref', connectionReferenceLogicalName: 'pcs_PartnerCenterReferrals' });
      expect((create!.parameters as Json).Referral).toMatchObject({
        name: 'Contoso migration',
        externalReferenceId: OPPORTUNITY_ID,
        type: 'Shared',
        customerProfile: { name: 'Contoso', address: { country: 'US', postalCode: '98101' }, team: [{ email: 'ada@contoso.example' }] },
        consent: { consentToShareReferralWithMicrosoftSellers: true },
        details: {
          dealValue: 250000,
          currency: 'USD',
          closingDateTime: '2024-06-30T00:00:00Z',
          requirements: {
            solutions: [{ id: 'SOL-1', name: 'Azure Migrate', type: 'Name' }],
            additionalRequirements: {
              attributes: [
                { id: 'WorkloadSpecificValueProposition', type: 'HelpType' },
                { id: 'CustomerTechnicalArchitecture', type: 'HelpType' },
              ],
            },
          },
        },
        target: [],
      });
      // A first create looks nothing up: no earlier run called CreateReferral (the opportunity has no write window).
      expect(connectors.called('GetAllReferrals')).toHaveLength(0);
      const [open, write] = connectors.called('UpdateOnlyRecord', 'opportunities');
      expect(open!.parameters).toEqual({
        entityName: 'opportunities',
        recordId: OPPORTUNITY_ID,
        'item/pcs_lastpartnercenterwrite': '2024-05-01T09:00:00.0000000Z/',
      });
      expect(write!.parameters).toMatchObject({
        recordId: OPPORTUNITY_ID,
        'item/pcs_lastpartnercenterwrite': '2024-05-01T09:00:00.0000000Z/2024-05-01T09:00:00.0000000Z',
        'item/name': '✔ Contoso migration',
        'item/pcs_referralidentifier': REFERRAL_ID,
        'item/pcs_partnercenteretag': 'etag-new',
        'item/pcs_lastsyncedon': '2024-05-01T09:00:00.0000000Z',
      });
      expect(action(parent, 'Create_co_sell_referral').outputs).toMatchObject({
        statusCode: 200,
        body: { referralid: REFERRAL_ID, error: '' },
      });
    });

    test('a referral that already exists for the opportunity (a create that timed out after commit) is adopted, not created again', async () => {
      // An earlier run called CreateReferral (its write window is on the opportunity) and never wrote the referral back.
      const window = '2024-05-01T08:00:00.0000000Z/2024-05-01T08:01:40.0000000Z';
      const { runtime, connectors } = setup({ rows: { opportunities: { ...validOpportunity(), pcs_lastpartnercenterwrite: window } } });
      await runtime.runRowTrigger(flowNamed('Dynamics 365 Opportunity to Partner Center').id, change);
      const child = runOf(runtime, 'Create Co-sell Referral');
      expectExecutable(child);
      expect(child.status).toBe('Succeeded');
      expect(connectors.called('GetAllReferrals')[0]!.parameters).toEqual({
        $filter: `externalReferenceId eq '${OPPORTUNITY_ID}'`,
        $top: 1,
      });
      expect(connectors.called('CreateReferral')).toHaveLength(0);
      expect(statuses(child)).toMatchObject({
        'Synchronizing_referrals/If_valid/If_an_earlier_create_was_sent/Adopt_referral': 'Succeeded',
      });
      const [write] = connectors.called('UpdateOnlyRecord', 'opportunities');
      expect(write!.parameters).toMatchObject({ 'item/pcs_referralidentifier': REFERRAL_ID, 'item/pcs_lastpartnercenterwrite': window });
    });

    test('an invalid opportunity records the validation messages instead of calling Partner Center', async () => {
      const { runtime, connectors } = setup({
        rows: {
          opportunities: { ...validOpportunity(), _parentcontactid_value: null, transactioncurrencyid: null },
          accounts: { accountid: 'acc-1', name: 'Contoso', address1_country: 'usa' },
        },
        lists: { pcs_partnercentersolutions: [] },
      });
      await runtime.runRowTrigger(flowNamed('Dynamics 365 Opportunity to Partner Center').id, change);
      const child = runOf(runtime, 'Create Co-sell Referral');
      expectExecutable(child);
      expect(connectors.called('CreateReferral')).toHaveLength(0);
      expect(statuses(child)).toMatchObject({
        'Synchronizing_referrals/If_valid/If_there_is_no_referral_yet/Call_Partner_Center/Create_Microsoft_referral': 'Skipped',
        'Synchronizing_referrals/If_valid/Record_validation_errors': 'Succeeded',
        'If_referral_created/Write_failure_to_opportunity': 'Succeeded',
      });
      const messages = [
        'The customer account needs a two-letter ISO 3166 country code.',
        'Add at least one Partner Center solution to the opportunity.',
        'A customer contact is required when Microsoft help is requested.',
        'The opportunity needs a currency.',
      ];
      expect((action(child, 'Synchronizing_referrals/Failed_rules').outputs as Json).body).toEqual(messages);
      const [write] = connectors.called('UpdateOnlyRecord', 'opportunities');
      expect(write!.parameters).toMatchObject({
        'item/name': '✘ Contoso migration',
        // Refused by our own checks: only the seller can fix it, so the reconciliation does not retry it.
        'item/pcs_audit': `2024-05-01T09:00:00.0000000Z Referral not created, the opportunity needs a correction: ${messages.join(' ')}`,
      });
      expect(child.response).toEqual({ statusCode: 200, body: { referralid: '', error: messages.join(' ') } });
    });

    test('a Partner Center error is caught by Catch_errors and written to the opportunity', async () => {
      const { runtime, connectors } = setup({
        partnerCenter: {
          ...noReferralYet,
          CreateReferral: () => ({
            statusCode: 400,
            headers: {},
            body: { error: { code: 'invalidRequest', message: 'Customer country is invalid' } },
          }),
        },
      });
      await runtime.runRowTrigger(flowNamed('Dynamics 365 Opportunity to Partner Center').id, change);
      const child = runOf(runtime, 'Create Co-sell Referral');
      expectExecutable(child);
      expect(child.status).toBe('Succeeded');
      expect(statuses(child)).toMatchObject({
        Synchronizing_referrals: 'Failed',
        Catch_errors: 'Succeeded',
        'If_referral_created/Write_failure_to_opportunity': 'Succeeded',
      });
      // Partner Center's own message reaches the audit: the call has its own scope (result() lists first-level actions only).
      const write = connectors.called('UpdateOnlyRecord', 'opportunities').at(-1);
      expect((write!.parameters as Json)['item/pcs_audit']).toBe(
        '2024-05-01T09:00:00.0000000Z Referral not created: Customer country is invalid',
      );
    });
  });

  test('Dynamics 365 to Partner Center: patches the changed fields once; a failure is written to Audit with ✘', async () => {
    const { runtime, connectors } = setup({ partnerCenter: { PatchReferralById: () => ({ statusCode: 204, headers: {}, body: null }) } });
    const flow = flowNamed('Dynamics 365 to Partner Center');
    const trigger = {
      message: 3 as const,
      entity: 'opportunity',
      id: OPPORTUNITY_ID,
      attributes: ['name'],
      row: { opportunityid: OPPORTUNITY_ID },
    };
    const run = await runtime.runRowTrigger(flow.id, trigger);
    expectExecutable(run);
    expect(run.status).toBe('Succeeded');
    const patches = connectors.called('PatchReferralById');
    expect(patches).toHaveLength(1);
    expect(Object.keys(patches[0]!.parameters).sort()).toEqual(['Referral', 'id']);
    expect((patches[0]!.parameters as Json).Referral).toEqual([
      { op: 'replace', path: '/name', value: 'Contoso migration' },
      { op: 'replace', path: '/details/dealValue', value: 250000 },
      { op: 'replace', path: '/details/closingDateTime', value: '2024-06-30T00:00:00Z' },
      { op: 'replace', path: '/details/notes', value: 'Move to Azure' },
      {
        op: 'replace',
        path: '/details/requirements/additionalRequirements/attributes',
        value: [
          { id: 'WorkloadSpecificValueProposition', type: 'HelpType' },
          { id: 'CustomerTechnicalArchitecture', type: 'HelpType' },
        ],
      },
    ]);
    expect(statuses(run)).toMatchObject({
      'If_there_is_something_to_send/Patch_referral': 'Succeeded',
      'If_patched/Record_sync': 'Succeeded',
    });

    const failing = setup({
      partnerCenter: {
        PatchReferralById: () => ({
          statusCode: 400,
          headers: {},
          body: { error: { code: 'invalidRequest', message: 'Referral is closed' } },
        }),
      },
    });
    const failed = await failing.runtime.runRowTrigger(flow.id, trigger);
    expect(failed.status).toBe('Succeeded');
    const [open, audit] = failing.connectors.called('UpdateOnlyRecord', 'opportunities');
    expect((open!.parameters as Json)['item/pcs_lastpartnercenterwrite']).toBe('2024-05-01T09:00:00.0000000Z/');
    expect(audit!.parameters).toMatchObject({
      'item/pcs_audit': expect.stringContaining('Referral not updated: Referral is closed'),
      // A failed write closes its window too: Partner Center events after it are read again.
      'item/pcs_lastpartnercenterwrite': '2024-05-01T09:00:00.0000000Z/2024-05-01T09:00:00.0000000Z',
    });
  });

  test('Dynamics 365 to Partner Center: an echo of its own write stops at Stop_echo', async () => {
    const { runtime: probe } = setup();
    const fingerprintRun = await probe.runRowTrigger(flowNamed('Dynamics 365 to Partner Center').id, {
      message: 3,
      entity: 'opportunity',
      id: OPPORTUNITY_ID,
      attributes: ['name'],
      row: { opportunityid: OPPORTUNITY_ID },
    });
    const fingerprint = action(fingerprintRun, 'Fingerprint').outputs;
    const { runtime, connectors } = setup({ rows: { opportunities: { ...validOpportunity(), pcs_lastsyncedhash: fingerprint } } });
    const run = await runtime.runRowTrigger(flowNamed('Dynamics 365 to Partner Center').id, {
      message: 3,
      entity: 'opportunity',
      id: OPPORTUNITY_ID,
      attributes: ['name'],
      row: { opportunityid: OPPORTUNITY_ID },
    });
    expect(run.status).toBe('Succeeded');
    expect(run.actions.at(-1)!.name).toBe('Stop_echo');
    expect(connectors.called('PatchReferralById')).toHaveLength(0);
  });

  test('Dynamics 365 Microsoft Solutions to Partner Center replaces the solutions of the referral', async () => {
    const { runtime, connectors } = setup();
    const run = await runtime.runRowTrigger(flowNamed('Dynamics 365 Microsoft Solutions to Partner Center').id, {
      message: 1,
      entity: 'pcs_partnercentersolution',
      id: 'sol-row',
      attributes: ['pcs_opportunity'],
      row: { pcs_partnercentersolutionid: 'sol-row', _pcs_opportunity_value: OPPORTUNITY_ID },
    });
    expectExecutable(run);
    expect(run.status).toBe('Succeeded');
    const [patch] = connectors.called('PatchReferralById');
    expect(patch!.parameters).toEqual({
      id: REFERRAL_ID,
      Referral: [{ op: 'replace', path: '/details/requirements/solutions', value: [{ id: 'SOL-1', name: 'Azure Migrate', type: 'Name' }] }],
    });
    expect(connectors.called('UpdateOnlyRecord', 'opportunities').at(-1)!.parameters).toMatchObject({
      'item/pcs_solutionssent': JSON.stringify([{ id: 'SOL-1', name: 'Azure Migrate', type: 'Name' }]),
      'item/pcs_solutionsunsent': false,
    });
  });

  test('Dynamics 365 Microsoft Solutions to Partner Center sends nothing for an opportunity whose Sync is off', async () => {
    const { runtime, connectors } = setup({ rows: { opportunities: { ...validOpportunity(), pcs_syncwithpartnercenter: false } } });
    const run = await runtime.runRowTrigger(flowNamed('Dynamics 365 Microsoft Solutions to Partner Center').id, {
      message: 1,
      entity: 'pcs_partnercentersolution',
      id: 'sol-row',
      attributes: ['pcs_opportunity'],
      row: { pcs_partnercentersolutionid: 'sol-row', _pcs_opportunity_value: OPPORTUNITY_ID },
    });
    expect(run.status).toBe('Succeeded');
    expect(connectors.called('PatchReferralById')).toHaveLength(0);
  });

  test('Partner Center to Dynamics 365 over HTTP: creates the records through the child flow, then answers 200', async () => {
    const { runtime, connectors } = setup();
    const endpoint = await runtime.startHttpEndpoint(flowNamed('Partner Center to Dynamics 365').id);
    try {
      const answer = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          EventName: 'referral-created',
          ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${REFERRAL_ID}`,
          ResourceName: 'Referral',
          ResourceChangeUtcDate: '2024-05-01T08:59:00Z',
        }),
      });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ processed: true });
      await waitFor(() => runtime.history().some((run) => run.flowName === 'Partner Center to Dynamics 365'));
    } finally {
      await endpoint.close();
    }
    const run = runOf(runtime, 'Partner Center to Dynamics 365');
    const child = runOf(runtime, '[Customize] Create or Get Details');
    expectExecutable(run);
    expectExecutable(child);
    expect([run.status, child.status]).toEqual(['Succeeded', 'Succeeded']);
    expect(connectors.called('GetReferralById')[0]!.parameters).toEqual({ id: REFERRAL_ID });
    expect(connectors.called('ListRecords', 'accounts')[0]!.parameters).toMatchObject({
      $filter: "name eq 'Fabrikam''s Inc' and address1_postalcode eq '98052'",
    });
    expect(connectors.called('CreateRecord', 'accounts')[0]!.parameters).toMatchObject({
      item: { name: "Fabrikam's Inc", address1_country: 'US', address1_postalcode: '98052' },
    });
    const [upsert] = connectors.called('UpdateRecord', 'opportunities');
    expect(upsert!.parameters).toMatchObject({
      recordId: `pcs_referralidentifier='${REFERRAL_ID}'`,
      item: {
        name: 'Fabrikam rollout',
        estimatedclosedate: '2024-09-30',
        estimatedvalue: 12000.5,
        pcs_referralstatus: 104370001,
        pcs_referralsubstatus: 104370002,
        'parentaccountid@odata.bind': '/accounts(new-accounts)',
        'parentcontactid@odata.bind': '/contacts(new-contacts)',
      },
    });
    expect(child.response).toEqual({
      statusCode: 200,
      body: { recordid: 'upserted-opportunity', accountid: 'new-accounts', contactid: 'new-contacts' },
    });
  });

  test('Partner Center to Dynamics 365: a malformed event gets 400 and the run is Cancelled', async () => {
    const { runtime, connectors } = setup();
    const endpoint = await runtime.startHttpEndpoint(flowNamed('Partner Center to Dynamics 365').id);
    try {
      const answer = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ EventName: 'referral-created', ResourceUri: 'https://evil.example/x' }),
      });
      expect(answer.status).toBe(400);
      await waitFor(() => runtime.history().length > 0);
    } finally {
      await endpoint.close();
    }
    expect(runtime.history()[0]!.status).toBe('Cancelled');
    expect(connectors.calls).toHaveLength(0);
  });

  test('Partner Center to Dynamics 365: a related-referral event runs the Microsoft updates child flow', async () => {
    const { runtime, connectors } = setup({ lists: { opportunities: [{ opportunityid: OPPORTUNITY_ID, pcs_audit: 'earlier' }] } });
    const run = await runtime.runHttp(flowNamed('Partner Center to Dynamics 365').id, {
      headers: {},
      body: {
        EventName: 'related-referral-updated',
        ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${MICROSOFT_REFERRAL_ID}`,
      },
    });
    const updates = runOf(runtime, 'Partner Center Microsoft Co-sell Referral Updates');
    expectExecutable(run);
    expectExecutable(updates);
    expect([run.status, updates.status]).toEqual(['Succeeded', 'Succeeded']);
    expect(connectors.called('GetAllReferrals')[0]!.parameters).toEqual({ $filter: "engagementId eq 'eng-1'", $top: 50 });
    expect(connectors.called('UpdateOnlyRecord', 'opportunities')[0]!.parameters).toMatchObject({
      recordId: OPPORTUNITY_ID,
      'item/pcs_audit': '2024-05-01T09:00:00.0000000Z Microsoft referral Active/Accepted\nearlier',
    });
  });

  test('Partner Center Webhook Registration registers the endpoint when none exists', async () => {
    const { runtime, connectors } = setup();
    const run = await runtime.runManual(flowNamed('Partner Center Webhook Registration').id, { text: 'https://flow.example/invoke' });
    expectExecutable(run);
    expect(run.status).toBe('Succeeded');
    expect(connectors.called('EventRegistration')[0]!.parameters).toEqual({
      body: {
        WebhookUrl: 'https://flow.example/invoke',
        WebhookEvents: ['referral-created', 'referral-updated', 'related-referral-created', 'related-referral-updated'],
      },
    });
    expect(action(run, 'Report').outputs).toMatchObject({ previous: '' });
  });

  test('Partner Center Reconciliation pages through changed referrals and syncs each one', async () => {
    const { runtime, connectors } = setup({ lists: { opportunities: [{ pcs_lastsyncedon: '2024-04-30T10:00:00Z' }] } });
    const run = await runtime.runRecurrence(flowNamed('Partner Center Reconciliation').id);
    expectExecutable(run);
    expect(run.status).toBe('Succeeded');
    expect(connectors.called('GetAllReferrals')[0]!.parameters).toEqual({
      // The watermark (latest Last Synced On less an hour, at least a day back), and changes older than 15 minutes.
      $filter: 'updatedDateTime ge 2024-04-30T09:00:00.0000000Z and updatedDateTime lt 2024-05-01T08:45:00.0000000Z',
      $top: 100,
      $skip: 0,
      $orderby: 'updatedDateTime asc',
    });
    expect(runOf(runtime, '[Customize] Create or Get Details').status).toBe('Succeeded');
    expect(statuses(run)).toMatchObject({ Until_every_page_is_read: 'Succeeded', 'Until_every_page_is_read/More_pages#0': 'Succeeded' });
  });

  test('every generated flow ran in these scenarios, none of them into a simulator gap', () => {
    const runs = runtimes.flatMap((runtime) => runtime.history());
    expect(new Set(runs.map((run) => run.flowName))).toEqual(new Set(flows.map((flow) => flow.name)));
    for (const run of runs) expectExecutable(run);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

import type { RowChange, RowSubscription } from '../../sim/contracts.js';
import { DataverseError } from '../../sim/dataverse/errors.js';
import { flowNamed } from '../sync-flows/support.js';
import { body, connectorCall, startEmulator, type Harness } from './support.js';

/** CONTRACT.md §T: row triggers (message codes, filtering attributes, filter expression, async delivery, settle). */

let h: Harness;
beforeEach(async () => {
  h = await startEmulator();
});
afterEach(() => h.dv.stop());

/** The trigger parameters of one of our flows, as the runtime would hand them to subscribe() (expressions already evaluated). */
function flowTrigger(flowName: string, filteringAttributes?: string[]): RowSubscription {
  const trigger = Object.values(flowNamed(flowName).definition.triggers)[0] as { inputs: { parameters: Record<string, unknown> } };
  const p = trigger.inputs.parameters;
  const filtering = p['subscriptionRequest/filteringattributes'];
  return {
    message: p['subscriptionRequest/message'] as number,
    entity: p['subscriptionRequest/entityname'] as string,
    ...(filteringAttributes ? { filteringAttributes } : typeof filtering === 'string' ? { filteringAttributes: filtering.split(',') } : {}),
    ...(p['subscriptionRequest/filterexpression'] ? { filterExpression: p['subscriptionRequest/filterexpression'] as string } : {}),
  };
}

/** "Dynamics 365 to Partner Center": Modified, filtering on the shared fields, synced opportunities only. */
const SYNCED_CHANGES = 'Dynamics 365 to Partner Center';
const SHARED_FIELDS = [
  'name',
  'estimatedvalue',
  'estimatedclosedate',
  'description',
  'statecode',
  'pcs_howcanmicrosofthelp',
  'pcs_referralvisibility',
];

function record(subscription: RowSubscription): RowChange[] {
  const seen: RowChange[] = [];
  h.dv.subscribe(subscription, (change) => {
    seen.push(change);
  });
  return seen;
}

describe('T1 message codes (1 Added, 2 Deleted, 3 Modified, 4 Added or Modified, 5 Added or Deleted, 6 Modified or Deleted, 7 all)', () => {
  test('create, update and delete each fire exactly the subscriptions whose message includes them', async () => {
    const fired: number[] = [];
    for (const message of [1, 2, 3, 4, 5, 6, 7])
      h.dv.subscribe({ message, entity: 'opportunity' }, () => {
        fired.push(message);
      });
    h.dv.subscribe({ message: 7, entity: 'account' }, () => {
      fired.push(-1);
    });

    const opp = h.dv.userCreate('opportunities', { name: 'Deal' });
    await h.dv.settle();
    expect(fired.sort()).toEqual([1, 4, 5, 7]);

    fired.length = 0;
    h.dv.userUpdate('opportunities', opp.opportunityid as string, { description: 'x' });
    await h.dv.settle();
    expect(fired.sort()).toEqual([3, 4, 6, 7]);

    fired.length = 0;
    h.dv.userDelete('opportunities', opp.opportunityid as string);
    await h.dv.settle();
    expect(fired.sort()).toEqual([2, 5, 6, 7]);
  });

  test('the change carries the message, logical name, id, the attributes of the request and the row in Web API shape', async () => {
    const seen = record({ message: 7, entity: 'opportunity' });
    const account = h.dv.seed('accounts', { name: 'Contoso' }).accountid as string;
    const opp = h.dv.userCreate('opportunities', { name: 'Deal', 'parentaccountid@odata.bind': `/accounts(${account})` });
    await h.dv.settle();
    expect(seen).toEqual([
      {
        message: 1,
        entity: 'opportunity',
        id: opp.opportunityid,
        attributes: ['name', 'parentaccountid'],
        row: expect.objectContaining({ opportunityid: opp.opportunityid, name: 'Deal', _parentaccountid_value: account, statecode: 0 }),
      },
    ]);
  });

  test('a delete reports the row as it was before; a cascade delete fires for each child row (the solutions trigger, message 7)', async () => {
    const seen = record(flowTrigger('Dynamics 365 Microsoft Solutions to Partner Center'));
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    const solution = h.dv.seed('pcs_partnercentersolutions', {
      pcs_name: 'S',
      pcs_solutionidentifier: '1',
      'pcs_Opportunity@odata.bind': `/opportunities(${opp})`,
    });
    h.dv.userDelete('opportunities', opp);
    await h.dv.settle();
    expect(seen).toEqual([
      expect.objectContaining({
        message: 2,
        entity: 'pcs_partnercentersolution',
        id: solution.pcs_partnercentersolutionid,
        row: expect.objectContaining({ _pcs_opportunity_value: opp, pcs_name: 'S' }),
      }),
    ]);
  });
});

describe('T2 filtering attributes (Update only; presence in the request, not a changed value)', () => {
  let synced: string;
  beforeEach(() => {
    synced = h.dv.seed('opportunities', { name: 'Deal', pcs_syncwithpartnercenter: true, pcs_referralidentifier: 'R-1' })
      .opportunityid as string;
  });

  test('a listed attribute sent with its unchanged value still fires', async () => {
    const seen = record(flowTrigger(SYNCED_CHANGES, SHARED_FIELDS));
    h.dv.userUpdate('opportunities', synced, { name: 'Deal' });
    await h.dv.settle();
    expect(seen.map((c) => c.attributes)).toEqual([['name']]);
  });

  test('an update without any listed attribute does not fire', async () => {
    const seen = record(flowTrigger(SYNCED_CHANGES, SHARED_FIELDS));
    h.dv.userUpdate('opportunities', synced, { pcs_audit: 'sync wrote this', pcs_lastsyncedon: '2025-03-01T09:00:00Z' });
    await h.dv.settle();
    expect(seen).toEqual([]);
  });

  test('filtering attributes do not apply to Create: "Added or Modified" fires on a create that does not send them', async () => {
    const seen = record({ message: 4, entity: 'opportunity', filteringAttributes: ['pcs_syncwithpartnercenter'] });
    h.dv.userCreate('opportunities', { name: 'New' });
    await h.dv.settle();
    expect(seen.map((c) => [c.message, c.attributes])).toEqual([[1, ['name']]]);
  });

  test('"Dynamics 365 Opportunity to Partner Center" fires when a seller creates an opportunity marked for sync', async () => {
    const seen = record(flowTrigger('Dynamics 365 Opportunity to Partner Center'));
    h.dv.userCreate('opportunities', { name: 'New co-sell', pcs_syncwithpartnercenter: true });
    h.dv.userCreate('opportunities', { name: 'Not for sync' });
    await h.dv.settle();
    expect(seen.map((c) => [c.message, c.row.name])).toEqual([[1, 'New co-sell']]);
  });

  test('the trigger of "Dynamics 365 to Partner Center" lists exactly the shared fields (with the default deal value field)', () => {
    const parameters = (
      Object.values(flowNamed(SYNCED_CHANGES).definition.triggers)[0] as { inputs: { parameters: Record<string, string> } }
    ).inputs.parameters;
    for (const field of SHARED_FIELDS.filter((f) => f !== 'estimatedvalue'))
      expect(parameters['subscriptionRequest/filteringattributes']).toContain(`'${field}'`);
  });
});

describe('T3 filter expression, evaluated on the row after the change', () => {
  test('"pcs_syncwithpartnercenter eq true and pcs_referralidentifier ne null": unsynced rows and rows losing their referral id do not fire', async () => {
    const seen = record(flowTrigger(SYNCED_CHANGES, SHARED_FIELDS));
    const unsynced = h.dv.seed('opportunities', { name: 'Local only' }).opportunityid as string;
    const synced = h.dv.seed('opportunities', { name: 'Deal', pcs_syncwithpartnercenter: true, pcs_referralidentifier: 'R-1' })
      .opportunityid as string;
    h.dv.userUpdate('opportunities', unsynced, { name: 'Local only 2' });
    h.dv.userUpdate('opportunities', synced, { name: 'Deal 2', pcs_referralidentifier: null });
    await h.dv.settle();
    expect(seen).toEqual([]);
    h.dv.userUpdate('opportunities', synced, { description: 'back', pcs_referralidentifier: 'R-1' });
    await h.dv.settle();
    expect(seen.map((c) => c.row.description)).toEqual(['back']);
  });

  test('"… and pcs_referralidentifier eq null": marking an opportunity for sync fires once; once it has a referral id, no more', async () => {
    const seen = record(flowTrigger('Dynamics 365 Opportunity to Partner Center'));
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    h.dv.userUpdate('opportunities', opp, { pcs_syncwithpartnercenter: true });
    await h.dv.settle();
    h.dv.userUpdate('opportunities', opp, { pcs_syncwithpartnercenter: true, pcs_referralidentifier: 'R-9' });
    await h.dv.settle();
    expect(seen.map((c) => c.message)).toEqual([3]);
  });
});

describe('T4 delivery is asynchronous and tracked by settle()', () => {
  test('callbacks run after the write returns, never inside it', async () => {
    const seen = record({ message: 3, entity: 'opportunity' });
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    h.dv.userUpdate('opportunities', opp, { name: 'Deal 2' });
    expect(seen).toHaveLength(0);
    await connectorCall(h.connector, 'UpdateOnlyRecord', { entityName: 'opportunities', recordId: opp, 'item/name': 'Deal 3' });
    await h.dv.settle();
    expect(seen.map((c) => c.row.name)).toEqual(['Deal 2', 'Deal 3']);
  });

  test('a callback that writes back re-triggers flows, as in Dataverse (no loop prevention); settle() waits for the whole chain', async () => {
    let runs = 0;
    h.dv.subscribe({ message: 3, entity: 'opportunity', filteringAttributes: ['pcs_audit'] }, async (change) => {
      runs += 1;
      const current = body(
        await connectorCall(h.connector, 'GetItem', { entityName: 'opportunities', recordId: change.id, $select: 'pcs_audit' }),
      ).pcs_audit as string;
      if (current.length < 4) {
        await h.clock.sleep(1000);
        await connectorCall(h.connector, 'UpdateOnlyRecord', {
          entityName: 'opportunities',
          recordId: change.id,
          'item/pcs_audit': `${current}x`,
        });
      }
    });
    const opp = h.dv.seed('opportunities', { name: 'Deal' }).opportunityid as string;
    h.dv.userUpdate('opportunities', opp, { pcs_audit: 'x' });
    await h.dv.settle();
    expect(runs).toBe(4);
    expect(h.dv.row('opportunities', opp)).toMatchObject({ pcs_audit: 'xxxx', modifiedon: '2025-03-01T09:00:03Z' });
  });

  test("settle() rejects with the callbacks' errors (then forgets them)", async () => {
    h.dv.subscribe({ message: 1, entity: 'account' }, () => {
      throw new Error('flow failed');
    });
    h.dv.userCreate('accounts', { name: 'A' });
    await expect(h.dv.settle()).rejects.toThrow('1 row-trigger callback(s) failed: flow failed');
    await expect(h.dv.settle()).resolves.toBeUndefined();
  });

  test('seed() writes without firing; the unsubscribe function stops delivery', async () => {
    const seen: RowChange[] = [];
    const unsubscribe = h.dv.subscribe({ message: 7, entity: 'account' }, (change) => {
      seen.push(change);
    });
    h.dv.seed('accounts', { name: 'Existing' });
    await h.dv.settle();
    expect(seen).toEqual([]);
    unsubscribe();
    h.dv.userCreate('accounts', { name: 'After' });
    await h.dv.settle();
    expect(seen).toEqual([]);
  });
});

describe('T5 registration is refused as Dataverse refuses it', () => {
  test('an invalid filter expression', () => {
    let error: unknown;
    try {
      h.dv.subscribe({ message: 3, entity: 'opportunity', filterExpression: "_pcs_nosuch_value eq 'x'" }, () => undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataverseError);
    expect((error as DataverseError).code).toBe('0x80040203');
    expect((error as Error).message).toBe(
      "Exception parsing _pcs_nosuch_value eq 'x' submitted for attribute filterexpression of callback registration. " +
        "Target entity: opportunity. Exception: Microsoft.OData.ODataException: Could not find a property named '_pcs_nosuch_value' on type 'Microsoft.Dynamics.CRM.opportunity'.",
    );
  });

  test('an unknown table, filtering attribute or message code', () => {
    expect(() => h.dv.subscribe({ message: 1, entity: 'nosuch' }, () => undefined)).toThrow(DataverseError);
    expect(() => h.dv.subscribe({ message: 3, entity: 'opportunity', filteringAttributes: ['pcs_nosuch'] }, () => undefined)).toThrow(
      /pcs_nosuch/,
    );
    expect(() => h.dv.subscribe({ message: 8, entity: 'opportunity' }, () => undefined)).toThrow(/Invalid message 8/);
  });

  test('every row trigger our flows register is accepted', () => {
    for (const name of [
      'Dynamics 365 to Partner Center',
      'Dynamics 365 Opportunity to Partner Center',
      'Dynamics 365 Microsoft Solutions to Partner Center',
    ]) {
      expect(() => h.dv.subscribe(flowTrigger(name, name === SYNCED_CHANGES ? SHARED_FIELDS : undefined), () => undefined)).not.toThrow();
    }
  });
});

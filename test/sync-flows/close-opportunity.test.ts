import { contractOf, operationOf, parameterFor } from '../../contracts/index.js';
import { allActions, flowNamed } from './support.js';

/**
 * Issue 10 item 8 (Win/Lose): a referral Partner Center reports Closed/Won or Closed/Lost closes the still-open
 * opportunity through the Dataverse connector's PerformUnboundAction WinOpportunity / LoseOpportunity, never by an
 * update of statecode (Dataverse refuses it: 0x80100005). End to end: scenario closed-in-partner-center.
 */
describe('[Customize] Create or Get Details closes an opportunity closed in Partner Center', () => {
  const { definition } = flowNamed('[Customize] Create or Get Details from Dynamics 365');
  const actions = allActions(definition);
  const upsert = "body('Create_or_update_opportunity')";

  test('only when the referral is Closed as Won or Lost and the upserted opportunity is still open', () => {
    const condition = actions.If_closed_in_Partner_Center;
    expect(condition.runAfter).toEqual({ Use_opportunity: ['Succeeded'] });
    expect(condition.expression).toBe(
      `@and(equals(outputs('Referral')?['status'], 'Closed'), or(equals(outputs('Referral')?['substatus'], 'Won'), equals(outputs('Referral')?['substatus'], 'Lost')), equals(${upsert}?['statecode'], 0))`,
    );
    expect(actions.If_won.expression).toBe("@equals(outputs('Referral')?['substatus'], 'Won')");
  });

  test.each([
    ['Win_opportunity', 'WinOpportunity', 3],
    ['Lose_opportunity', 'LoseOpportunity', 4],
  ])('%s: PerformUnboundAction %s, Status %i, an OpportunityClose bound to the opportunity', (name, action, status) => {
    const inputs = actions[name]!.inputs;
    expect(inputs.host.operationId).toBe('PerformUnboundAction');
    expect(inputs.parameters).toEqual({
      actionName: action,
      'item/Status': status,
      'item/OpportunityClose': {
        subject: "@concat('Closed in Partner Center: ', outputs('Referral')?['substatus'])",
        'opportunityid@odata.bind': `@concat('/opportunities(', ${upsert}?['opportunityid'], ')')`,
      },
    });
    const operation = operationOf(contractOf('shared_commondataserviceforapps')!, inputs.host.operationId)!;
    for (const key of Object.keys(inputs.parameters)) expect(parameterFor(operation, key)).toBeDefined();
  });

  test('no flow closes an opportunity by writing statecode', () => {
    for (const flowName of [
      '[Customize] Create or Get Details from Dynamics 365',
      'Partner Center to Dynamics 365',
      'Partner Center Reconciliation',
    ]) {
      for (const [name, action] of Object.entries(allActions(flowNamed(flowName).definition))) {
        const parameters = JSON.stringify(action.inputs?.parameters ?? {});
        expect(`${flowName}/${name}: ${/"item\/statecode"|\\"statecode\\":/.test(parameters) ? 'writes statecode' : 'ok'}`).toBe(
          `${flowName}/${name}: ok`,
        );
      }
    }
  });
});

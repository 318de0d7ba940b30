import { ACTIVATION_ORDER, flowId } from '../../flows/index.js';
import { activationOrder, childFlowIds } from '../../flows/activation.js';
import { OPPORTUNITY_MAP } from '../../flows/mapping.js';
import { RECONCILIATION_PAGE } from '../../flows/definitions/reconciliation.js';
import { componentId } from '../../solution/ids.js';
import { allActions, flowNamed, flows, model, type Json } from './support.js';

const NAMES = [
  'Partner Center Webhook Registration',
  '[Customize] Create or Get Details from Dynamics 365',
  'Create Co-sell Referral – Dynamics 365 to Partner Center',
  'Partner Center Microsoft Co-sell Referral Updates to Dynamics 365',
  'Partner Center to Dynamics 365',
  'Dynamics 365 to Partner Center',
  'Dynamics 365 Opportunity to Partner Center',
  'Dynamics 365 Microsoft Solutions to Partner Center',
  "Send the Seller's Decision to Partner Center",
  "Send the Seller's Decision on a Lead to Partner Center",
  'Partner Center Reconciliation',
];

describe('the co-sell flows', () => {
  test("all eleven, named as Microsoft's connector names them, with ids derived from stable keys", () => {
    expect(flows.map((flow) => flow.name)).toEqual(NAMES);
    expect(flows[0]!.id).toBe(componentId('workflow', 'webhook-registration'));
    expect(new Set(flows.map((flow) => flow.id)).size).toBe(11);
  });

  test("every flow has the exported shape and runs on the solution's own (embedded) connections", () => {
    for (const flow of flows) {
      const document: Json = flow.document;
      expect(Object.keys(document)).toEqual(['properties', 'schemaVersion']);
      expect(document.properties.definition.$schema).toBe(
        'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
      );
      expect(Object.keys(document.properties.definition.triggers)).toHaveLength(1);
      for (const reference of Object.values<Json>(document.properties.connectionReferences)) {
        expect(reference.runtimeSource).toBe('embedded');
        expect(model.connectionReferences.map((r) => r.logicalName)).toContain(reference.connection.connectionReferenceLogicalName);
      }
      for (const [name, parameter] of Object.entries<Json>(document.properties.definition.parameters)) {
        if (name.startsWith('$')) continue;
        const variable = model.environmentVariables.find((v) => v.schemaName === parameter.metadata.schemaName)!;
        expect(name).toBe(`${variable.label[1033]} (${variable.schemaName})`);
      }
    }
  });

  test('child flows are called by workflow id and activated before their callers', () => {
    const order = activationOrder(flows).map((flow) => flow.name);
    for (const flow of flows) {
      for (const child of childFlowIds(flow.document)) {
        const childName = flows.find((candidate) => candidate.id === child)!.name;
        expect(order.indexOf(childName)).toBeLessThan(order.indexOf(flow.name));
      }
    }
    expect(order).toEqual(ACTIVATION_ORDER.map(([key]) => flows.find((flow) => flow.id === flowId(key))!.name));
  });

  test('a cycle of child calls is refused', () => {
    const a = { id: 'a', name: 'A', document: { x: { type: 'Workflow', inputs: { host: { workflowReferenceName: 'b' } } } } };
    const b = { id: 'b', name: 'B', document: { x: { type: 'Workflow', inputs: { host: { workflowReferenceName: 'a' } } } } };
    expect(() => activationOrder([a, b])).toThrow(/cycle: A → B → A/);
  });
});

describe('Partner Center to Dynamics 365 (webhook receiver)', () => {
  const { definition } = flowNamed('Partner Center to Dynamics 365');
  const actions = allActions(definition);

  test('HTTP request trigger with the webhook payload schema', () => {
    expect(definition.triggers.manual).toMatchObject({
      type: 'Request',
      kind: 'Http',
      // Partner Center calls from outside the tenant without a token: "All", not the new-flow default.
      inputs: { triggerAuthenticationType: 'All', method: 'POST' },
    });
    expect(definition.triggers.manual.inputs.schema.required).toEqual(['EventName', 'ResourceUri']);
  });

  test('takes the id from ResourceUri, checks its shape, and re-reads the referral by id', () => {
    expect(actions.Referral_id.inputs).toBe("@last(split(coalesce(triggerBody()?['ResourceUri'], ''), '/'))");
    expect(actions.If_the_event_is_a_referral_event.expression).toContain(
      "startsWith(toLower(coalesce(triggerBody()?['ResourceUri'], '')), 'https://api.partnercenter.microsoft.com/engagements/v1/referrals/')",
    );
    expect(actions.Get_referral.inputs.host.operationId).toBe('GetReferralById');
    expect(actions.Get_referral.inputs.parameters.id).toBe("@outputs('Referral_id')");
    expect(actions.Reject_the_event.inputs.statusCode).toBe(400);
  });

  test('skips non-co-sell referrals when Sync only co-sell is Yes, else makes leads', () => {
    expect(actions.If_referral_is_wanted.expression).toBe(
      "@or(equals(body('Get_referral')?['type'], 'Shared'), not(parameters('Sync only co-sell opportunities (pcs_SyncOnlyCoSell)')))",
    );
    expect(actions.Create_or_update_records.inputs.body.text_1).toBe(
      "@if(equals(body('Get_referral')?['type'], 'Shared'), 'opportunity', 'lead')",
    );
    expect(actions.Create_or_update_records.inputs.host.workflowReferenceName).toBe(flowId('CreateOrGetDetails'));
  });

  test('leaves terminal referrals alone and writes only when the mapped fields differ', () => {
    const condition = actions.If_dynamics_needs_the_change.expression as string;
    for (const status of ['Won', 'Lost', 'Declined', 'Expired']) {
      const option = model.choices.find((c) => c.schemaName === 'pcs_referralsubstatus')!.options.find((o) => o.key === status)!;
      expect(condition).toContain(`${option.value})`);
    }
    expect(condition).toContain(
      "equals(first(body('Find_synced_opportunity')?['value'])?['pcs_lastsyncedhash'], base64(string(createArray(",
    );
  });

  test("Microsoft's related-referral events go to the Microsoft updates child", () => {
    expect(actions.Apply_Microsoft_updates.inputs.host.workflowReferenceName).toBe(flowId('MicrosoftUpdates'));
  });
});

describe('[Customize] Create or Get Details from Dynamics 365', () => {
  const { definition } = flowNamed('[Customize] Create or Get Details from Dynamics 365');
  const actions = allActions(definition);

  test('matches the account by company name and postal code, OData-escaped; an empty postal code as null', () => {
    expect(actions.Find_account.inputs.parameters.$filter).toBe(
      "@concat('name eq ', concat('''', replace(string(outputs('Referral')?['customerProfile']?['name']), '''', ''''''), ''''), ' and address1_postalcode eq ', if(empty(outputs('Referral')?['customerProfile']?['address']?['postalCode']), 'null', concat('''', replace(string(outputs('Referral')?['customerProfile']?['address']?['postalCode']), '''', ''''''), '''')))",
    );
  });

  test('creates the account with the country in the column the environment variable names', () => {
    expect(actions.Create_customer_account.inputs.parameters.item).toBe(
      "@setProperty(outputs('Account_fields'), parameters('Customer country code field (pcs_CustomerCountryCodeField)'), outputs('Referral')?['customerProfile']?['address']?['country'])",
    );
  });

  test('upserts the opportunity on the Referral Identifier alternate key, deal value in the configured column', () => {
    const upsert = actions.Create_or_update_opportunity.inputs;
    expect(upsert.host.operationId).toBe('UpdateRecord');
    expect(upsert.parameters.recordId).toBe(
      "@concat('pcs_referralidentifier', '=', concat('''', replace(string(outputs('Referral')?['id']), '''', ''''''), ''''))",
    );
    expect(upsert.parameters.item).toContain(
      "parameters('Deal value field (pcs_DealValueField)'), outputs('Referral')?['details']?['dealValue']",
    );
  });

  test('every inbound field of the mapping is written; the key column only in the URL', () => {
    const fields = actions.Opportunity_fields.inputs;
    // "Use Upsert to Create or Update a record": the alternate key's data goes in the URL, not in the body.
    expect(Object.keys(fields)).not.toContain('pcs_referralidentifier');
    for (const column of [
      'name',
      'estimatedclosedate',
      'description',
      'pcs_referralstatus',
      'pcs_referralsubstatus',
      'pcs_partnercenteretag',
      'pcs_lastsyncedhash',
      'pcs_howcanmicrosofthelp',
    ]) {
      expect(Object.keys(fields)).toContain(column);
    }
    expect(fields['parentaccountid@odata.bind']).toBe("@concat('/accounts(', variables('AccountId'), ')')");
    expect(OPPORTUNITY_MAP.filter((f) => f.direction !== 'toPartnerCenter')).toHaveLength(11);
  });

  test('returns to its caller with a PowerApp response', () => {
    expect(actions.Respond_to_the_caller).toMatchObject({ type: 'Response', kind: 'PowerApp', inputs: { statusCode: 200 } });
  });
});

describe('Create Co-sell Referral – Dynamics 365 to Partner Center', () => {
  const { definition } = flowNamed('Create Co-sell Referral – Dynamics 365 to Partner Center');
  const actions = allActions(definition);

  test('validates what Partner Center requires before calling it', () => {
    const rules = actions.Validation_errors.inputs as string;
    expect(rules).toContain('two-letter ISO 3166 country code');
    expect(rules).toContain('at least one Partner Center solution');
    expect(rules).toContain('customer contact is required when Microsoft help is requested');
    expect(rules).toContain('needs a currency');
    expect(rules).toContain('needs a customer account');
    expect(actions.Get_account.inputs.parameters.recordId).toBe("@coalesce(body('Get_opportunity')?['_parentaccountid_value'], '')");
    expect(actions.If_valid.expression).toBe("@empty(body('Failed_rules'))");
  });

  test('creates the referral with externalReferenceId = the opportunity id', () => {
    const create = actions.Create_Microsoft_referral.inputs;
    expect(create.host.operationId).toBe('CreateReferral');
    expect(create.parameters.Referral.externalReferenceId).toBe("@triggerBody()?['text']");
    expect(create.parameters.Referral.details.requirements.solutions).toBe("@body('Solutions')");
    // Not idempotent: a retry after a time-out that followed the commit would create a second referral.
    expect(create.retryPolicy).toEqual({ type: 'none' });
  });

  test('failures go to Audit and the name gets ✘ when Checkmark is on', () => {
    expect(actions.Catch_errors.runAfter).toEqual({ Synchronizing_referrals: ['Failed', 'TimedOut'] });
    expect(actions.Write_failure_to_opportunity.inputs.parameters['item/name']).toContain(
      "parameters('Checkmark (pcs_Checkmark)'), concat('✘', ' '",
    );
    expect(actions.Write_referral_to_opportunity.inputs.parameters['item/name']).toContain("concat('✔', ' '");
    expect(actions.Write_failure_to_opportunity.inputs.parameters['item/pcs_audit']).toContain("variables('Audit')");
  });
});

describe('Dynamics 365 to Partner Center', () => {
  const { definition } = flowNamed('Dynamics 365 to Partner Center');
  const actions = allActions(definition);
  const trigger = definition.triggers.When_a_synced_opportunity_changes.inputs.parameters;

  test('fires only for synced opportunities with a referral, on the mapped columns', () => {
    expect(trigger['subscriptionRequest/message']).toBe(3);
    expect(trigger['subscriptionRequest/filterexpression']).toBe('pcs_syncwithpartnercenter eq true and pcs_referralidentifier ne null');
    expect(trigger['subscriptionRequest/filteringattributes']).toContain("parameters('Deal value field (pcs_DealValueField)')");
    expect(trigger['subscriptionRequest/filteringattributes']).not.toContain('pcs_lastsyncedhash');
  });

  test('skips echoes of its own writes', () => {
    expect(actions.If_only_an_echo.expression).toContain("equals(outputs('Fingerprint'), body('Get_opportunity')?['pcs_lastsyncedhash'])");
    expect(actions.Stop_echo.inputs.runStatus).toBe('Succeeded');
  });

  test('patches last-writer-wins: only id and the operations (the connector declares no if-match), the failure recorded', () => {
    const patch = actions.Patch_referral.inputs;
    expect(patch.host.operationId).toBe('PatchReferralById');
    expect(Object.keys(patch.parameters).sort()).toEqual(['Referral', 'id']);
    expect(patch.retryPolicy.type).toBe('exponential');
    expect(actions.Record_error.runAfter).toEqual({ Patch_referral: ['Failed', 'TimedOut'] });
    expect(actions.If_patched.expression).toBe("@equals(variables('Outcome'), '')");
  });

  test('sends every shared field of the mapping as a replace operation', () => {
    const operations: Json[] = actions.All_field_operations.inputs;
    expect(operations.map((op) => op.path)).toEqual(
      OPPORTUNITY_MAP.filter((f) => f.direction === 'both').map((f) => `/${f.path.join('/')}`),
    );
    expect(operations[1].changed).toContain(
      "if(startsWith(coalesce(body('Get_opportunity')?['pcs_lastsyncedhash'], ''), 'W'), json(base64ToString(coalesce(body('Get_opportunity')?['pcs_lastsyncedhash'], ''))), json('[]'))?[1]",
    );
    // Only the changed fields, or every field with a close (the seller's last word).
    expect(actions.Changed_fields.inputs.where).toBe(
      "@or(equals(item()?['changed'], true), not(equals(body('Get_opportunity')?['statecode'], 0)))",
    );
    expect(actions.Patch_referral.inputs.parameters.Referral).toBe("@outputs('Operations')");
  });
});

describe('the other flows', () => {
  test('Opportunity to Partner Center: on create or when Sync turns Yes without a referral, calls the child', () => {
    const { definition } = flowNamed('Dynamics 365 Opportunity to Partner Center');
    const trigger = definition.triggers.When_an_opportunity_is_marked_for_sync.inputs.parameters;
    expect(trigger['subscriptionRequest/message']).toBe(4);
    expect(trigger['subscriptionRequest/filterexpression']).toBe('pcs_syncwithpartnercenter eq true and pcs_referralidentifier eq null');
    expect(definition.actions.Create_co_sell_referral.inputs.host.workflowReferenceName).toBe(flowId('CreateCoSellReferral'));
  });

  test('Solutions to Partner Center: any change of a solution row replaces the referral solution list', () => {
    const { definition } = flowNamed('Dynamics 365 Microsoft Solutions to Partner Center');
    expect(definition.triggers.When_a_solution_row_changes.inputs.parameters['subscriptionRequest/entityname']).toBe(
      'pcs_partnercentersolution',
    );
    const patch = allActions(definition).Replace_referral_solutions.inputs.parameters;
    expect(patch.Referral[0]).toEqual({ op: 'replace', path: '/details/requirements/solutions', value: "@body('Solution_tags')" });
    const actions = allActions(definition);
    expect(actions.If_the_row_names_its_opportunity.expression).toBe(
      "@not(empty(coalesce(triggerOutputs()?['body/_pcs_opportunity_value'], '')))",
    );
    expect(actions.List_solutions.inputs.parameters.$filter).toContain("' and statecode eq 0'");
    expect(actions.No_opportunity_to_update.type).toBe('Compose');
  });

  test('Reconciliation: keyset pages of referrals changed since the watermark, each through the webhook path as listed', () => {
    const { definition } = flowNamed('Partner Center Reconciliation');
    const actions = allActions(definition);
    expect(definition.triggers.Recurrence.recurrence).toEqual({ frequency: 'Hour', interval: 1 });
    expect(actions.List_changed_referrals.inputs.parameters).toEqual({
      $filter: "@concat('updatedDateTime ge ', variables('Cursor'), ' and updatedDateTime lt ', outputs('Settled_before'))",
      $top: RECONCILIATION_PAGE,
      $skip: "@variables('Skip')",
      $orderby: 'updatedDateTime asc',
    });
    expect(actions.Initialize_cursor.inputs.variables[0].value).toBe("@outputs('Watermark')");
    expect(actions.Last_seen.inputs).toBe(
      "@coalesce(last(body('List_changed_referrals')?['value'])?['updatedDateTime'], variables('Cursor'))",
    );
    expect(actions.Next_skip.inputs).toBe("@add(if(outputs('Same_timestamp'), variables('Skip'), 0), length(body('At_last_seen')))");
    expect(actions.Watermark.inputs).toContain('addHours(utcNow(), -24)');
    const webhook = Object.keys(allActions(flowNamed('Partner Center to Dynamics 365').definition)).filter((name) =>
      /^(If_referral_is_wanted|Find_synced_opportunity|If_dynamics_needs_the_change|Create_or_update_records)$/.test(name),
    );
    expect(webhook).toHaveLength(4);
    for (const name of webhook) expect(Object.keys(actions)).toContain(`${name}_reconciled`);
    // The listed referral is used as it is: no second read per referral.
    expect(Object.keys(actions)).not.toContain('Get_referral_reconciled');
  });

  test('Webhook Registration: manual inputs as the old connector has them; Overwrite decides PUT or POST', () => {
    const { definition } = flowNamed('Partner Center Webhook Registration');
    const titles = Object.values(definition.triggers.manual.inputs.schema.properties).map((p: Json) => p.title);
    expect(titles).toEqual(['Http Trigger Endpoint', 'Events to Register', 'Overwrite existing trigger endpoints if present']);
    const actions = allActions(definition);
    expect(actions.Update_registration.inputs.host.operationId).toBe('UpdateRegistration');
    expect(actions.Register.inputs.host.operationId).toBe('EventRegistration');
    expect(actions.Events.inputs).toContain('referral-created,referral-updated,related-referral-created,related-referral-updated');
  });
});

describe('loop prevention in Dynamics 365 to Partner Center', () => {
  const { definition } = flowNamed('Dynamics 365 to Partner Center');
  const actions = allActions(definition);

  test('the name (a watched column) is written only when its mark must change', () => {
    expect(actions.Record_sync.inputs.parameters['item/name']).toBeUndefined();
    expect(actions.Record_failure.inputs.parameters['item/name']).toBeUndefined();
    // The name is read again just before the mark: the one read at the start may be minutes old.
    expect(actions.If_checkmark_for_failure.expression).toBe("@parameters('Checkmark (pcs_Checkmark)')");
    expect(actions.Read_name_for_failure.inputs.parameters.$select).toBe('name,pcs_lastsyncedhash');
    // A name read as the synced one is recorded as synced with the mark: a write it races then sends nothing old.
    expect(actions['If_name_is_the_synced_one_success'].expression).toContain("body('Read_name_for_success')");
    expect(actions.Mark_name_success.inputs.parameters).toHaveProperty('item/pcs_lastsyncedhash');
    expect(actions.Mark_changed_name_success.inputs.parameters).not.toHaveProperty('item/pcs_lastsyncedhash');
    expect(actions.If_name_needs_failure.expression).toBe("@not(startsWith(coalesce(body('Read_name_for_failure')?['name'], ''), '✘'))");
    expect(actions.Mark_name_success.inputs.parameters['item/name']).toContain("concat('✔', ' '");
  });

  test('a closed opportunity is an echo once its close reached Partner Center', () => {
    const won = model.choices.find((c) => c.schemaName === 'pcs_referralsubstatus')!.options.find((o) => o.key === 'Won')!.value;
    expect(actions.If_only_an_echo.expression).toContain(`equals(body('Get_opportunity')?['pcs_referralsubstatus'], ${won})`);
    expect(actions.Record_sync.inputs.parameters['item/pcs_referralsubstatus']).toContain(`${won}`);
  });
});

describe('details the Partner Center contract imposes', () => {
  test('after a PATCH (204, no body) no ETag is written: the next read of the referral brings the new one', () => {
    const actions = allActions(flowNamed('Dynamics 365 to Partner Center').definition);
    expect(actions.Record_sync.inputs.parameters).not.toHaveProperty('item/pcs_partnercenteretag');
    const solutions = allActions(flowNamed('Dynamics 365 Microsoft Solutions to Partner Center').definition);
    expect(Object.keys(solutions.Replace_referral_solutions.inputs.parameters).sort()).toEqual(['Referral', 'id']);
    expect(solutions.Record_solutions_sent.inputs.parameters).not.toHaveProperty('item/pcs_partnercenteretag');
  });

  test('reconciliation sends Microsoft-owned referrals to the Microsoft updates child', () => {
    const actions = allActions(flowNamed('Partner Center Reconciliation').definition);
    expect(actions.If_Microsoft_owns_the_referral.expression).toBe(
      "@equals(items('For_each_changed_referral')?['organizationId'], 'msft')",
    );
    expect(actions.Apply_Microsoft_updates_reconciled.inputs.host.workflowReferenceName).toBe(flowId('MicrosoftUpdates'));
  });

  test('event names typed with spaces are accepted', () => {
    const actions = allActions(flowNamed('Partner Center Webhook Registration').definition);
    expect(actions.Events.inputs).toMatch(/^@split\(replace\(if\(.*\), ' ', ''\), ','\)$/);
  });
});

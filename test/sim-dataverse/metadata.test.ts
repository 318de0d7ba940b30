import { buildMetadata, SEEDED_CURRENCIES } from '../../sim/dataverse/metadata.js';
import { compileFilter } from '../../sim/dataverse/filter.js';
import { parseExpand, parseSelect, resolveProperty } from '../../sim/dataverse/odata.js';
import { flows, type Json } from '../sync-flows/support.js';
import { model } from './support.js';

/** CONTRACT.md §M: metadata comes from the solution model plus built-in standard tables. */

const metadata = buildMetadata(model);
const table = (set: string) => {
  const entity = metadata.bySet.get(set);
  if (!entity) throw new Error(`no entity set ${set}`);
  return entity;
};

describe('M1 the solution model', () => {
  test('our opportunity columns are there with their kinds; the referral id is an alternate key', () => {
    const opportunity = table('opportunities');
    const types = Object.fromEntries(
      [...opportunity.attributes.values()].filter((a) => a.logicalName.startsWith('pcs_')).map((a) => [a.logicalName, a.type]),
    );
    expect(types).toEqual({
      pcs_syncwithpartnercenter: 'boolean',
      pcs_referralidentifier: 'string',
      pcs_referrallink: 'string',
      pcs_howcanmicrosofthelp: 'multiselect',
      pcs_products: 'string',
      pcs_audit: 'memo',
      pcs_referralvisibility: 'boolean',
      pcs_microsoftcrmidentifier: 'string',
      pcs_referralstatus: 'picklist',
      pcs_referralsubstatus: 'picklist',
      pcs_partnercenteretag: 'string',
      pcs_lastsyncedhash: 'memo',
      pcs_lastsyncedon: 'datetime',
      pcs_lastpartnercenterwrite: 'string',
      pcs_partnercenterchangedon: 'string',
      pcs_solutionssent: 'memo',
      pcs_solutionsunsent: 'boolean',
      pcs_decision: 'picklist',
      pcs_declinereason: 'picklist',
      pcs_respondby: 'datetime',
      pcs_decisionsent: 'picklist',
    });
    expect(opportunity.keys).toEqual([
      { logicalName: 'pcs_key_referralidentifier', displayName: 'Referral Identifier key', columns: ['pcs_referralidentifier'] },
    ]);
  });

  test('the Partner Center solutions table: entity set, primary name, lookup navigation property from the relationship, composite key', () => {
    const solutions = table('pcs_partnercentersolutions');
    expect(solutions).toMatchObject({
      logicalName: 'pcs_partnercentersolution',
      primaryIdAttribute: 'pcs_partnercentersolutionid',
      primaryNameAttribute: 'pcs_name',
    });
    expect(solutions.navigation.get('pcs_Opportunity')).toEqual({ attribute: 'pcs_opportunity', target: 'opportunity' });
    expect(solutions.keys[0]!.columns).toEqual(['pcs_opportunity', 'pcs_solutionidentifier']);
    expect(metadata.cascades).toContainEqual({
      parent: 'opportunity',
      child: 'pcs_partnercentersolution',
      attribute: 'pcs_opportunity',
      onDelete: 'Cascade',
      relationship: 'pcs_Opportunity_PartnerCenterSolution',
    });
  });

  test("choices carry the model's option values and labels", () => {
    const status = table('opportunities').attributes.get('pcs_referralstatus')!;
    expect([...status.options!]).toEqual([
      [104370000, 'New'],
      [104370001, 'Active'],
      [104370002, 'Closed'],
    ]);
  });

  test('standard tables and the seeded currencies', () => {
    expect([...metadata.bySet.keys()].sort()).toEqual([
      'accounts',
      'contacts',
      'leads',
      'opportunities',
      'pcs_partnercentersolutions',
      'transactioncurrencies',
    ]);
    expect(table('opportunities').attributes.get('estimatedclosedate')!.type).toBe('dateonly');
    expect(Object.keys(SEEDED_CURRENCIES)).toEqual(['USD', 'EUR', 'TWD']);
  });
});

describe('M2 every column our flows name exists in the emulator (a column missing from the package would fail here)', () => {
  const quoted = (expression: string): string[] => [...expression.matchAll(/'([a-z_0-9]+)'/g)].map((m) => m[1]!);

  const actions: Array<{ name: string; action: Json }> = [];
  const visit = (actions_: Record<string, Json> | undefined): void => {
    for (const [name, action] of Object.entries(actions_ ?? {})) {
      actions.push({ name, action });
      visit(action.actions);
      visit(action.else?.actions);
      for (const branch of Object.values<Json>(action.cases ?? {})) visit(branch.actions);
      visit(action.default?.actions);
    }
  };
  for (const flow of flows) visit((flow.document as Json).properties.definition.actions);

  test('$select, $expand, static $filter and item/<column> keys of every Dataverse action', () => {
    let checked = 0;
    const dynamicFilters: Array<[string, string[]]> = [];
    for (const { name, action } of actions) {
      if (action.type !== 'OpenApiConnection' || !String(action.inputs.host.apiId).endsWith('/shared_commondataserviceforapps')) continue;
      const p = action.inputs.parameters as Record<string, unknown>;
      // An unbound action (WinOpportunity) names no table; its item/<key>s are the action's parameters (§O).
      if (action.inputs.host.operationId === 'PerformUnboundAction') continue;
      const entity = table(p.entityName as string);
      const select = p.$select as string | undefined;
      if (select) {
        const columns = select.startsWith('@') ? quoted(select).filter((c) => c !== ',') : select.split(',');
        expect(() => parseSelect(entity, columns.join(','))).not.toThrow();
        checked += columns.length;
      }
      if (typeof p.$expand === 'string') expect(() => parseExpand(metadata, entity, p.$expand as string)).not.toThrow();
      if (typeof p.$filter === 'string' && !p.$filter.startsWith('@'))
        expect(() => compileFilter(entity, p.$filter as string)).not.toThrow();
      if (typeof p.$filter === 'string' && p.$filter.startsWith('@')) {
        // concat('name eq ', …, ' and address1_postalcode eq ', …) / concat('pcs_referralidentifier', ' eq ', …)
        // …and a comparison inside a literal: 'pcs_syncwithpartnercenter eq true and … modifiedon ge ', …
        const columns = [
          ...new Set([
            ...[...p.$filter.matchAll(/'(?:\s*and\s+)?([a-z_][a-z_0-9]*)(?:',\s*')?\s+eq\s*'/g)].map((m) => m[1]!),
            ...[...p.$filter.matchAll(/([a-z_][a-z_0-9]*)\s+(?:eq|ne|ge|gt|le|lt)\s+(?:true|false|null|\d+|')/g)].map((m) => m[1]!),
          ]),
        ];
        dynamicFilters.push([name, columns]);
        for (const column of columns) {
          expect(`${name}: ${column} ${resolveProperty(entity, column) ? 'exists' : 'missing'}`).toBe(`${name}: ${column} exists`);
          checked += 1;
        }
      }
      for (const key of Object.keys(p).filter((k) => k.startsWith('item/'))) {
        const column = key.slice('item/'.length);
        const known = column.endsWith('@odata.bind')
          ? entity.navigation.has(column.slice(0, -'@odata.bind'.length))
          : entity.attributes.has(column);
        expect(`${name}: ${column} ${known ? 'exists' : 'missing'}`).toBe(`${name}: ${column} exists`);
        checked += 1;
      }
    }
    // The lookups the README names: account by company name + postal code, contact by email, ours by referral id
    // (before the read, to know the event; and the opportunity we shared, by the referral's externalReferenceId), and the
    // reconciliation's re-sends.
    expect(dynamicFilters).toEqual([
      ['Find_account', ['name', 'address1_postalcode']],
      ['Find_contact', ['emailaddress1']],
      ['List_solutions', ['_pcs_opportunity_value', 'statecode']],
      ['Find_opportunity', ['pcs_referralidentifier']],
      ['Find_opportunity_of_the_referral', ['pcs_referralidentifier']],
      ['Find_opportunity_we_shared', ['opportunityid', 'pcs_referralidentifier']],
      ['Find_synced_opportunity', ['pcs_referralidentifier']],
      ['List_solutions', ['_pcs_opportunity_value', 'statecode']],
      ['Find_opportunity_we_shared_reconciled', ['opportunityid', 'pcs_referralidentifier']],
      ['Find_synced_opportunity_reconciled', ['pcs_referralidentifier']],
      ['List_recently_modified_synced_opportunities', ['pcs_syncwithpartnercenter', 'pcs_referralidentifier', 'modifiedon']],
      ['List_opportunities_without_their_referral', ['pcs_syncwithpartnercenter', 'pcs_referralidentifier', 'statecode', 'modifiedon']],
      ['List_recently_changed_solutions', ['modifiedon']],
      ['List_current_solutions', ['_pcs_opportunity_value', 'statecode']],
      ['List_solutions_reconciled', ['_pcs_opportunity_value', 'statecode']],
    ]);
    expect(checked).toBeGreaterThan(30);
  });

  test('the whole-row items composed for accounts and opportunities', () => {
    const composed: Record<string, string> = { Account_fields: 'accounts', Opportunity_fields: 'opportunities' };
    for (const { name, action } of actions.filter(({ name: n }) => n in composed)) {
      const entity = table(composed[name]!);
      for (const column of Object.keys(action.inputs)) {
        const known = column.endsWith('@odata.bind')
          ? entity.navigation.has(column.slice(0, -'@odata.bind'.length))
          : entity.attributes.has(column);
        expect(`${name}: ${column} ${known ? 'exists' : 'missing'}`).toBe(`${name}: ${column} exists`);
      }
    }
  });

  test('the environment-variable defaults name existing columns (deal value on opportunity, country code on account)', () => {
    const value = (stem: string) => model.environmentVariables.find((v) => v.schemaName === `pcs_${stem}`)!.defaultValue as string;
    expect(table('opportunities').attributes.get(value('DealValueField'))?.type).toBe('money');
    expect(table('accounts').attributes.get(value('CustomerCountryCodeField'))?.type).toBe('string');
  });
});

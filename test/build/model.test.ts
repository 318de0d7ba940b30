import { buildCoSellModel, OpportunityColumn } from '../../solution/cosell.js';
import { componentId } from '../../solution/ids.js';
import { labels } from '../../solution/labels.js';
import type { Column, SolutionModel } from '../../solution/model.js';
import { validateModel } from '../../solution/validate.js';
import { UserErrors } from '../../core/errors.js';
import { defaultConfig, defaultModel } from '../support/model.js';

function problems(model: SolutionModel): string[] {
  try {
    validateModel(model, 'solution/cosell.ts');
  } catch (error) {
    return (error as UserErrors).errors.map((e) => `${e.where}: ${e.problem}`);
  }
  return [];
}

const withOpportunityColumns = (model: SolutionModel, extra: Column[]): SolutionModel => ({
  ...model,
  tables: model.tables.map((table) => (table.kind === 'extended' ? { ...table, columns: [...table.columns, ...extra] } : table)),
});

describe('the co-sell solution model', () => {
  const model = defaultModel();

  test('the default model is valid', () => {
    expect(problems(model)).toEqual([]);
  });

  test('extends opportunity with every column the issue lists, prefixed', () => {
    const opportunity = model.tables.find((table) => table.logicalName === 'opportunity')!;
    expect(opportunity.kind).toBe('extended');
    expect(opportunity.columns.map((column) => column.schemaName)).toEqual(Object.values(OpportunityColumn).map((stem) => `pcs_${stem}`));
    const sync = opportunity.columns.find((column) => column.schemaName === 'pcs_SyncWithPartnerCenter')!;
    expect(sync.kind === 'boolean' && sync.defaultValue).toBe(false);
    expect(opportunity.keys[0]!.columns).toEqual(['pcs_referralidentifier']);
  });

  test("How can Microsoft help? is a multi-select choice with Partner Center's six options", () => {
    const help = model.choices.find((choice) => choice.schemaName === 'pcs_howcanmicrosofthelp')!;
    expect(help.options.map((option) => option.key)).toEqual([
      'WorkloadSpecificValueProposition',
      'CustomerTechnicalArchitecture',
      'ProofOfConceptOrDemo',
      'QuotesOrLicensing',
      'PostSalesCustomerSuccess',
      'GeneralOrOther',
    ]);
    expect(help.options.map((option) => option.value)).toEqual([104370000, 104370001, 104370002, 104370003, 104370004, 104370005]);
  });

  test('status and sub-status match Partner Center', () => {
    const keys = (name: string) => model.choices.find((choice) => choice.schemaName === name)!.options.map((option) => option.key);
    expect(keys('pcs_referralstatus')).toEqual(['New', 'Active', 'Closed']);
    expect(keys('pcs_referralsubstatus')).toEqual(['Pending', 'Received', 'Accepted', 'Won', 'Lost', 'Declined', 'Expired']);
  });

  test('environment variables carry defaults only, with the documented defaults', () => {
    expect(model.environmentVariables.map((v) => [v.schemaName, v.type, v.defaultValue])).toEqual([
      ['pcs_Checkmark', 'Boolean', true],
      ['pcs_SyncOnlyCoSell', 'Boolean', true],
      ['pcs_DealValueField', 'String', 'estimatedvalue'],
      ['pcs_CustomerCountryCodeField', 'String', 'address1_country'],
    ]);
  });

  test('connection references use the Partner Center and Dataverse connector api names', () => {
    expect(model.connectionReferences.map((r) => r.apiName)).toEqual([
      'shared_partnercenterref',
      'shared_partnercenterevents',
      'shared_commondataserviceforapps',
    ]);
  });

  test('every label has English and Traditional Chinese text', () => {
    const opportunity = model.tables[0]!;
    for (const column of opportunity.columns) {
      expect(column.label[1033]).not.toBe('');
      expect(column.label[1028]).not.toBe('');
    }
  });

  test('the new main form id is derived from stable names, the same for every version', () => {
    const newForm = (version: string) =>
      defaultModel(undefined, (config) => {
        config.solution.version = version;
        config.form = { mode: 'newMainForm' };
      });
    expect(newForm('1.0.0.1').forms[0]!.placement.formId).toBe(newForm('1.0.0.0').forms[0]!.placement.formId);
    expect(newForm('1.0.0.0').forms[0]!.placement.formId).toBe(componentId('systemform', 'pcs:opportunity:main:MicrosoftPartnerCenter'));
  });

  test('the default placement is a diff of the Sales Hub opportunity main form, on a tab of its own', () => {
    expect(model.forms[0]!.placement).toEqual({
      mode: 'existingForm',
      formId: 'a837e4a7-01b8-4f82-a475-be9abd67e667',
      target: {
        kind: 'newTab',
        tabName: 'pcs_microsoftpartnercentertab',
        label: { 1033: 'Microsoft Partner Center', 1028: 'Microsoft 合作夥伴中心' },
      },
      name: 'Opportunity',
      description: 'Updated default Opportunity form',
      introducedVersion: '5.0.0.0',
    });
  });

  test('the prefix flows through every schema name', () => {
    const other = defaultModel(undefined, (config) => {
      config.publisher.customizationPrefix = 'ctso';
    });
    expect(problems(other)).toEqual([]);
    expect(other.tables[1]!.schemaName).toBe('ctso_PartnerCenterSolution');
    expect(other.environmentVariables[0]!.schemaName).toBe('ctso_Checkmark');
  });

  test('a duplicate schema name is refused with both places', () => {
    const duplicate = model.tables[0]!.columns[0]!;
    const found = problems(withOpportunityColumns(model, [{ ...duplicate, label: labels('Again', '再次') }]));
    const index = model.tables[0]!.columns.length;
    expect(found).toEqual([
      `tables[0].columns[${index}]: column "${duplicate.schemaName}" is defined twice (also at tables[0].columns[0])`,
    ]);
  });

  test('a missing Traditional Chinese label is refused with its field', () => {
    const column: Column = {
      ...model.tables[0]!.columns[1]!,
      schemaName: 'pcs_Extra',
      logicalName: 'pcs_extra',
      label: labels('Extra', ''),
    };
    expect(problems(withOpportunityColumns(model, [column]))).toContain(
      'tables[0].columns[21].label[1028]: has no label for language 1028',
    );
  });

  test('a column without the publisher prefix is refused with the rename', () => {
    const column = { ...model.tables[0]!.columns[1]!, schemaName: 'ReferralNote', logicalName: 'referralnote' } as Column;
    expect(problems(withOpportunityColumns(model, [column])).join('\n')).toContain(
      '"ReferralNote" does not start with the publisher prefix "pcs_"',
    );
  });

  test('a name longer than the XSD limit is refused', () => {
    const long = `pcs_${'x'.repeat(60)}`;
    const column = { ...model.tables[0]!.columns[1]!, schemaName: long, logicalName: long } as Column;
    expect(problems(withOpportunityColumns(model, [column])).join('\n')).toContain('more than 50');
  });

  test('a view showing an unknown column and a subgrid on an unknown view are refused', () => {
    const broken: SolutionModel = {
      ...model,
      tables: model.tables.map((table) =>
        table.kind === 'custom'
          ? { ...table, views: table.views.map((view, i) => (i === 0 ? { ...view, columns: [...view.columns, 'pcs_nothere'] } : view)) }
          : table,
      ),
      forms: model.forms.map((form) => ({
        ...form,
        section: { ...form.section, subgrid: { ...form.section.subgrid!, viewId: componentId('savedquery', 'none') } },
      })),
    };
    const found = problems(broken).join('\n');
    expect(found).toContain('tables[1].views[0].columns: shows column "pcs_nothere"');
    expect(found).toContain('forms[0].section.subgrid.viewId: names view');
  });

  test('an option value outside the publisher range is refused', () => {
    const config = defaultConfig();
    const built = buildCoSellModel(config);
    const broken: SolutionModel = { ...built, publisher: { ...built.publisher, optionValuePrefix: 20000 } };
    expect(problems(broken).join('\n')).toContain("outside the publisher's range 200000000–200009999");
  });
});

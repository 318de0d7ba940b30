import { ComponentType } from '../core/package/component-types.js';
import type { OpportunityForm, PartnerColumn, SolutionModel } from './model.js';
import {
  APP_TABLES,
  NEW_MAIN_FORM_OVERVIEW_COLUMNS,
  SALES_HUB_OPPORTUNITY_FORM,
  SALES_OPPORTUNITY,
  SALES_OPPORTUNITY_COLUMNS,
  SALES_SOLUTION,
} from './sales.js';

/**
 * One `<MissingDependency>` of solution.xml: a component of another solution the package needs (Required)
 * and the component of ours that needs it (Dependent), with the attributes real exports write, in their
 * order (Hackathon28092023, SalesWin_1_0_0_8 of the corpus):
 *
 *     <Required type="1" schemaName="opportunity" displayName="Opportunity" solution="msdynce_Sales (9.0.4.0076)" />
 *     <Dependent type="1" schemaName="opportunity" displayName="Opportunity" />
 *     <Required type="2" schemaName="parentaccountid" displayName="Account" parentSchemaName="opportunity" parentDisplayName="Opportunity" solution="…" />
 *     <Required type="60" displayName="Opportunity" parentDisplayName="Opportunity" solution="…" id="{a837e4a7-…}" />
 *
 * Exports of 2023 on also name the anchor package (`<package>msdynce_SalesAnchor (9.0.23083.10003)</package>`),
 * whose version is the exporting org's; we write none, as SalesHub_Customization_1_0_0_1 (2022) does not,
 * rather than tie the import to one org's Sales release.
 */
export interface DependencyComponent {
  readonly type: number;
  readonly schemaName?: string;
  readonly displayName: string;
  readonly parentSchemaName?: string;
  readonly parentDisplayName?: string;
  readonly solution?: string;
  readonly id?: string;
}

export interface MissingDependency {
  readonly required: DependencyComponent;
  readonly dependent: DependencyComponent;
}

/** Opportunity columns a flow is taken to read or write when its definition names them (`x` or `_x_value`). */
const FLOW_COLUMNS = ['parentaccountid', 'parentcontactid', 'estimatedvalue', 'estimatedclosedate'] as const;

const mentions = (text: string, column: string): boolean => new RegExp(`(?<![A-Za-z0-9_])_?${column}(_value)?(?![A-Za-z0-9_])`).test(text);

/**
 * What the package requires from Dynamics 365 Sales: `opportunity` (the table it extends; and each flow that
 * reads or writes it, as does `lead` for the flow that creates leads), the Sales Hub
 * opportunity form when the section is a diff of it, and each Sales column the form binds or a flow names,
 * once per component of ours that needs it. Sorted as exports sort them: by type, then name.
 */
export function salesDependencies(model: SolutionModel): MissingDependency[] {
  const opportunityTable = { schemaName: SALES_OPPORTUNITY.logicalName, displayName: SALES_OPPORTUNITY.displayName };
  const extendsOpportunity = model.tables.some((table) => table.kind === 'extended' && table.logicalName === SALES_OPPORTUNITY.logicalName);
  if (!extendsOpportunity) return [];
  const dependencies: MissingDependency[] = [
    {
      required: { type: ComponentType.Entity, ...opportunityTable, solution: SALES_SOLUTION },
      dependent: { type: ComponentType.Entity, ...opportunityTable },
    },
  ];
  // Other app tables the package extends (lead, for the leads made from referrals): each one, as opportunity.
  for (const table of APP_TABLES.filter(
    (candidate) =>
      candidate.logicalName !== SALES_OPPORTUNITY.logicalName &&
      model.tables.some((own) => own.kind === 'extended' && own.logicalName === candidate.logicalName),
  )) {
    const entity = { schemaName: table.logicalName, displayName: table.displayName };
    dependencies.push({
      required: { type: ComponentType.Entity, ...entity, solution: table.solution },
      dependent: { type: ComponentType.Entity, ...entity },
    });
  }
  const column = (schemaName: string): DependencyComponent => ({
    type: ComponentType.Attribute,
    schemaName,
    displayName: SALES_OPPORTUNITY_COLUMNS[schemaName] ?? schemaName,
    parentSchemaName: SALES_OPPORTUNITY.logicalName,
    parentDisplayName: SALES_OPPORTUNITY.displayName,
    solution: SALES_SOLUTION,
  });
  const columnDependencies: MissingDependency[] = [];
  for (const form of model.forms.filter((candidate) => candidate.entity === SALES_OPPORTUNITY.logicalName)) {
    const placement = form.placement;
    const formName = placement.mode === 'existingForm' ? placement.name : placement.name[1033];
    const dependentForm: DependencyComponent = {
      type: ComponentType.SystemForm,
      displayName: formName,
      parentDisplayName: SALES_OPPORTUNITY.displayName,
      id: `{${placement.formId}}`,
    };
    if (placement.mode === 'existingForm' && placement.formId === SALES_HUB_OPPORTUNITY_FORM.id) {
      dependencies.push({
        required: {
          type: ComponentType.SystemForm,
          displayName: SALES_HUB_OPPORTUNITY_FORM.name,
          parentDisplayName: SALES_OPPORTUNITY.displayName,
          solution: SALES_SOLUTION,
          id: `{${SALES_HUB_OPPORTUNITY_FORM.id}}`,
        },
        dependent: dependentForm,
      });
    }
    for (const name of formSalesColumns(form, placement.mode))
      columnDependencies.push({ required: column(name), dependent: dependentForm });
  }
  for (const flow of model.flows) {
    const text = JSON.stringify(flow.document);
    const flowDependent: DependencyComponent = { type: ComponentType.Workflow, displayName: flow.name, id: `{${flow.id}}` };
    for (const table of APP_TABLES.filter((candidate) => entitySetsOf(text).has(candidate.entitySet))) {
      dependencies.push({
        required: { type: ComponentType.Entity, schemaName: table.logicalName, displayName: table.displayName, solution: table.solution },
        dependent: flowDependent,
      });
    }
    for (const name of FLOW_COLUMNS.filter((candidate) => mentions(text, candidate))) {
      columnDependencies.push({
        required: column(name),
        dependent: flowDependent,
      });
    }
    for (const partner of (model.partnerMappings?.columns ?? []).filter((candidate) => mentions(text, candidate.logicalName)))
      columnDependencies.push({ required: partnerColumn(partner), dependent: flowDependent });
  }
  const byName = (a: MissingDependency, b: MissingDependency): number =>
    (a.required.schemaName ?? '').localeCompare(b.required.schemaName ?? '') || a.dependent.type - b.dependent.type;
  // Exports list type 1, then 2, then 60, each by name.
  const tables = dependencies.filter((dependency) => dependency.required.type === ComponentType.Entity);
  const forms = dependencies.filter((dependency) => dependency.required.type !== ComponentType.Entity);
  return [...tables.sort(byName), ...columnDependencies.sort(byName), ...forms];
}

/** The partner's column a flow reads or writes (pac.config.json "mappings"): the partner's solution holds it, not Sales. */
const partnerColumn = (partner: PartnerColumn): DependencyComponent => ({
  type: ComponentType.Attribute,
  schemaName: partner.logicalName,
  displayName: partner.displayName ?? partner.logicalName,
  parentSchemaName: SALES_OPPORTUNITY.logicalName,
  parentDisplayName: SALES_OPPORTUNITY.displayName,
  solution: partner.solution ?? UNMANAGED_LAYER,
});

/** How dependencies name the solution of an unmanaged component. */
const UNMANAGED_LAYER = 'Active';

/** The entity set names a flow definition's Dataverse actions name (`"entityName":"leads"`). */
export function entitySetsOf(flowJson: string): Set<string> {
  return new Set([...flowJson.matchAll(/"entityName":\s*"([A-Za-z0-9_]+)"/g)].map((match) => match[1]!.toLowerCase()));
}

/** The Sales columns a form of ours shows or binds: the new main form's overview fields, the control's lookups. */
function formSalesColumns(form: OpportunityForm, mode: 'newMainForm' | 'existingForm'): string[] {
  const bound = new Set<string>();
  if (mode === 'newMainForm') for (const name of NEW_MAIN_FORM_OVERVIEW_COLUMNS) bound.add(name);
  for (const binding of form.section.control?.bindings ?? []) if (binding.column in SALES_OPPORTUNITY_COLUMNS) bound.add(binding.column);
  return [...bound].sort();
}

import {
  ComponentType,
  CUSTOMIZATIONS_XML,
  formElements,
  normalizeGuid,
  prefixOf,
  SOLUTION_XML,
  type EntityNode,
  type FormNode,
  type SolutionPackage,
} from '../../../core/package/reader.js';
import type { XElement } from '../../../core/xml/tree.js';
import { entitySetsOf } from '../../../solution/dependencies.js';
import { APP_TABLES, PLATFORM_TABLES, SALES_HUB_OPPORTUNITY_FORM } from '../../../solution/sales.js';
import type { Finding } from '../types.js';
import { finding, lower, type RuleContext } from './common.js';
import { hasSolutionAction, isAdded } from './forms.js';

/**
 * What the package takes from the target org must be declared in `<MissingDependencies>` (so an org without
 * it gets the import wizard's list up front instead of a failure half-way) or be a table every Dataverse org
 * has (PLATFORM_TABLES, cited in solution/sales.ts):
 *
 * - a table the package extends as a shell (root type 1, behavior 2): `<Required type="1" schemaName=…>`;
 * - a form it changes as a diff (solutionaction in its FormXml): `<Required type="60" id=…>`;
 * - a column of such a table that a node it adds to a form binds: `<Required type="2" schemaName=… parentSchemaName=…>`.
 *
 * A form of another solution written whole instead of as a diff is High `form-full-copy-of-other`.
 *
 * Components of the package's own prefix are skipped (another solution of the same publisher; not Sales').
 * Medium, not High: the import succeeds whenever the target has the component, and real exports import without
 * declaring what a Microsoft solution they ship beside provides (the corpus' CRMP2C diffs Sales forms and
 * declares none).
 */
export function checkDependencies({ pkg }: RuleContext): Finding[] {
  const manifest = pkg.manifest;
  if (!manifest || !pkg.customizations) return [];
  const required = manifest.missingRequired;
  const declared = (type: number, match: (node: XElement) => boolean): boolean =>
    required.some((node) => node.attrs.type === String(type) && match(node));
  const own = ownPrefix(pkg);
  const findings: Finding[] = [];

  const shells = manifest.rootComponents.filter(
    (root) => root.type === ComponentType.Entity && root.behavior === '2' && root.schemaName !== undefined,
  );
  const externalTables = new Set<string>();
  for (const root of shells) {
    const table = lower(root.schemaName!);
    if (PLATFORM_TABLES.has(table) || own(table)) continue;
    externalTables.add(table);
    if (declared(ComponentType.Entity, (node) => lower(node.attrs.schemaName ?? '') === table)) continue;
    findings.push(
      finding(
        'Medium',
        'dependency-undeclared',
        `the package extends table ${root.schemaName} of another solution but does not declare it in MissingDependencies`,
        {
          entry: SOLUTION_XML,
          where: root.el,
          fix: `add <MissingDependency><Required type="1" schemaName="${table}" displayName=… solution="<its solution (version)>" /><Dependent type="1" schemaName="${table}" … /></MissingDependency>`,
        },
      ),
    );
  }

  findings.push(...undeclaredFlowTables(pkg, declared));

  for (const entity of pkg.customizations.entities) {
    for (const form of entity.forms) {
      if (!form.form || !form.formId) continue;
      if (!hasSolutionAction(form.form)) {
        findings.push(...fullCopyOfOthersForm(entity, form, declared));
        continue;
      }
      const id = normalizeGuid(form.formId);
      if (!declared(ComponentType.SystemForm, (node) => normalizeGuid(node.attrs.id ?? '') === id)) {
        findings.push(
          finding(
            'Medium',
            'dependency-undeclared',
            `${entity.name} form ${form.formId} is a diff of another solution's form but MissingDependencies does not declare that form`,
            {
              entry: CUSTOMIZATIONS_XML,
              where: form.systemform,
              fix: `add <MissingDependency><Required type="60" displayName=… parentDisplayName=… solution=… id="${form.formId}" /><Dependent type="60" … id="${form.formId}" /></MissingDependency>`,
            },
          ),
        );
      }
      if (externalTables.has(lower(entity.name))) findings.push(...undeclaredColumns(pkg, entity, form, own, declared));
    }
  }
  return findings;
}

/**
 * A form the package declares as another solution's (`<Required type="60">`), or the Sales Hub opportunity
 * form, written as whole FormXml (no solutionaction): the package would carry a full copy of a form it does
 * not own, which replaces that form's layout instead of merging into it (D4: ship a diff). In the corpus, all
 * 5 forms declared as Required type 60 and present in customizations.xml are diffs (Hackathon28092023,
 * SalesHub_Customization ×2, SidePaneAgentSample ×2).
 */
function fullCopyOfOthersForm(
  entity: EntityNode,
  form: FormNode,
  declared: (type: number, match: (node: XElement) => boolean) => boolean,
): Finding[] {
  const id = normalizeGuid(form.formId ?? '');
  const others =
    id === SALES_HUB_OPPORTUNITY_FORM.id || declared(ComponentType.SystemForm, (node) => normalizeGuid(node.attrs.id ?? '') === id);
  if (!others) return [];
  return [
    finding(
      'High',
      'form-full-copy-of-other',
      `${entity.name} form ${form.formId ?? ''} belongs to another solution but is written as a whole form (no solutionaction): the import would replace its layout instead of merging into it`,
      {
        entry: CUSTOMIZATIONS_XML,
        where: form.form ?? form.systemform,
        fix: 'write only what the package adds, marked solutionaction="Added" (a diff), as Dataverse exports changes to another solution\'s form',
      },
    ),
  ];
}

/**
 * A table of a Dynamics 365 app (APP_TABLES: lead, opportunity) that a cloud flow's Dataverse action names by
 * its entity set, when the package neither defines it nor declares it. Other entity sets are not judged (a
 * platform table, or one we cannot name the owner of).
 */
function undeclaredFlowTables(pkg: SolutionPackage, declared: (type: number, match: (node: XElement) => boolean) => boolean): Finding[] {
  const defined = new Set((pkg.customizations?.entities ?? []).filter((entity) => entity.info).map((entity) => lower(entity.name)));
  const findings: Finding[] = [];
  for (const entry of pkg.entries.filter((candidate) => /^Workflows\/[^/]+\.json$/i.test(candidate.name))) {
    const sets = entitySetsOf(new TextDecoder().decode(entry.data));
    for (const table of APP_TABLES.filter((candidate) => sets.has(candidate.entitySet))) {
      if (
        defined.has(table.logicalName) ||
        declared(ComponentType.Entity, (node) => lower(node.attrs.schemaName ?? '') === table.logicalName)
      )
        continue;
      findings.push(
        finding(
          'Medium',
          'dependency-undeclared',
          `flow ${entry.name} reads or writes ${table.entitySet} (table ${table.logicalName} of ${table.solution}), which MissingDependencies does not declare`,
          {
            entry: SOLUTION_XML,
            fix: `add <MissingDependency><Required type="1" schemaName="${table.logicalName}" displayName="${table.displayName}" solution="${table.solution}" /><Dependent type="29" … /></MissingDependency>`,
          },
        ),
      );
    }
  }
  return findings;
}

/** Columns of the extended table bound by nodes the diff adds, that the package neither defines nor declares. */
function undeclaredColumns(
  pkg: SolutionPackage,
  entity: EntityNode,
  form: FormNode,
  own: (name: string) => boolean,
  declared: (type: number, match: (node: XElement) => boolean) => boolean,
): Finding[] {
  const defined = new Set(entity.attributes.map((attribute) => lower(attribute.logicalName)));
  const table = lower(entity.name);
  const columns = new Set<string>();
  for (const control of formElements(form, 'control').filter(isAdded)) {
    const column = lower(control.attrs.datafieldname ?? '');
    if (column && !defined.has(column) && !own(column)) columns.add(column);
  }
  for (const parameter of formElements(form, 'controlDescription')
    .filter(isAdded)
    .flatMap((description) => description.children.filter((custom) => custom.name === 'customControl' && custom.attrs.name))
    .flatMap((custom) => custom.children.find((element) => element.name === 'parameters')?.children ?? [])) {
    const column = lower(parameter.text.trim());
    if (/^[a-z][a-z0-9_]*$/.test(column) && parameter.attrs.type !== undefined && !defined.has(column) && !own(column)) columns.add(column);
  }
  return [...columns]
    .filter(
      (column) =>
        !declared(
          ComponentType.Attribute,
          (node) => lower(node.attrs.schemaName ?? '') === column && lower(node.attrs.parentSchemaName ?? '') === table,
        ),
    )
    .map((column) =>
      finding(
        'Medium',
        'dependency-undeclared',
        `${entity.name} form ${form.formId ?? ''}: what the package adds binds column ${column} of ${entity.name}, which MissingDependencies does not declare`,
        {
          entry: SOLUTION_XML,
          where: `${pkg.label} MissingDependencies`,
          fix: `add <MissingDependency><Required type="2" schemaName="${column}" displayName=… parentSchemaName="${table}" parentDisplayName=… solution=… /><Dependent type="60" … /></MissingDependency>`,
        },
      ),
    );
}

/** Whether a name carries the package's publisher prefix. */
function ownPrefix(pkg: SolutionPackage): (name: string) => boolean {
  const prefix = pkg.manifest?.prefix ? lower(pkg.manifest.prefix) : undefined;
  return (name) => prefix !== undefined && lower(prefixOf(name) ?? '') === prefix;
}

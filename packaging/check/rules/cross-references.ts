import {
  ComponentType,
  CUSTOMIZATIONS_XML,
  declaredMissing,
  entryNameOf,
  normalizeGuid,
  prefixOf,
  SOLUTION_XML,
  type Customizations,
  type FileComponentNode,
  type Manifest,
  type NamedNode,
  type RootComponent,
  type SolutionPackage,
} from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { childText, select, type XElement } from '../../../core/xml/tree.js';
import { finding, lower, type RuleContext } from './common.js';

/** Elements whose text names a zip entry (`/Folder/file`): classic workflows, plug-in assemblies, canvas apps, connectors… */
const FILE_REFERENCE_ELEMENT = /(FileName|Uri)$/;
/** Covered by their own rules (flows.ts, web resources and custom controls above). */
const FILE_REFERENCES_CHECKED_ELSEWHERE = new Set(['Workflow/JsonFileName', 'WebResource/FileName', 'CustomControl/FileName']);

const NOT_ROOT_ERROR = 'Dataverse fails the import with 0x8004803a "… is not declared in the solution file as a root component"';
const SHELL_BEHAVIORS = ['1', '2'];
const CONTROL_MANIFEST = 'ControlManifest.xml';

/** Components in customizations.xml ↔ root components in solution.xml ↔ files in the zip. */
export function checkCrossReferences({ pkg }: RuleContext): Finding[] {
  const { manifest, customizations } = pkg;
  if (!manifest || !customizations) return [];
  return [
    ...checkEntities(manifest, customizations),
    ...checkWorkflowRoots(manifest, customizations),
    ...checkFormRoots(manifest, customizations),
    ...checkNamedRoots(manifest, customizations.optionSets, ComponentType.OptionSet, 'option set', 'optionset'),
    ...checkNamedRoots(manifest, customizations.customControls, ComponentType.CustomControl, 'custom control', 'custom-control'),
    ...checkFiles(
      pkg,
      customizations.customControls,
      'custom-control-manifest-missing',
      'custom control',
      (name) => `Controls/${name}/${CONTROL_MANIFEST}`,
    ),
    ...checkNamedRoots(manifest, customizations.webResources, ComponentType.WebResource, 'web resource', 'web-resource'),
    ...checkFiles(pkg, customizations.webResources, 'web-resource-file-missing', 'web resource', undefined),
    ...checkRelationshipEntities(manifest, customizations),
    ...checkOtherFileReferences(pkg, customizations),
  ];
}

const rootsOfType = (manifest: Manifest, type: number): RootComponent[] => manifest.rootComponents.filter((root) => root.type === type);

function checkEntities(manifest: Manifest, customizations: Customizations): Finding[] {
  const findings: Finding[] = [];
  const roots = rootsOfType(manifest, ComponentType.Entity);
  const rootNames = new Set(roots.map((root) => lower(root.schemaName ?? '')));
  const entityNames = new Set(customizations.entities.map((entity) => lower(entity.name)));
  for (const entity of customizations.entities) {
    if (rootNames.has(lower(entity.name))) continue;
    findings.push(
      finding(
        'Critical',
        'entity-not-root',
        `table ${entity.name} is in customizations.xml but not declared as a root component (type 1) in solution.xml; ${NOT_ROOT_ERROR}`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: entity.el,
          fix: `add <RootComponent type="1" schemaName="${lower(entity.name)}" behavior="0" /> (behavior="2" for a system table you only extend)`,
        },
      ),
    );
  }
  for (const root of roots) {
    const name = root.schemaName ?? '';
    if (!name || entityNames.has(lower(name))) continue;
    // A shell (behavior 1/2) of a table owned by someone else may legitimately carry no entity node.
    const shell = SHELL_BEHAVIORS.includes(root.behavior ?? '0');
    if (shell && prefixOf(name) === undefined) continue;
    findings.push(
      shell
        ? finding(
            'Low',
            'root-entity-missing',
            `root component table ${name} (shell) has no <Entity> in customizations.xml, so it adds nothing`,
            {
              entry: SOLUTION_XML,
              where: root.el,
              fix: 'remove the root component or add the columns/forms it should carry',
            },
          )
        : finding(
            'Critical',
            'root-entity-missing',
            `root component table ${name} (behavior ${root.behavior ?? '0'}, include everything) has no <Entity> in customizations.xml; the import cannot find the table definition`,
            {
              entry: SOLUTION_XML,
              where: root.el,
              fix: `add the <Entity> node for ${name} to customizations.xml, or use behavior="2" for a system table you only extend`,
            },
          ),
    );
  }
  return findings;
}

function checkWorkflowRoots(manifest: Manifest, customizations: Customizations): Finding[] {
  const findings: Finding[] = [];
  const roots = rootsOfType(manifest, ComponentType.Workflow);
  const rootIds = new Set(roots.map((root) => normalizeGuid(root.id ?? '')));
  const workflowIds = new Set(customizations.workflows.map((workflow) => normalizeGuid(workflow.id ?? '')));
  for (const workflow of customizations.workflows) {
    if (workflow.id === undefined || rootIds.has(normalizeGuid(workflow.id))) continue;
    findings.push(
      finding(
        'Critical',
        'workflow-not-root',
        `flow "${workflow.name ?? ''}" (WorkflowId ${workflow.id}) is in customizations.xml but not declared as a root component (type 29) in solution.xml; ${NOT_ROOT_ERROR}`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: workflow.el,
          fix: `add <RootComponent type="29" id="{${normalizeGuid(workflow.id)}}" behavior="0" />, or fix the id so both files use the same WorkflowId`,
        },
      ),
    );
  }
  for (const root of roots) {
    if (root.id === undefined || workflowIds.has(normalizeGuid(root.id))) continue;
    findings.push(
      finding(
        'Critical',
        'root-workflow-missing',
        `root component flow ${root.id} (type 29) has no <Workflow WorkflowId="${root.id}"> in customizations.xml`,
        {
          entry: SOLUTION_XML,
          where: root.el,
          fix: 'add the Workflow element (and its Workflows/*.json) or remove the root component; ids compare case-insensitively, braces optional',
        },
      ),
    );
  }
  return findings;
}

/**
 * A form listed on its own (type 60, e.g. a form added to a system table) must be in customizations.xml:
 * a table form (`systemform`) or a dashboard (`Dashboards/Dashboard`, also a system form; corpus:
 * CustomerServiceCS, Knowledge_Assessment, SalesHub_Customization). A form that MissingDependencies lists
 * as Required (type 60, same id) belongs to another solution the target must already have (corpus:
 * P2CFieldService roots two Field Service forms): a declared dependency, not a defect.
 */
function checkFormRoots(manifest: Manifest, customizations: Customizations): Finding[] {
  const formIds = new Set([
    ...customizations.entities.flatMap((entity) => entity.forms.map((form) => normalizeGuid(form.formId ?? ''))),
    ...select(customizations.root, 'Dashboards/Dashboard').map((dashboard) => normalizeGuid(childText(dashboard, 'FormId') ?? '')),
  ]);
  const requiredElsewhere = new Set(
    manifest.missingRequired
      .filter((required) => required.attrs.type === String(ComponentType.SystemForm) && required.attrs.id !== undefined)
      .map((required) => normalizeGuid(required.attrs.id ?? '')),
  );
  return rootsOfType(manifest, ComponentType.SystemForm)
    .filter((root) => root.id !== undefined && !formIds.has(normalizeGuid(root.id)) && !requiredElsewhere.has(normalizeGuid(root.id)))
    .map((root) =>
      finding(
        'Critical',
        'root-form-missing',
        `root component form ${root.id ?? ''} (type 60) has no <systemform> with that formid in customizations.xml`,
        {
          entry: SOLUTION_XML,
          where: root.el,
          fix: "add the form under its table's <FormXml> or remove the root component",
        },
      ),
    );
}

/** Option sets, custom controls, web resources: each one ↔ a root component of its type with the same name. */
function checkNamedRoots(manifest: Manifest, components: readonly NamedNode[], type: number, label: string, ruleStem: string): Finding[] {
  const findings: Finding[] = [];
  const roots = rootsOfType(manifest, type);
  const rootNames = new Set(roots.map((root) => lower(root.schemaName ?? '')));
  const names = new Set(components.map((component) => lower(component.name)));
  for (const component of components) {
    if (!component.name || rootNames.has(lower(component.name))) continue;
    findings.push(
      finding(
        'Critical',
        `${ruleStem}-not-root`,
        `${label} ${component.name} is in customizations.xml but not declared as a root component (type ${type}) in solution.xml; ${NOT_ROOT_ERROR}`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: component.el,
          fix: `add <RootComponent type="${type}" schemaName="${component.name}" behavior="0" />`,
        },
      ),
    );
  }
  for (const root of roots) {
    const name = root.schemaName ?? '';
    if (!name || names.has(lower(name))) continue;
    findings.push(
      finding(
        'Critical',
        `root-${ruleStem}-missing`,
        `root component ${label} ${name} (type ${type}) has no definition in customizations.xml`,
        {
          entry: SOLUTION_XML,
          where: root.el,
          fix: `add the ${label} to customizations.xml or remove the root component`,
        },
      ),
    );
  }
  return findings;
}

/** Components whose content is a separate zip entry named by <FileName>. */
function checkFiles(
  pkg: SolutionPackage,
  components: readonly FileComponentNode[],
  rule: string,
  label: string,
  defaultFile: ((name: string) => string) | undefined,
): Finding[] {
  const findings: Finding[] = [];
  for (const component of components) {
    const file = component.fileName ? entryNameOf(component.fileName) : defaultFile?.(component.name);
    if (file === undefined || pkg.byName.has(file)) continue;
    findings.push(
      finding('Critical', rule, `${label} ${component.name} points to ${file}, which is not in the zip`, {
        entry: CUSTOMIZATIONS_XML,
        where: component.el,
        fix: `add ${file} to the zip (names are case-sensitive) or correct <FileName>`,
      }),
    );
  }
  return findings;
}

/** Any other `…FileName`/`…Uri` element pointing into the zip (`/Folder/file`) must name an entry that exists. */
function checkOtherFileReferences(pkg: SolutionPackage, customizations: Customizations): Finding[] {
  const findings: Finding[] = [];
  const walk = (element: XElement): void => {
    for (const node of element.children) {
      const reference = node.text.trim();
      if (
        FILE_REFERENCE_ELEMENT.test(node.name) &&
        reference.startsWith('/') &&
        node.children.length === 0 &&
        !FILE_REFERENCES_CHECKED_ELSEWHERE.has(`${element.name}/${node.name}`) &&
        !pkg.byName.has(entryNameOf(reference))
      ) {
        findings.push(
          finding(
            'Critical',
            'referenced-file-missing',
            `<${node.name}> of <${element.name}> points to ${entryNameOf(reference)}, which is not in the zip`,
            {
              entry: CUSTOMIZATIONS_XML,
              where: node,
              fix: 'add the file to the zip (names are case-sensitive) or correct the reference',
            },
          ),
        );
      }
      walk(node);
    }
  };
  walk(customizations.root);
  return findings;
}

/**
 * Relationships must link tables the target will have: in this package, system tables (no prefix),
 * or tables MissingDependencies says the target must already hold.
 */
function checkRelationshipEntities(manifest: Manifest, customizations: Customizations): Finding[] {
  const inPackage = new Set(customizations.entities.map((entity) => lower(entity.name)));
  const findings: Finding[] = [];
  for (const relationship of customizations.relationships) {
    for (const entity of relationship.entities) {
      if (inPackage.has(lower(entity)) || prefixOf(entity) === undefined || declaredMissing(manifest, ComponentType.Entity, entity))
        continue;
      findings.push(
        finding(
          'Medium',
          'relationship-entity-unknown',
          `relationship ${relationship.name} links table ${entity}, which is neither in this package nor listed in MissingDependencies; the import fails unless the target already has it`,
          {
            entry: CUSTOMIZATIONS_XML,
            where: relationship.el,
            fix: `add ${entity} to the solution (type 1 root component) or make sure the solution that owns it is installed first`,
          },
        ),
      );
    }
  }
  return findings;
}

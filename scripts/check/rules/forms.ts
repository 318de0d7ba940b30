import { ComponentType, CUSTOMIZATIONS_XML, declaredMissing, formElements, normalizeGuid, prefixOf, type EntityNode, type FormNode, type SolutionPackage } from '../package.js';
import type { Finding } from '../types.js';
import type { XElement } from '../xml-tree.js';
import { duplicatesBy, finding, lower, type RuleContext } from './common.js';

const SOLUTION_ACTION = 'solutionaction';
/** Form nodes whose `id` must be unique within one form. */
const ID_ELEMENTS = ['tab', 'section', 'cell'];

/** Forms: PCF bindings point at real controls, bound columns exist, ids are unique within the form. */
export function checkForms({ pkg }: RuleContext): Finding[] {
  const ownPrefixes = ownPrefixesOf(pkg);
  return (pkg.customizations?.entities ?? []).flatMap((entity) =>
    entity.forms.filter((form) => form.form).flatMap((form) => [
      ...checkControlDescriptions(entity, form),
      ...checkBoundColumns(pkg, entity, form, ownPrefixes),
      ...checkFormElementIds(entity, form),
    ]));
}

/** A diff form (managed, solutionaction="…") only carries changed nodes: the control may live in the base form. */
const isDiffForm = (form: FormNode): boolean => hasSolutionAction(form.form);
const hasSolutionAction = (element: XElement | undefined): boolean =>
  element !== undefined && (element.attrs[SOLUTION_ACTION] !== undefined || element.children.some(hasSolutionAction));

const formLabel = (entity: EntityNode, form: FormNode): string => `${entity.name} form ${form.formId ?? ''}`.trim();

function checkControlDescriptions(entity: EntityNode, form: FormNode): Finding[] {
  if (isDiffForm(form)) return [];
  const uniqueIds = new Set(formElements(form, 'control').map((control) => normalizeGuid(control.attrs.uniqueid ?? '')));
  return formElements(form, 'controlDescription')
    .filter((description) => !uniqueIds.has(normalizeGuid(description.attrs.forControl ?? '')))
    .map((description) => finding('Medium', 'form-control-description-orphan',
      `${formLabel(entity, form)}: controlDescription forControl="${description.attrs.forControl ?? ''}" matches no control uniqueid in the form; the custom control is never shown`, {
        entry: CUSTOMIZATIONS_XML, where: description, fix: 'set forControl to the uniqueid of the cell control it replaces',
      }));
}

/**
 * A control bound to a column of this solution's own prefix must have that column in the package:
 * the form depends on it, and the import fails on the missing dependency. Columns with other prefixes
 * belong to other solutions (MissingDependencies territory) and are not checked.
 */
function checkBoundColumns(pkg: SolutionPackage, entity: EntityNode, form: FormNode, ownPrefixes: ReadonlySet<string>): Finding[] {
  const columns = new Set(entity.attributes.map((attribute) => lower(attribute.logicalName)));
  const findings: Finding[] = [];
  for (const control of formElements(form, 'control')) {
    const column = control.attrs.datafieldname;
    const prefix = column ? prefixOf(column) : undefined;
    if (!column || prefix === undefined || !ownPrefixes.has(lower(prefix)) || columns.has(lower(column))) continue;
    if (declaredMissing(pkg.manifest, ComponentType.Attribute, column)) continue;
    findings.push(finding('High', 'form-field-unknown', `${formLabel(entity, form)}: control ${control.attrs.id ?? ''} is bound to column ${column}, which is not an attribute of ${entity.name} in this package`, {
      entry: CUSTOMIZATIONS_XML, where: control, fix: `add the ${column} attribute to ${entity.name} (or correct datafieldname)`,
    }));
  }
  return findings;
}

function checkFormElementIds(entity: EntityNode, form: FormNode): Finding[] {
  const findings: Finding[] = [];
  const check = (name: string, attribute: string): void => {
    const elements = formElements(form, name);
    for (const [id, group] of duplicatesBy(elements, (el) => (el.attrs[attribute] ? normalizeGuid(el.attrs[attribute]) : undefined))) {
      findings.push(finding('High', 'duplicate-form-element-id', `${formLabel(entity, form)}: ${group.length} <${name}> elements share ${attribute} ${id}`, {
        entry: CUSTOMIZATIONS_XML, where: group[1] ?? form.systemform, fix: `give each <${name}> its own GUID`,
      }));
    }
  };
  for (const name of ID_ELEMENTS) check(name, 'id');
  check('control', 'uniqueid');
  return findings;
}

/** The publisher prefix plus the prefixes of the custom columns this package defines. */
function ownPrefixesOf(pkg: SolutionPackage): Set<string> {
  const prefixes = new Set<string>();
  if (pkg.manifest?.prefix) prefixes.add(lower(pkg.manifest.prefix));
  for (const entity of pkg.customizations?.entities ?? []) {
    for (const attribute of entity.attributes) {
      const prefix = attribute.isCustom ? prefixOf(attribute.schemaName) : undefined;
      if (prefix) prefixes.add(lower(prefix));
    }
  }
  return prefixes;
}

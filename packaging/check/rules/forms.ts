import { ofTypesForAttribute, type ControlManifestInfo } from '../../control-manifest.js';
import { ControlManifests } from './control-manifests.js';
import {
  ComponentType,
  CUSTOMIZATIONS_XML,
  declaredMissing,
  formElements,
  normalizeGuid,
  prefixOf,
  type EntityNode,
  type FormNode,
  type SolutionPackage,
} from '../../../core/package/reader.js';
import type { ControlProperty } from '../../../solution/model.js';
import type { Finding } from '../types.js';
import { child, childText, type XElement } from '../../../core/xml/tree.js';
import { duplicatesBy, finding, listNames, lower, type RuleContext } from './common.js';

/** How a form binds a dataset property of a code component. */
const DATA_SET = 'data-set';

const SOLUTION_ACTION = 'solutionaction';
/** Form nodes whose `id` must be unique within one form. */
const ID_ELEMENTS = ['tab', 'section', 'cell'];

/** Forms: PCF bindings point at real controls, bound columns exist, ids are unique within the form. */
export function checkForms({ pkg }: RuleContext): Finding[] {
  const ownPrefixes = ownPrefixesOf(pkg);
  const manifests = new ControlManifests(pkg);
  return (pkg.customizations?.entities ?? []).flatMap((entity) =>
    entity.forms
      .filter((form) => form.form)
      .flatMap((form) => [
        ...checkControlDescriptions(entity, form),
        ...checkBoundColumns(pkg, entity, form, ownPrefixes),
        ...checkCustomControlBindings(pkg, entity, form, ownPrefixes, manifests),
        ...checkFormElementIds(entity, form),
        ...checkFormTabs(entity, form),
        ...checkDiffNewNodes(pkg, entity, form, ownPrefixes),
      ]),
  );
}

/**
 * A code component bound on a form (`controlDescription/customControl[@name]`): the control is shipped
 * (a CustomControl of this package, when it carries our prefix), each parameter is a property of its
 * packaged ControlManifest.xml, each bound column exists and has a type the property accepts, the
 * `type` written on the parameter is one the property declares, and no required property is unbound.
 */
function checkCustomControlBindings(
  pkg: SolutionPackage,
  entity: EntityNode,
  form: FormNode,
  ownPrefixes: ReadonlySet<string>,
  manifests: ControlManifests,
): Finding[] {
  const place: BindingPlace = {
    pkg,
    entity,
    form,
    ownPrefixes,
    attributes: new Map(entity.attributes.map((attribute) => [lower(attribute.logicalName), attribute])),
  };
  const uniqueIds = new Set(formElements(form, 'control').map((control) => normalizeGuid(control.attrs.uniqueid ?? '')));
  // An orphan description (form-control-description-orphan) never shows its control: its binding is moot.
  const live = formElements(form, 'controlDescription').filter(
    (description) => isDiffForm(form) || uniqueIds.has(normalizeGuid(description.attrs.forControl ?? '')),
  );
  return live
    .flatMap((description) => description.children.filter((element) => element.name === 'customControl'))
    .flatMap((custom) => checkCustomControl(place, manifests, custom));
}

/** The form a binding is on, and what its checks look names up in. */
interface BindingPlace {
  readonly pkg: SolutionPackage;
  readonly entity: EntityNode;
  readonly form: FormNode;
  readonly ownPrefixes: ReadonlySet<string>;
  /** The entity's attributes by lower-cased logical name. */
  readonly attributes: ReadonlyMap<string, EntityNode['attributes'][number]>;
}

/** One `customControl` of a form, and the packaged manifest it names. */
interface BoundControl {
  readonly element: XElement;
  /** How findings name it: form and control. */
  readonly label: string;
  /** The manifest's zip entry. */
  readonly entry: string;
  readonly manifest: ControlManifestInfo;
  /** The manifest's properties by name. */
  readonly properties: ReadonlyMap<string, ControlProperty>;
  /** The manifest's data-set names. */
  readonly dataSets: ReadonlySet<string>;
}

function checkCustomControl(place: BindingPlace, manifests: ControlManifests, custom: XElement): Finding[] {
  const name = custom.attrs.name;
  if (!name) return []; // the classic fallback (by classid)
  const label = `${formLabel(place.entity, place.form)}: custom control ${name}`;
  const packaged = manifests.get(name);
  if (!packaged) return unknownCustomControl(place, custom, name, label);
  if (packaged.problem) {
    return [
      finding('High', 'custom-control-manifest-invalid', `${packaged.entry} ${packaged.problem}, so the binding of ${name} cannot work`, {
        entry: packaged.entry,
        fix: 'package the ControlManifest.xml that pcf-scripts writes to out/controls/<control>/',
      }),
    ];
  }
  if (!packaged.manifest) return []; // manifest file missing: custom-control-manifest-missing (cross-references)
  const { manifest } = packaged;
  const control: BoundControl = {
    element: custom,
    label,
    entry: packaged.entry,
    manifest,
    properties: new Map(manifest.properties.map((property) => [property.name, property])),
    dataSets: packaged.dataSets ?? new Set(),
  };
  const parameters = custom.children.find((element) => element.name === 'parameters')?.children ?? [];
  return [
    ...parameters.flatMap((parameter) => checkParameter(place, control, parameter)),
    ...unboundRequiredProperties(control, parameters),
  ];
}

/** A control of our own prefix the package does not ship (other prefixes belong to other solutions). */
function unknownCustomControl(place: BindingPlace, custom: XElement, name: string, label: string): Finding[] {
  const prefix = prefixOf(name);
  if (
    prefix === undefined ||
    !place.ownPrefixes.has(lower(prefix)) ||
    declaredMissing(place.pkg.manifest, ComponentType.CustomControl, name)
  ) {
    return [];
  }
  return [
    finding('High', 'form-custom-control-unknown', `${label} is not a CustomControl of this package; the form cannot load it`, {
      entry: CUSTOMIZATIONS_XML,
      where: custom,
      fix: `package the control (Controls/${name}/ControlManifest.xml, a <CustomControl> and a type-66 root component) or correct the name`,
    }),
  ];
}

/** A parameter names a manifest property, its written type is one the property declares, and a bound one a fitting column. */
function checkParameter(place: BindingPlace, control: BoundControl, parameter: XElement): Finding[] {
  const { label, manifest } = control;
  if (parameter.name === DATA_SET) return checkDataSetParameter(control, parameter);
  const property = control.properties.get(parameter.name);
  if (!property) {
    return [
      finding(
        'High',
        'form-control-property-unknown',
        `${label}: parameter <${parameter.name}> is not a property of ${control.entry} (it has ${listNames(manifest.properties.map((p) => p.name))})`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: parameter,
          fix: 'use the manifest property names, or rebuild and repackage the control',
        },
      ),
    ];
  }
  const findings: Finding[] = [];
  const declaredType = parameter.attrs.type;
  if (declaredType !== undefined && property.types.length > 0 && !property.types.includes(declaredType)) {
    findings.push(
      finding(
        'High',
        'form-control-type-mismatch',
        `${label}: parameter ${parameter.name} says type="${declaredType}", but the manifest declares ${property.types.join(' | ')}`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: parameter,
          fix: `write type="${property.types[0]}" (the manifest's of-type)`,
        },
      ),
    );
  }
  if (property.usage === 'bound' && parameter.attrs.static !== 'true')
    findings.push(...checkBoundParameter(place, label, parameter, property));
  return findings;
}

/**
 * A dataset property is bound as `<data-set name="<manifest data-set name>">` holding the view, table and
 * relationship it lists (corpus: PermitManagement, timelinecontrol's timelineDataSet): its name must be a
 * `<data-set>` of the manifest.
 */
function checkDataSetParameter(control: BoundControl, parameter: XElement): Finding[] {
  const name = parameter.attrs.name ?? '';
  if (control.dataSets.has(name)) return [];
  return [
    finding(
      'High',
      'form-control-property-unknown',
      `${control.label}: <data-set name="${name}"> is not a data-set of ${control.entry} (it has ${listNames([...control.dataSets])})`,
      {
        entry: CUSTOMIZATIONS_XML,
        where: parameter,
        fix: 'use the data-set names of the manifest, or rebuild and repackage the control',
      },
    ),
  ];
}

/** The column a bound property names exists on the entity (when it is ours) and has a type the property accepts. */
function checkBoundParameter(place: BindingPlace, label: string, parameter: XElement, property: ControlProperty): Finding[] {
  const { entity } = place;
  const column = parameter.text.trim();
  const attribute = place.attributes.get(lower(column));
  if (!attribute) {
    const prefix = prefixOf(column);
    if (
      prefix === undefined ||
      !place.ownPrefixes.has(lower(prefix)) ||
      declaredMissing(place.pkg.manifest, ComponentType.Attribute, column)
    ) {
      return [];
    }
    return [
      finding(
        'High',
        'form-control-column-unknown',
        `${label}: property ${parameter.name} is bound to ${column}, which is not an attribute of ${entity.name} in this package`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: parameter,
          fix: `add the ${column} attribute to ${entity.name} or bind the property to an existing column`,
        },
      ),
    ];
  }
  const columnTypes = ofTypesForAttribute(childText(attribute.el, 'Type') ?? '', childText(attribute.el, 'Format'));
  if (!columnTypes || property.types.length === 0 || columnTypes.some((type) => property.types.includes(type))) return [];
  return [
    finding(
      'High',
      'form-control-type-mismatch',
      `${label}: property ${parameter.name} (${property.types.join(' | ')}) is bound to ${column}, a ${columnTypes.join(' | ')} column`,
      {
        entry: CUSTOMIZATIONS_XML,
        where: parameter,
        fix: `bind ${parameter.name} to a ${property.types.join(' or ')} column, or change the property's of-type in the manifest`,
      },
    ),
  ];
}

function unboundRequiredProperties(control: BoundControl, parameters: readonly XElement[]): Finding[] {
  const bound = new Set(parameters.map((parameter) => parameter.name));
  const missing = control.manifest.properties.filter(
    (property) => property.required && property.usage !== 'output' && !bound.has(property.name),
  );
  if (missing.length === 0) return [];
  return [
    finding(
      'High',
      'form-control-property-missing',
      `${control.label}: required propert${missing.length === 1 ? 'y' : 'ies'} ${listNames(missing.map((p) => p.name))} not bound; the form editor refuses the control and the runtime gets no value`,
      {
        entry: CUSTOMIZATIONS_XML,
        where: control.element,
        fix: 'add a parameter for each required property',
      },
    ),
  ];
}

/** A diff form (managed, solutionaction="…") only carries changed nodes: the control may live in the base form. */
const isDiffForm = (form: FormNode): boolean => hasSolutionAction(form.form);
export const hasSolutionAction = (element: XElement | undefined): boolean =>
  element !== undefined && (element.attrs[SOLUTION_ACTION] !== undefined || element.children.some(hasSolutionAction));

const formLabel = (entity: EntityNode, form: FormNode): string => `${entity.name} form ${form.formId ?? ''}`.trim();

function checkControlDescriptions(entity: EntityNode, form: FormNode): Finding[] {
  if (isDiffForm(form)) return [];
  const uniqueIds = new Set(formElements(form, 'control').map((control) => normalizeGuid(control.attrs.uniqueid ?? '')));
  return formElements(form, 'controlDescription')
    .filter((description) => !uniqueIds.has(normalizeGuid(description.attrs.forControl ?? '')))
    .map((description) =>
      finding(
        'Medium',
        'form-control-description-orphan',
        `${formLabel(entity, form)}: controlDescription forControl="${description.attrs.forControl ?? ''}" matches no control uniqueid in the form; the custom control is never shown`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: description,
          fix: 'set forControl to the uniqueid of the cell control it replaces',
        },
      ),
    );
}

/**
 * A control bound to a column of this solution's own prefix must have that column in the package:
 * the form depends on it, and the import fails on the missing dependency. Columns with other prefixes
 * belong to other solutions (MissingDependencies territory) and are not checked.
 *
 * A control with `relationship="<name>"` is bound to a column of the table at the other end of that
 * relationship, not of the form's table: business process flow forms show each stage's table this way
 * (corpus: PermitManagement, `bpf_contoso_permit_contoso_newbuildsite:contoso_startdate` on the
 * contoso_newbuildsite process form). The column is then looked up in that table; when the relationship or
 * that table is not in the package, it belongs to the target (not checked).
 */
function checkBoundColumns(pkg: SolutionPackage, entity: EntityNode, form: FormNode, ownPrefixes: ReadonlySet<string>): Finding[] {
  const findings: Finding[] = [];
  for (const control of formElements(form, 'control')) {
    const column = control.attrs.datafieldname;
    const prefix = column ? prefixOf(column) : undefined;
    if (!column || prefix === undefined || !ownPrefixes.has(lower(prefix))) continue;
    const boundTable = boundTableOf(pkg, entity, control.attrs.relationship);
    if (boundTable === undefined || boundTable.attributes.some((attribute) => lower(attribute.logicalName) === lower(column))) continue;
    if (declaredMissing(pkg.manifest, ComponentType.Attribute, column)) continue;
    findings.push(
      finding(
        'High',
        'form-field-unknown',
        `${formLabel(entity, form)}: control ${control.attrs.id ?? ''} is bound to column ${column}, which is not an attribute of ${boundTable.name} in this package`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: control,
          fix: `add the ${column} attribute to ${boundTable.name} (or correct datafieldname)`,
        },
      ),
    );
  }
  return findings;
}

/** The table whose column a control shows: the form's own, or the other end of its `relationship`; undefined when not in the package. */
function boundTableOf(pkg: SolutionPackage, entity: EntityNode, relationshipName: string | undefined): EntityNode | undefined {
  if (relationshipName === undefined || relationshipName === '') return entity;
  const relationship = pkg.customizations?.relationships.find((candidate) => lower(candidate.name) === lower(relationshipName));
  if (relationship === undefined) return undefined;
  const otherName = relationship.entities.find((name) => lower(name) !== lower(entity.name));
  if (otherName === undefined) return entity;
  return pkg.customizations?.entities.find((candidate) => lower(candidate.name) === lower(otherName));
}

/**
 * A whole form has <tabs> (FormXml.xsd requires them). The schema is patched to let a managed diff form
 * (`<form solutionaction="Modified">`, which carries only what it changes) omit them (corpus: CRMP2C's
 * quick create diff of InvoiceDetail), so the requirement for a whole form is checked here.
 */
function checkFormTabs(entity: EntityNode, form: FormNode): Finding[] {
  const element = form.form;
  if (!element || element.attrs[SOLUTION_ACTION] !== undefined || element.children.some((c) => c.name === 'tabs')) return [];
  return [
    finding(
      'Critical',
      'form-tabs-missing',
      `${formLabel(entity, form)} has no <tabs>; a form that is not a diff (no solutionaction) must have them`,
      {
        entry: CUSTOMIZATIONS_XML,
        where: element,
        fix: 'add <tabs> with at least one <tab>, or mark the form solutionaction="Modified" if it is a diff of another solution\'s form',
      },
    ),
  ];
}

/**
 * In a diff (a form with `solutionaction` anywhere), a node that names something only this package
 * creates is new to the form, so it must be `solutionaction="Added"` or inside an Added node: the merge
 * looks an unmarked node up in the form it changes and, not finding it there, never adds it (D4). "Names
 * something only this package creates": a control bound to a column of the package's own prefix, a subgrid
 * of a table of that prefix, a code component the package ships, or a controlDescription of a control that
 * is itself new (inside an Added node). In the corpus every one of the 25 such nodes of the diffs of
 * CRMP2C_managed, P2CFieldService_managed, Hackathon28092023 and SalesHub_Customization is Added or inside
 * an Added node (tab, section, cell, controlDescriptions or controlDescription), while unchanged nodes of
 * the base form appear unmarked; so the rule names only what is certainly new.
 */
function checkDiffNewNodes(pkg: SolutionPackage, entity: EntityNode, form: FormNode, ownPrefixes: ReadonlySet<string>): Finding[] {
  if (!isDiffForm(form)) return [];
  const shipped = new Set((pkg.customizations?.customControls ?? []).map((control) => lower(control.name)));
  const own = (name: string | undefined): boolean => {
    const prefix = name ? prefixOf(name) : undefined;
    return prefix !== undefined && ownPrefixes.has(lower(prefix));
  };
  const newControls = formElements(form, 'control').filter(
    (control) => own(control.attrs.datafieldname) || own(childText(child(control, 'parameters'), 'TargetEntityType')),
  );
  const addedControlIds = new Set(
    formElements(form, 'control')
      .filter(isAdded)
      .map((control) => normalizeGuid(control.attrs.uniqueid ?? ''))
      .filter((id) => id !== ''),
  );
  const newDescriptions = formElements(form, 'controlDescription').filter(
    (description) =>
      addedControlIds.has(normalizeGuid(description.attrs.forControl ?? '')) ||
      description.children.some((custom) => custom.name === 'customControl' && shipped.has(lower(custom.attrs.name ?? ''))),
  );
  const unmarked = [...newControls, ...newDescriptions].filter((element) => !isAdded(element));
  if (unmarked.length === 0) return [];
  const first = unmarked[0]!;
  const what =
    first.name === 'control'
      ? `control ${first.attrs.id ?? first.attrs.datafieldname ?? ''}`
      : `controlDescription for ${first.attrs.forControl ?? ''}`;
  return [
    finding(
      'High',
      'form-diff-unmarked-new',
      `${formLabel(entity, form)} is a diff, but ${unmarked.length} node${unmarked.length === 1 ? '' : 's'} new to the form (first: ${what}) ${unmarked.length === 1 ? 'carries' : 'carry'} no solutionaction="Added" on ${unmarked.length === 1 ? 'itself or an ancestor' : 'themselves or an ancestor'}; the merge does not add an unmarked node, so it never appears`,
      {
        entry: CUSTOMIZATIONS_XML,
        where: first,
        fix: 'mark the outermost new node (the new tab, section or cell, and each new controlDescription) solutionaction="Added", as Dataverse exports diffs',
      },
    ),
  ];
}

/** The element or one of its ancestors is `solutionaction="Added"`. */
export function isAdded(element: XElement): boolean {
  for (let node: XElement | undefined = element; node; node = node.parent) if (node.attrs[SOLUTION_ACTION] === 'Added') return true;
  return false;
}

function checkFormElementIds(entity: EntityNode, form: FormNode): Finding[] {
  const findings: Finding[] = [];
  const check = (name: string, attribute: string): void => {
    const elements = formElements(form, name);
    for (const [id, group] of duplicatesBy(elements, (el) => (el.attrs[attribute] ? normalizeGuid(el.attrs[attribute]) : undefined))) {
      findings.push(
        finding(
          'High',
          'duplicate-form-element-id',
          `${formLabel(entity, form)}: ${group.length} <${name}> elements share ${attribute} ${id}`,
          {
            entry: CUSTOMIZATIONS_XML,
            where: group[1] ?? form.systemform,
            fix: `give each <${name}> its own GUID`,
          },
        ),
      );
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

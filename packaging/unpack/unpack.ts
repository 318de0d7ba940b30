import { UserError } from '../../core/errors.js';
import type { ZipEntry } from '../../core/io/zip.js';
import { CONTENT_TYPES_ENTRY } from '../../core/package/content-types.js';
import {
  componentForElement,
  componentForZipFolder,
  describeComponentType,
  EL,
  SRC,
  ZIP_CUSTOMIZATIONS,
  ZIP_SOLUTION,
} from './components.js';
import { compareNames, fileSegment, isSafeRelativePath } from './paths.js';
import {
  childElement,
  childElements,
  childText,
  elementFile,
  hasContent,
  namespaceDeclarations,
  ownText,
  parseTree,
  removeChildren,
  serializeTree,
  wrapperFile,
} from '../../core/xml/dom.js';

/** One file of the unpacked folder: a `/`-separated path relative to the folder, and its bytes. */
export interface UnpackedFile {
  path: string;
  data: Uint8Array;
}

const UNPACK_FIX = 'remove that component from the solution before exporting, or unpack it with `pac solution unpack`';

/**
 * Turns the entries of a solution zip into the files of the SolutionPackager source layout (see
 * components.ts). Pure: throws a UserError, before anything could be written, for anything it cannot place.
 * `label` names the zip in messages.
 */
export function unpackSolution(entries: readonly ZipEntry[], label: string): UnpackedFile[] {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const solution = byName.get(ZIP_SOLUTION);
  const customizations = byName.get(ZIP_CUSTOMIZATIONS);
  if (!solution || !customizations) {
    const missing = [ZIP_SOLUTION, ZIP_CUSTOMIZATIONS].filter((name) => !byName.has(name)).join(' and ');
    throw new UserError(
      label,
      undefined,
      `is not a Dataverse solution zip: ${missing} missing at its root`,
      'give the .zip exported from Dataverse (Solutions > Export) or built by `cosell build`',
    );
  }

  const out = new OutputFiles(label);
  for (const entry of entries) {
    if (entry.name === ZIP_SOLUTION || entry.name === ZIP_CUSTOMIZATIONS || entry.name === CONTENT_TYPES_ENTRY) continue;
    checkComponentEntry(entry.name, label);
    out.add(entry.name, entry.data, `zip entry ${entry.name}`);
  }
  out.add(SRC.solution, serializeTree(parseTree(solution.data, label, ZIP_SOLUTION), true), ZIP_SOLUTION);
  splitCustomizations(customizations.data, out, label);
  return out.files();
}

/** A zip entry outside the three root files must sit in a component folder we copy byte for byte. */
function checkComponentEntry(name: string, label: string): void {
  const segments = name.split('/');
  const folder = segments[0] ?? '';
  if (!isSafeRelativePath(name)) {
    throw new UserError(
      label,
      name,
      'has an entry name that is not a plain relative path (it contains "..", an absolute path or a character Windows refuses)',
      'the zip is not a Dataverse export; re-export the solution',
    );
  }
  const component = segments.length > 1 ? componentForZipFolder(folder) : undefined;
  if (!component) {
    const what =
      segments.length > 1
        ? `is in the zip folder ${folder}/ (component type ${describeComponentType(folder, 'colon')})`
        : 'is a file at the zip root other than solution.xml, customizations.xml and [Content_Types].xml';
    throw new UserError(label, name, `${what}, which cosell unpack does not support`, UNPACK_FIX);
  }
  if (component.handling === 'split' && name.endsWith(SRC.sidecarSuffix)) {
    throw new UserError(
      label,
      name,
      `ends with ${SRC.sidecarSuffix}, which the unpacked layout reserves for the metadata of ${folder}`,
      'the zip is not a Dataverse export; re-export the solution',
    );
  }
  if (folder === SRC.controlsFolder && segments.length < 3) {
    throw new UserError(
      label,
      name,
      'is a file directly under Controls/; control files live in Controls/<control name>/',
      'the zip is not a Dataverse export; re-export the solution',
    );
  }
}

/** Context shared by the splitters of one customizations.xml. */
interface SplitContext {
  out: OutputFiles;
  label: string;
  /** Namespace declarations of the customizations.xml root, repeated on every split file. */
  namespaces: Attr[];
}

type Splitter = (container: Element, context: SplitContext) => void;

const SPLITTERS: Readonly<Record<string, Splitter>> = {
  [EL.entities]: splitEntities,
  [EL.workflows]: splitWorkflows,
  [EL.relationships]: splitRelationships,
  [EL.optionsets]: splitOptionSets,
  [EL.customControls]: splitCustomControls,
};

function splitCustomizations(data: Uint8Array, out: OutputFiles, label: string): void {
  const tree = parseTree(data, label, ZIP_CUSTOMIZATIONS);
  const context: SplitContext = { out, label, namespaces: namespaceDeclarations(tree.root) };
  for (const container of childElements(tree.root)) {
    const component = componentForElement(container.tagName);
    if (!component) {
      refuseUnsupportedElement(container, label, ZIP_CUSTOMIZATIONS, UNPACK_FIX);
      continue;
    }
    const split = component.handling === 'split' ? SPLITTERS[container.tagName] : undefined;
    if (!split || !hasContent(container)) continue;
    refuseStrayText(container, label);
    split(container, context);
    removeChildren(container);
  }
  out.add(SRC.customizations, serializeTree(tree, true), ZIP_CUSTOMIZATIONS);
}

/**
 * A top-level element we neither split nor keep inline may only be empty: its components would need the
 * files and folders SolutionPackager gives them, which we do not write (and pack could not rebuild).
 */
export function refuseUnsupportedElement(container: Element, file: string, where: string, fix: string): void {
  if (!hasContent(container)) return;
  const items = childElements(container).length;
  throw new UserError(
    file,
    [where, `<${container.tagName}>`].filter(Boolean).join(' '),
    `holds ${items || 'some'} ${items === 1 ? 'item' : 'items'} of component type ${describeComponentType(container.tagName)}, which cosell unpack/pack does not support`,
    fix,
  );
}

function refuseStrayText(container: Element, label: string): void {
  if (ownText(container).trim() !== '') {
    throw new UserError(
      label,
      `${ZIP_CUSTOMIZATIONS} <${container.tagName}>`,
      'holds text outside its component elements',
      'the zip is not a Dataverse export; re-export the solution',
    );
  }
}

function expectElement(element: Element, name: string, context: SplitContext, where: string): void {
  if (element.tagName !== name) {
    throw new UserError(
      context.label,
      where,
      `holds a <${element.tagName}> where only <${name}> elements are expected, which cosell unpack does not know how to place`,
      UNPACK_FIX,
    );
  }
}

function splitEntities(container: Element, context: SplitContext): void {
  for (const entity of childElements(container)) {
    expectElement(entity, EL.entity, context, `${ZIP_CUSTOMIZATIONS} <${EL.entities}>`);
    const name = fileSegment(childText(entity, EL.entityName), 'entity <Name>', context.label, `${ZIP_CUSTOMIZATIONS} <${EL.entities}>`);
    const folder = `${SRC.entitiesFolder}/${name}`;
    const where = `${ZIP_CUSTOMIZATIONS} <Entity> ${name}`;
    splitForms(entity, folder, where, context);
    splitSavedQueries(entity, folder, where, context);
    const ribbon = childElement(entity, EL.ribbonDiffXml);
    if (ribbon && (hasContent(ribbon) || ribbon.attributes.length > 0)) {
      context.out.add(`${folder}/${SRC.ribbonFile}`, elementFile(ribbon, context.namespaces), where);
      // The empty element stays in Entity.xml to mark where pack puts the ribbon back.
      entity.replaceChild(entity.ownerDocument.createElement(EL.ribbonDiffXml), ribbon);
    }
    context.out.add(`${folder}/${SRC.entityFile}`, elementFile(entity, context.namespaces), where);
  }
}

function splitForms(entity: Element, folder: string, where: string, context: SplitContext): void {
  const formXml = childElement(entity, EL.formXml);
  if (!formXml || !hasContent(formXml)) return;
  for (const group of childElements(formXml)) {
    expectElement(group, EL.forms, context, `${where} <${EL.formXml}>`);
    refuseExtraAttributes(group, ['type'], `${where} <${EL.forms}>`, context);
    const type = fileSegment(group.getAttribute('type') ?? undefined, '<forms> type', context.label, where);
    for (const form of childElements(group)) {
      expectElement(form, EL.systemform, context, `${where} <forms type="${type}">`);
      const formId = fileSegment(childText(form, EL.formid), 'systemform <formid>', context.label, where);
      context.out.add(`${folder}/${SRC.formsFolder}/${type}/${formId}.xml`, wrapperFile(EL.forms, [form], context.namespaces), where);
    }
  }
  removeChildren(formXml);
}

function splitSavedQueries(entity: Element, folder: string, where: string, context: SplitContext): void {
  const savedQueries = childElement(entity, EL.savedQueries);
  if (!savedQueries || !hasContent(savedQueries)) return;
  for (const group of childElements(savedQueries)) {
    expectElement(group, EL.savedqueries, context, `${where} <${EL.savedQueries}>`);
    refuseExtraAttributes(group, [], `${where} <${EL.savedqueries}>`, context);
    for (const query of childElements(group)) {
      expectElement(query, EL.savedquery, context, `${where} <${EL.savedqueries}>`);
      const id = fileSegment(childText(query, EL.savedqueryid), 'savedquery <savedqueryid>', context.label, where);
      context.out.add(`${folder}/${SRC.savedQueriesFolder}/${id}.xml`, wrapperFile(EL.savedqueries, [query], context.namespaces), where);
    }
  }
  removeChildren(savedQueries);
}

/** The wrappers `<forms>`/`<savedqueries>` are rebuilt by pack, so an attribute pack cannot rebuild is refused. */
function refuseExtraAttributes(element: Element, allowed: readonly string[], where: string, context: SplitContext): void {
  const extra = Array.from(element.attributes).find((attribute) => !allowed.includes(attribute.name));
  if (extra) {
    throw new UserError(context.label, where, `has the attribute ${extra.name}, which the unpacked layout cannot keep`, UNPACK_FIX);
  }
}

/** `/Workflows/x.json` → `Workflows/x.json`, refused unless it names a plain file under `folder`. */
export function componentFilePath(reference: string | undefined, folder: string, what: string, file: string, where: string): string {
  const path = (reference ?? '').replace(/^\//, '');
  if (!path) {
    throw new UserError(
      file,
      where,
      `${what} is missing, so the component has no file in the unpacked layout`,
      `give the ${what}; Dataverse exports always carry it`,
    );
  }
  if (!path.startsWith(`${folder}/`) || !isSafeRelativePath(path)) {
    throw new UserError(
      file,
      where,
      `${what} "${reference}" is not a plain file path under /${folder}/`,
      `fix the ${what} so that it names the component's file in the /${folder}/ folder of the zip`,
    );
  }
  return path;
}

export const workflowFileReference = (workflow: Element): string | undefined =>
  childText(workflow, EL.jsonFileName) ?? childText(workflow, EL.xamlFileName);

function splitWorkflows(container: Element, context: SplitContext): void {
  for (const workflow of childElements(container)) {
    expectElement(workflow, EL.workflow, context, `${ZIP_CUSTOMIZATIONS} <${EL.workflows}>`);
    const where = `${ZIP_CUSTOMIZATIONS} <Workflow Name="${workflow.getAttribute('Name') ?? ''}">`;
    const path = componentFilePath(
      workflowFileReference(workflow),
      SRC.workflowsFolder,
      '<JsonFileName> (or <XamlFileName>)',
      context.label,
      where,
    );
    context.out.add(`${path}${SRC.sidecarSuffix}`, elementFile(workflow, context.namespaces), where);
  }
}

function splitRelationships(container: Element, context: SplitContext): void {
  const groups = new Map<string, Element[]>();
  const names = new Set<string>();
  for (const relationship of childElements(container)) {
    expectElement(relationship, EL.relationship, context, `${ZIP_CUSTOMIZATIONS} <${EL.relationships}>`);
    const name = relationship.getAttribute('Name') ?? '';
    const where = `${ZIP_CUSTOMIZATIONS} <EntityRelationship Name="${name}">`;
    if (!name)
      throw new UserError(
        context.label,
        where,
        'has no Name attribute',
        'give every relationship its Name; Dataverse exports always carry it',
      );
    if (names.has(name)) throw new UserError(context.label, where, 'appears twice', 'keep one definition per relationship name');
    names.add(name);
    // Grouped by the referenced (parent) entity as SolutionPackager does; N:N relationships by their first entity.
    const parent = childText(relationship, EL.referencedEntityName) ?? childText(relationship, EL.firstEntityName);
    const group = fileSegment(parent, '<ReferencedEntityName> (or <FirstEntityName>)', context.label, where);
    groups.set(group, [...(groups.get(group) ?? []), relationship]);
  }
  // Other/Relationships.xml records the original order, which pack restores.
  const document = container.ownerDocument;
  const nameOnly = [...names].map((name) => {
    const element = document.createElement(EL.relationship);
    element.setAttribute('Name', name);
    return element;
  });
  context.out.add(SRC.relationshipNames, wrapperFile(EL.relationships, nameOnly, context.namespaces), ZIP_CUSTOMIZATIONS);
  for (const [group, relationships] of groups) {
    context.out.add(
      `${SRC.relationshipsFolder}/${group}.xml`,
      wrapperFile(EL.relationships, relationships, context.namespaces),
      ZIP_CUSTOMIZATIONS,
    );
  }
}

function splitOptionSets(container: Element, context: SplitContext): void {
  for (const optionSet of childElements(container)) {
    expectElement(optionSet, EL.optionset, context, `${ZIP_CUSTOMIZATIONS} <${EL.optionsets}>`);
    const where = `${ZIP_CUSTOMIZATIONS} <${EL.optionsets}>`;
    const name = fileSegment(optionSet.getAttribute('Name') ?? undefined, 'optionset Name', context.label, where);
    context.out.add(`${SRC.optionSetsFolder}/${name}.xml`, elementFile(optionSet, context.namespaces), where);
  }
}

export function controlFilePath(control: Element, file: string, where: string): string {
  const fileName = childText(control, EL.controlFileName);
  if (fileName !== undefined) return componentFilePath(fileName, SRC.controlsFolder, 'CustomControl <FileName>', file, where);
  const name = fileSegment(childText(control, EL.controlName), 'CustomControl <Name>', file, where);
  return `${SRC.controlsFolder}/${name}/${SRC.controlManifest}`;
}

function splitCustomControls(container: Element, context: SplitContext): void {
  for (const control of childElements(container)) {
    expectElement(control, EL.customControl, context, `${ZIP_CUSTOMIZATIONS} <${EL.customControls}>`);
    const where = `${ZIP_CUSTOMIZATIONS} <CustomControl> ${childText(control, EL.controlName) ?? ''}`;
    const path = controlFilePath(control, context.label, where);
    context.out.add(`${path}${SRC.sidecarSuffix}`, elementFile(control, context.namespaces), where);
  }
}

/**
 * The files produced so far. Two components landing on the same path (compared without case, since
 * Windows and macOS folders ignore case) would overwrite each other, so that is refused.
 */
class OutputFiles {
  private readonly byKey = new Map<string, { file: UnpackedFile; source: string }>();

  constructor(private readonly label: string) {}

  add(path: string, data: Uint8Array, source: string): void {
    const key = path.toLowerCase();
    const clash = this.byKey.get(key);
    if (clash) {
      throw new UserError(
        this.label,
        source,
        `and ${clash.source} both map to the file ${path} of the unpacked folder, so one would overwrite the other`,
        'give the components distinct names (names that differ only in letter case also clash)',
      );
    }
    this.byKey.set(key, { file: { path, data }, source });
  }

  files(): UnpackedFile[] {
    return [...this.byKey.values()].map(({ file }) => file).sort((a, b) => compareNames(a.path, b.path));
  }
}

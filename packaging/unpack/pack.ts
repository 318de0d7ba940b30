import { UserError } from '../../core/errors.js';
import { encodeText, type ZipEntry } from '../../core/io/zip.js';
import { canonicalEntryOrder } from '../../core/package/entries.js';
import { CONTENT_TYPES_ENTRY, contentTypesXml } from '../../core/package/content-types.js';
import {
  componentForElement,
  componentForZipFolder,
  ENTITY_CHILD_ORDER,
  EL,
  SRC,
  TOP_LEVEL_ORDER,
  ZIP_CUSTOMIZATIONS,
  ZIP_SOLUTION,
} from './components.js';
import { compareNames, isSafeRelativePath } from './paths.js';
import { CONTROL_MANIFEST, readControlManifest } from '../control-manifest.js';
import { parseXmlTree } from '../../core/xml/tree.js';
import { componentFilePath, controlFilePath, refuseUnsupportedElement, workflowFileReference } from './unpack.js';
import {
  adopt,
  childElement,
  childElements,
  ensureChild,
  insertInOrder,
  parseTree,
  serializeTree,
  type XmlTree,
} from '../../core/xml/dom.js';

const PACK_FIX = 'keep only the components cosell supports (see `cosell unpack --help`), or pack with `pac solution pack`';

/** The unpacked files of one entity, by role. */
interface EntityFiles {
  entity?: string;
  ribbon?: string;
  /** form type (FormXml/<type>) → form files */
  forms: Map<string, string[]>;
  savedQueries: string[];
}

/** Every file of the folder, by the part of the solution it rebuilds. */
interface Classified {
  entities: Map<string, EntityFiles>;
  relationshipNames?: string;
  relationshipGroups: string[];
  optionSets: string[];
  workflowSidecars: string[];
  controlSidecars: string[];
  /** Files copied into the zip byte for byte (flow JSON, control files, environment variables). */
  copied: string[];
}

/**
 * Rebuilds the zip entries of a solution from the files of an unpacked folder (paths relative to the
 * folder, `/`-separated). Pure; `label` names the folder in messages. The XML is re-assembled and
 * serialized with serializeXml, entries come in canonicalEntryOrder and `[Content_Types].xml` is
 * regenerated, so the result of pack(unpack(zip)) has the same bytes as a zip built the same way.
 */
export function packSolution(files: ReadonlyMap<string, Uint8Array>, label: string): ZipEntry[] {
  const at = (path: string): string => inFolder(label, path);
  for (const required of [SRC.solution, SRC.customizations]) {
    if (!files.has(required)) {
      throw new UserError(
        at(required),
        undefined,
        'is missing, so this is not an unpacked solution folder',
        'point --folder at the folder written by `cosell unpack` or `pac solution unpack` (the one holding Other/Solution.xml and Other/Customizations.xml)',
      );
    }
  }
  const read = (path: string): XmlTree => parseTree(files.get(path) ?? new Uint8Array(), at(path));
  const classified = classifyFiles([...files.keys()], label);

  const customizations = read(SRC.customizations);
  for (const container of childElements(customizations.root)) {
    if (!componentForElement(container.tagName)) refuseUnsupportedElement(container, at(SRC.customizations), '', PACK_FIX);
  }
  const assembly: Assembly = { files, customizations, at, read };
  addEntities(classified.entities, assembly);
  addSidecars(classified.workflowSidecars, SRC.sidecarSuffix, EL.workflows, EL.workflow, assembly, (workflow, path) =>
    componentFilePath(workflowFileReference(workflow), SRC.workflowsFolder, '<JsonFileName> (or <XamlFileName>)', at(path), ''),
  );
  addRelationships(classified, assembly);
  addSidecars(classified.optionSets, '.xml', EL.optionsets, EL.optionset, assembly);
  addSidecars(classified.controlSidecars, SRC.sidecarSuffix, EL.customControls, EL.customControl, assembly, (control, path) =>
    controlFilePath(control, at(path), ''),
  );
  checkControlResources(classified.copied, assembly);

  const entries: ZipEntry[] = [
    { name: ZIP_CUSTOMIZATIONS, data: serializeTree(customizations, false) },
    { name: ZIP_SOLUTION, data: serializeTree(read(SRC.solution), false) },
    ...classified.copied.map((path) => ({ name: path, data: files.get(path) ?? new Uint8Array() })),
  ];
  entries.push({ name: CONTENT_TYPES_ENTRY, data: encodeText(contentTypesXml(entries.map((entry) => entry.name))) });
  return canonicalEntryOrder(entries);
}

/** `src/Other/Solution.xml` for messages, whether the user wrote `src` or `src/`. */
const inFolder = (label: string, path: string): string => `${label.replace(/[\\/]+$/, '')}/${path}`;

interface Assembly {
  files: ReadonlyMap<string, Uint8Array>;
  customizations: XmlTree;
  at: (path: string) => string;
  read: (path: string) => XmlTree;
}

function classifyFiles(paths: readonly string[], label: string): Classified {
  const classified: Classified = {
    entities: new Map(),
    relationshipGroups: [],
    optionSets: [],
    workflowSidecars: [],
    controlSidecars: [],
    copied: [],
  };
  const refuse = (path: string, expected: string): never => {
    throw new UserError(
      inFolder(label, path),
      undefined,
      `is not part of the unpacked layout cosell packs (${expected})`,
      `remove the file, or move it where the layout expects it; ${PACK_FIX}`,
    );
  };
  for (const path of [...paths].sort(compareNames)) {
    if (!isSafeRelativePath(path)) refuse(path, 'its name has a character Windows refuses');
    const segments = path.split('/');
    const [top = '', second = '', third = '', fourth = ''] = segments;
    if (path === SRC.solution || path === SRC.customizations || path === CONTENT_TYPES_ENTRY) continue;
    if (path === SRC.relationshipNames) classified.relationshipNames = path;
    else if (top === 'Other') {
      if (second === 'Relationships' && segments.length === 3 && third.endsWith('.xml')) classified.relationshipGroups.push(path);
      else refuse(path, 'Other/ holds Solution.xml, Customizations.xml, Relationships.xml and Relationships/<entity>.xml');
    } else if (top === SRC.entitiesFolder) {
      const entity = classified.entities.get(second) ?? { forms: new Map<string, string[]>(), savedQueries: [] };
      classified.entities.set(second, entity);
      if (segments.length === 3 && third === SRC.entityFile) entity.entity = path;
      else if (segments.length === 3 && third === SRC.ribbonFile) entity.ribbon = path;
      else if (segments.length === 5 && third === SRC.formsFolder && fourth !== '' && path.endsWith('.xml')) {
        if (path.endsWith(SRC.managedSuffix)) {
          throw new UserError(
            inFolder(label, path),
            undefined,
            'is the managed variant of a form from a folder unpacked with package type "Both", which cosell pack does not support',
            'unpack the solution again with `cosell unpack` (one package type), or delete the *_managed.xml files to pack the unmanaged variant',
          );
        }
        entity.forms.set(fourth, [...(entity.forms.get(fourth) ?? []), path]);
      } else if (segments.length === 4 && third === SRC.savedQueriesFolder && fourth.endsWith('.xml')) entity.savedQueries.push(path);
      else
        refuse(
          path,
          `Entities/<entity>/ holds ${SRC.entityFile}, ${SRC.ribbonFile}, FormXml/<type>/<formid>.xml and SavedQueries/<id>.xml`,
        );
    } else if (top === SRC.optionSetsFolder) {
      if (segments.length === 2 && second.endsWith('.xml')) classified.optionSets.push(path);
      else refuse(path, 'OptionSets/ holds <name>.xml files');
    } else if (top === SRC.workflowsFolder && path.endsWith(SRC.sidecarSuffix)) classified.workflowSidecars.push(path);
    else if (top === SRC.controlsFolder && path.endsWith(SRC.sidecarSuffix)) classified.controlSidecars.push(path);
    else if (segments.length > 1 && componentForZipFolder(top)) {
      if (top === SRC.controlsFolder && segments.length < 3) refuse(path, 'Controls/ holds one folder per control');
      classified.copied.push(path);
    } else {
      refuse(path, 'unknown component folder');
    }
  }
  return classified;
}

/** The container element of customizations.xml, created in its usual place when the placeholder is missing. */
const container = (assembly: Assembly, name: string): Element => ensureChild(assembly.customizations.root, name, TOP_LEVEL_ORDER);

function rootNamed(tree: XmlTree, name: string, path: string, assembly: Assembly): Element {
  if (tree.root.tagName !== name) {
    throw new UserError(
      assembly.at(path),
      undefined,
      `has the root element <${tree.root.tagName}> where <${name}> is expected`,
      'restore the file from `cosell unpack` output',
    );
  }
  return tree.root;
}

/** Children of a wrapper file (`<forms>`, `<savedqueries>`, `<EntityRelationships>`), all named `name`. */
function wrappedItems(path: string, wrapper: string, name: string, assembly: Assembly): Element[] {
  const root = rootNamed(assembly.read(path), wrapper, path, assembly);
  const items = childElements(root);
  const stray = items.find((item) => item.tagName !== name);
  if (stray) {
    throw new UserError(
      assembly.at(path),
      `<${wrapper}>`,
      `holds a <${stray.tagName}> where only <${name}> elements are expected`,
      'restore the file from `cosell unpack` output',
    );
  }
  return items;
}

/**
 * Paths sorted by component identifier: the path without `suffix` (formid, savedqueryid, JsonFileName…),
 * compared segment by segment so that `Controls/A/…` sorts before `Controls/A.B/…` exactly as the names
 * `A` and `A.B` do.
 */
const byName = (paths: readonly string[], suffix: string): string[] => {
  const key = (path: string): string => (path.endsWith(suffix) ? path.slice(0, -suffix.length) : path).replaceAll('/', '\u0000');
  return [...paths].sort((a, b) => compareNames(key(a), key(b)));
};

function addEntities(entities: ReadonlyMap<string, EntityFiles>, assembly: Assembly): void {
  const folders = [...entities.keys()].sort(compareNames);
  if (folders.length === 0) return;
  const target = container(assembly, EL.entities);
  const document = assembly.customizations.document;
  for (const folder of folders) {
    const files = entities.get(folder) as EntityFiles;
    if (!files.entity) {
      throw new UserError(
        assembly.at(`${SRC.entitiesFolder}/${folder}/${SRC.entityFile}`),
        undefined,
        'is missing, but the folder holds other files of that entity',
        'restore Entity.xml from `cosell unpack` output, or delete the folder',
      );
    }
    const entity = adopt(document, rootNamed(assembly.read(files.entity), EL.entity, files.entity, assembly));
    if (files.forms.size > 0) {
      const formXml = ensureChild(entity, EL.formXml, ENTITY_CHILD_ORDER);
      for (const type of [...files.forms.keys()].sort(compareNames)) {
        const group = document.createElement(EL.forms);
        group.setAttribute('type', type);
        for (const path of byName(files.forms.get(type) ?? [], '.xml')) {
          for (const form of wrappedItems(path, EL.forms, EL.systemform, assembly)) group.appendChild(adopt(document, form));
        }
        formXml.appendChild(group);
      }
    }
    if (files.savedQueries.length > 0) {
      const group = document.createElement(EL.savedqueries);
      for (const path of byName(files.savedQueries, '.xml')) {
        for (const query of wrappedItems(path, EL.savedqueries, EL.savedquery, assembly)) group.appendChild(adopt(document, query));
      }
      ensureChild(entity, EL.savedQueries, ENTITY_CHILD_ORDER).appendChild(group);
    }
    if (files.ribbon) {
      const ribbon = adopt(document, rootNamed(assembly.read(files.ribbon), EL.ribbonDiffXml, files.ribbon, assembly));
      const placeholder = childElement(entity, EL.ribbonDiffXml);
      if (placeholder) entity.replaceChild(ribbon, placeholder);
      else insertInOrder(entity, ribbon, ENTITY_CHILD_ORDER);
    }
    target.appendChild(entity);
  }
}

/**
 * Puts the elements of side files (`<Workflow>`, `<CustomControl>`, `<optionset>`) back into their
 * container, in file-name order. `referencedFile` gives the component file the element points to, which
 * must be in the folder (a renamed flow JSON would otherwise give a zip that does not import).
 */
function addSidecars(
  paths: readonly string[],
  suffix: string,
  containerName: string,
  name: string,
  assembly: Assembly,
  referencedFile?: (element: Element, path: string) => string,
): void {
  if (paths.length === 0) return;
  const target = container(assembly, containerName);
  for (const path of byName(paths, suffix)) {
    const element = rootNamed(assembly.read(path), name, path, assembly);
    if (referencedFile) {
      const file = referencedFile(element, path);
      if (!assembly.files.has(file)) {
        throw new UserError(
          assembly.at(path),
          undefined,
          `refers to /${file}, which is not in the folder`,
          `restore ${file}, or fix the file name inside ${path}`,
        );
      }
    }
    target.appendChild(adopt(assembly.customizations.document, element));
  }
}

/**
 * Every file a control's ControlManifest.xml names in `<resources>` (its bundle.js, css, resx, images) is
 * in the control's folder: a control without them does not import, and `check` reads only the manifest.
 * Compared without letter case, as Dataverse compares zip entry names.
 */
function checkControlResources(copied: readonly string[], assembly: Assembly): void {
  const present = new Set([...assembly.files.keys()].map((path) => path.toLowerCase()));
  for (const path of copied) {
    const [top, control, file, ...deeper] = path.split('/');
    if (top !== SRC.controlsFolder || file !== CONTROL_MANIFEST || deeper.length > 0) continue;
    const parsed = parseXmlTree(assembly.files.get(path) ?? new Uint8Array(), assembly.at(path));
    if (!parsed.ok) {
      throw new UserError(
        assembly.at(path),
        `line ${parsed.line}`,
        `is not well-formed XML: ${parsed.message}`,
        'restore the ControlManifest.xml the PCF build wrote (out/controls/<control>/), or unpack the solution again',
      );
    }
    for (const resource of readControlManifest(parsed.root)?.resourceFiles ?? []) {
      const expected = `${SRC.controlsFolder}/${control}/${resource}`;
      if (present.has(expected.toLowerCase())) continue;
      throw new UserError(
        assembly.at(path),
        '<resources>',
        `names ${resource}, which is not in the folder (${assembly.at(expected)})`,
        `restore ${expected} (the PCF build writes it next to ControlManifest.xml in out/controls/<control>/), or unpack the solution again`,
      );
    }
  }
}

/** Relationships come back in the order Other/Relationships.xml lists them; unlisted ones follow in file order. */
function addRelationships(classified: Classified, assembly: Assembly): void {
  if (classified.relationshipGroups.length === 0 && !classified.relationshipNames) return;
  const definitions = new Map<string, Element>();
  for (const path of byName(classified.relationshipGroups, '.xml')) {
    for (const relationship of wrappedItems(path, EL.relationships, EL.relationship, assembly)) {
      const name = relationship.getAttribute('Name') ?? '';
      if (definitions.has(name)) {
        throw new UserError(
          assembly.at(path),
          `<EntityRelationship Name="${name}">`,
          'is defined twice in Other/Relationships/',
          'keep one definition per relationship name',
        );
      }
      definitions.set(name, relationship);
    }
  }
  const order = classified.relationshipNames
    ? wrappedItems(classified.relationshipNames, EL.relationships, EL.relationship, assembly).map((item) => item.getAttribute('Name') ?? '')
    : [];
  const target = container(assembly, EL.relationships);
  const document = assembly.customizations.document;
  for (const name of order) {
    const definition = definitions.get(name);
    if (!definition) {
      throw new UserError(
        assembly.at(SRC.relationshipNames),
        `<EntityRelationship Name="${name}">`,
        'is listed, but no file in Other/Relationships/ defines it',
        'restore the definition in Other/Relationships/<ReferencedEntity>.xml, or remove the name from Other/Relationships.xml',
      );
    }
    target.appendChild(adopt(document, definition));
    definitions.delete(name);
  }
  for (const definition of definitions.values()) target.appendChild(adopt(document, definition));
}

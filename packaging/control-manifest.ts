import type { ControlProperty } from '../solution/model.js';
import { child, childrenNamed, type XElement } from '../core/xml/tree.js';
import { childElement, parseTree, serializeTree } from '../core/xml/dom.js';

/**
 * A PCF control manifest (`ControlManifest.xml`, as pcf-scripts writes it into `out/controls/<name>/`)
 * reduced to what packaging and `check` need: identity, properties with their types, and the files it
 * names. Shared by the build (reading pcf/out) and the check rule (reading the zip).
 */
export interface ControlManifestInfo {
  readonly namespace: string;
  readonly constructor: string;
  readonly version: string;
  readonly controlType: string;
  readonly properties: readonly ControlProperty[];
  /** Paths (relative to the manifest) of code, css, resx, img and html resources, in manifest order. */
  readonly resourceFiles: readonly string[];
}

export const CONTROL_MANIFEST = 'ControlManifest.xml';

const USAGES = new Set(['bound', 'input', 'output']);
const RESOURCE_ELEMENTS = new Set(['code', 'css', 'resx', 'img', 'html']);

/** An attribute (own property only: `constructor` must not read Object.prototype.constructor). */
const attr = (element: XElement, name: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(element.attrs, name) ? element.attrs[name] : undefined;

/** Reads the `<manifest><control>` tree; undefined when the root is not a control manifest. */
export function readControlManifest(root: XElement): ControlManifestInfo | undefined {
  const control = root.name === 'manifest' ? child(root, 'control') : undefined;
  if (!control) return undefined;
  const groups = new Map(
    childrenNamed(control, 'type-group').map((group) => [
      group.attrs.name ?? '',
      childrenNamed(group, 'type').map((type) => type.text.trim()),
    ]),
  );
  const properties = childrenNamed(control, 'property').map((property): ControlProperty => {
    const usage = property.attrs.usage ?? '';
    const types =
      property.attrs['of-type'] !== undefined ? [property.attrs['of-type']] : (groups.get(property.attrs['of-type-group'] ?? '') ?? []);
    return {
      name: property.attrs.name ?? '',
      usage: (USAGES.has(usage) ? usage : 'input') as ControlProperty['usage'],
      types,
      required: property.attrs.required === 'true',
    };
  });
  const resources = child(control, 'resources');
  const resourceFiles = (resources?.children ?? [])
    .filter((element) => RESOURCE_ELEMENTS.has(element.name) && element.attrs.path)
    .map((element) => element.attrs.path!.replace(/\\/g, '/').replace(/^\.?\//, ''));
  return {
    namespace: attr(control, 'namespace') ?? '',
    constructor: attr(control, 'constructor') ?? '',
    version: attr(control, 'version') ?? '',
    controlType: attr(control, 'control-type') ?? 'standard',
    properties,
    resourceFiles,
  };
}

/**
 * The manifest with `<manifest><control version>` set to `version`, everything else kept (elements,
 * attributes in their order, texts); written in the project's XML style (serializeXml), so the same input
 * gives the same bytes. The packaging uses it to make the control's version follow the solution's
 * (solution/control-version.ts); the built manifest in pcf/out is left as pcf-scripts wrote it.
 */
export function withControlVersion(manifest: Uint8Array, version: string, file: string): Uint8Array {
  const tree = parseTree(manifest, file);
  const control = tree.root.tagName === 'manifest' ? childElement(tree.root, 'control') : undefined;
  if (!control) throw new Error(`${file} is not a PCF control manifest (<manifest><control>)`);
  control.setAttribute('version', version);
  return serializeTree(tree, true);
}

/**
 * The `of-type` values a Dataverse column can be bound with, from its customizations.xml `<Type>` and
 * `<Format>` (undefined when the type is not one a field control binds).
 */
export function ofTypesForAttribute(type: string, format: string | undefined): readonly string[] | undefined {
  switch (type.toLowerCase()) {
    case 'bit':
      return ['TwoOptions'];
    case 'nvarchar':
    case 'string': {
      const byFormat: Record<string, string> = {
        text: 'SingleLine.Text',
        url: 'SingleLine.URL',
        email: 'SingleLine.Email',
        phone: 'SingleLine.Phone',
        textarea: 'SingleLine.TextArea',
        tickersymbol: 'SingleLine.Ticker',
      };
      return [byFormat[(format ?? 'text').toLowerCase()] ?? 'SingleLine.Text'];
    }
    case 'ntext':
    case 'memo':
      return ['Multiple'];
    case 'picklist':
    case 'state':
    case 'status':
      return ['OptionSet'];
    case 'multiselectpicklist':
      return ['MultiSelectOptionSet'];
    case 'datetime':
      return (format ?? '').toLowerCase() === 'date' ? ['DateAndTime.DateOnly'] : ['DateAndTime.DateAndTime'];
    case 'int':
      return ['Whole.None'];
    case 'decimal':
      return ['Decimal'];
    case 'float':
      return ['FP'];
    case 'money':
      return ['Currency'];
    case 'lookup':
      return ['Lookup.Simple'];
    case 'customer':
      return ['Lookup.Customer'];
    case 'owner':
      return ['Lookup.Owner'];
    default:
      return undefined;
  }
}

import { CONTROL_MANIFEST, readControlManifest, type ControlManifestInfo } from '../../control-manifest.js';
import { entryNameOf, type SolutionPackage } from '../../../core/package/reader.js';
import { child, childrenNamed, parseXmlTree } from '../../../core/xml/tree.js';
import { lower } from './common.js';

export interface PackagedManifest {
  entry: string;
  manifest?: ControlManifestInfo;
  /** Names of the manifest's `<data-set>` elements (dataset properties, bound on a form as `<data-set name=…>`). */
  dataSets?: ReadonlySet<string>;
  problem?: string;
}

/** The packaged control manifests, parsed once per package, by lower-cased control name. */
export class ControlManifests {
  private readonly cache = new Map<string, PackagedManifest | undefined>();

  constructor(private readonly pkg: SolutionPackage) {}

  /** undefined: no such CustomControl in customizations.xml (or its manifest is not in the zip: cross-references reports that). */
  get(name: string): PackagedManifest | undefined {
    const key = lower(name);
    if (!this.cache.has(key)) this.cache.set(key, this.load(key));
    return this.cache.get(key);
  }

  private load(key: string): PackagedManifest | undefined {
    const node = this.pkg.customizations?.customControls.find((control) => lower(control.name) === key);
    if (!node) return undefined;
    const entryName = node.fileName ? entryNameOf(node.fileName) : `Controls/${node.name}/${CONTROL_MANIFEST}`;
    const entry = this.pkg.byName.get(entryName);
    if (!entry) return { entry: entryName };
    const parsed = parseXmlTree(entry.data, entryName);
    if (!parsed.ok) return { entry: entryName, problem: `is not well-formed XML (line ${parsed.line}: ${parsed.message})` };
    const manifest = readControlManifest(parsed.root);
    if (!manifest) return { entry: entryName, problem: 'is not a control manifest (<manifest><control>)' };
    const dataSets = new Set(childrenNamed(child(parsed.root, 'control'), 'data-set').map((dataSet) => dataSet.attrs.name ?? ''));
    return { entry: entryName, manifest, dataSets };
  }
}

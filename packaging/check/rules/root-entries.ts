import { extensionOf } from '../../../core/package/content-types.js';
import { CONTENT_TYPES_XML, CUSTOMIZATIONS_XML, SOLUTION_XML, type SolutionPackage } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { childrenNamed, parseXmlTree } from '../../../core/xml/tree.js';
import { finding, listNames, type RuleContext } from './common.js';

const REQUIRED_ROOT_ENTRIES = [SOLUTION_XML, CUSTOMIZATIONS_XML, CONTENT_TYPES_XML];
/** Dataverse's own words when one is missing. */
const ROOT_ENTRIES_MESSAGE =
  'The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml';
const CONTENT_TYPES_ROOT = 'Types';

/** The three root files, and a content type for every other entry ([Content_Types].xml). */
export function checkRootEntries({ pkg }: Pick<RuleContext, 'pkg'>): Finding[] {
  return [...checkRequiredEntries(pkg), ...checkContentTypes(pkg)];
}

/** True when neither solution.xml nor customizations.xml is there: nothing else is worth checking. */
export const isNotASolution = (pkg: SolutionPackage): boolean => !pkg.byName.has(SOLUTION_XML) && !pkg.byName.has(CUSTOMIZATIONS_XML);

function checkRequiredEntries(pkg: SolutionPackage): Finding[] {
  const missing = REQUIRED_ROOT_ENTRIES.filter((name) => !pkg.byName.has(name));
  if (missing.length === 0) return [];
  return [
    finding('Critical', 'root-entries', `The solution file is invalid. ${ROOT_ENTRIES_MESSAGE} (missing: ${missing.join(', ')})`, {
      fix: fixForMissingRootEntries(pkg, missing),
    }),
  ];
}

function fixForMissingRootEntries(pkg: SolutionPackage, missing: readonly string[]): string {
  const names = pkg.entries.map((entry) => entry.name);
  if (names.some((name) => /^(.*\/)?Other\/(Solution|Customizations)\.xml$/i.test(name))) {
    return 'this looks like an unpacked source tree (Other/Solution.xml); build the zip with `cosell pack` or `pac solution pack` instead of zipping the folder';
  }
  const wrongCase = missing.filter((name) => names.some((entry) => entry.toLowerCase() === name.toLowerCase()));
  if (wrongCase.length > 0) return `rename the entries to the exact lower-case names ${wrongCase.join(', ')}`;
  const nested = missing.filter((name) => names.some((entry) => entry.toLowerCase().endsWith(`/${name.toLowerCase()}`)));
  if (nested.length > 0) return "the files are inside a folder of the zip; zip the folder's contents, not the folder";
  if (missing.includes(SOLUTION_XML) && missing.includes(CUSTOMIZATIONS_XML)) {
    return 'this zip is not a Dataverse solution; give the .zip exported from Dataverse or built by `cosell build`';
  }
  return `add ${missing.join(', ')} at the root of the zip (export the solution again, or rebuild it with \`cosell build\`)`;
}

function checkContentTypes(pkg: SolutionPackage): Finding[] {
  const entry = pkg.byName.get(CONTENT_TYPES_XML);
  if (!entry) return [];
  const parsed = parseXmlTree(entry.data, CONTENT_TYPES_XML);
  if (!parsed.ok || parsed.root.name !== CONTENT_TYPES_ROOT) {
    const problem = parsed.ok
      ? `its root element is <${parsed.root.name}>, not <${CONTENT_TYPES_ROOT}>`
      : `it is not well-formed XML (line ${parsed.line}: ${parsed.message})`;
    return [
      finding('Critical', 'content-types-invalid', `[Content_Types].xml cannot be read: ${problem}; Dataverse cannot open the package`, {
        entry: CONTENT_TYPES_XML,
        fix: 'write it as Dataverse does: <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"> with one <Default Extension="…" ContentType="application/octet-stream" /> per file extension',
      }),
    ];
  }
  const defaults = new Set(childrenNamed(parsed.root, 'Default').map((el) => (el.attrs.Extension ?? '').toLowerCase()));
  const overrides = new Set(childrenNamed(parsed.root, 'Override').map((el) => (el.attrs.PartName ?? '').replace(/^\//, '').toLowerCase()));
  const uncovered = new Map<string, string[]>();
  for (const { name } of pkg.entries) {
    if (name === CONTENT_TYPES_XML || overrides.has(name.toLowerCase())) continue;
    const extension = extensionOf(name);
    if (extension !== undefined && defaults.has(extension)) continue;
    const key = extension ?? '';
    uncovered.set(key, [...(uncovered.get(key) ?? []), name]);
  }
  return [...uncovered].map(([extension, names]) =>
    finding(
      'High',
      'content-types',
      extension
        ? `[Content_Types].xml has no <Default Extension="${extension}"> for ${listNames(names)}; the package reader cannot open those parts`
        : `[Content_Types].xml has no <Override PartName> for ${listNames(names)} (no file extension); the package reader cannot open those parts`,
      {
        entry: CONTENT_TYPES_XML,
        fix: extension
          ? `add <Default Extension="${extension}" ContentType="application/octet-stream" />`
          : 'add <Override PartName="/<entry>" ContentType="application/octet-stream" /> for each, as Dataverse does for web resources',
      },
    ),
  );
}

/**
 * `[Content_Types].xml` as Dataverse writes it: UTF-8 BOM, one line, one `Default` per file extension
 * present in the package, every one `application/octet-stream`.
 */
export const CONTENT_TYPES_ENTRY = '[Content_Types].xml';
const CONTENT_TYPES_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
/** Extension order seen in exports (E1: xml, json; E2: xml, js, resx); unknown ones follow alphabetically. */
const KNOWN_ORDER = ['xml', 'json', 'js', 'resx'];

export function extensionOf(entryName: string): string | undefined {
  const base = entryName.split('/').pop() ?? entryName;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : undefined;
}

export function contentTypesXml(entryNames: readonly string[]): string {
  const extensions = [...new Set(entryNames.map(extensionOf).filter((ext): ext is string => ext !== undefined))];
  extensions.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const defaults = extensions.map((ext) => `<Default Extension="${ext}" ContentType="application/octet-stream" />`).join('');
  return `\ufeff<?xml version="1.0" encoding="utf-8"?><Types xmlns="${CONTENT_TYPES_NS}">${defaults}</Types>`;
}

function rank(ext: string): number {
  const index = KNOWN_ORDER.indexOf(ext);
  return index === -1 ? KNOWN_ORDER.length : index;
}

import { XmlCData, XmlDocument, XmlElement, XmlLibError, XmlText } from 'libxml2-wasm';

/**
 * A read-only element tree copied out of libxml2 right after parsing, so rules work on plain objects
 * (no wasm memory to dispose) and still know the line of every element for their findings.
 */
export interface XElement {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: XElement[];
  /** Direct text content (text and CDATA children joined), untrimmed. */
  text: string;
  line: number;
  parent: XElement | undefined;
}

export type ParsedXml = { ok: true; root: XElement } | { ok: false; line: number; message: string };

/** Parses XML bytes (UTF-8, BOM tolerated; no DTD loading, no external entities). */
export function parseXmlTree(data: Uint8Array, url: string): ParsedXml {
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(data, { url });
  } catch (error) {
    const detail = error instanceof XmlLibError ? error.details[0] : undefined;
    return { ok: false, line: detail?.line ?? 0, message: oneLine(detail?.message ?? (error as Error).message) };
  }
  try {
    return { ok: true, root: copyElement(doc.root, undefined) };
  } finally {
    doc.dispose();
  }
}

function copyElement(source: XmlElement, parent: XElement | undefined): XElement {
  const attrs: Record<string, string> = {};
  for (const attr of source.attrs) attrs[attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name] = attr.value;
  const element: XElement = { name: source.name, attrs, children: [], text: '', line: source.line, parent };
  for (let node = source.firstChild; node !== null; node = node.next) {
    if (node instanceof XmlElement) element.children.push(copyElement(node, element));
    else if (node instanceof XmlText || node instanceof XmlCData) element.text += node.content;
  }
  return element;
}

export const oneLine = (message: string): string => message.replace(/\s+/g, ' ').trim();

/** First child element with this name. */
export const child = (element: XElement | undefined, name: string): XElement | undefined => element?.children.find((c) => c.name === name);

/** Every child element with this name. */
export const childrenNamed = (element: XElement | undefined, name: string): XElement[] =>
  element?.children.filter((c) => c.name === name) ?? [];

/** Follows a path of child names (`a/b/c`), returning every element reached. */
export function select(element: XElement | undefined, path: string): XElement[] {
  let current = element ? [element] : [];
  for (const step of path.split('/')) current = current.flatMap((e) => childrenNamed(e, step));
  return current;
}

/** Trimmed text of the first child with this name (undefined when absent). */
export const childText = (element: XElement | undefined, name: string): string | undefined => child(element, name)?.text.trim();

/** Every descendant element (depth first, document order) with this name. */
export function descendants(element: XElement | undefined, name: string): XElement[] {
  const found: XElement[] = [];
  const walk = (e: XElement): void => {
    for (const c of e.children) {
      if (c.name === name) found.push(c);
      walk(c);
    }
  };
  if (element) walk(element);
  return found;
}

/** `/ImportExportXml/Workflows/Workflow[2] (line 7)`: where a finding points inside an XML entry. */
export function describe(element: XElement): string {
  const steps: string[] = [];
  for (let e: XElement | undefined = element; e; e = e.parent) {
    const siblings = e.parent ? childrenNamed(e.parent, e.name) : [e];
    steps.unshift(siblings.length > 1 ? `${e.name}[${siblings.indexOf(e) + 1}]` : e.name);
  }
  return `/${steps.join('/')} (line ${element.line})`;
}

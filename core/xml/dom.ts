import { decodeText, encodeText } from '../io/zip.js';
import { newXmlDocument, parseXml, serializeXml, type XMLBuilder } from './xml.js';

/**
 * DOM helpers for moving whole elements between customizations.xml and the unpacked files. The DOM is
 * the one xmlbuilder2 builds (its `.node`); the global DOM types describe it.
 */

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';

export interface XmlTree {
  builder: XMLBuilder;
  document: Document;
  root: Element;
}

/** Parses XML into a mutable DOM (see `parseXml` for the whitespace rule that keeps round trips exact). */
export function parseTree(data: Uint8Array | string, file: string, where?: string): XmlTree {
  const builder = parseXml(typeof data === 'string' ? data : decodeText(data), file, where);
  const document = builder.node as unknown as Document;
  return { builder, document, root: document.documentElement };
}

// Not `element.children`: xmlbuilder2's DOM returns every descendant element there, not only the children.
export const childElements = (element: Element): Element[] =>
  Array.from(element.childNodes).filter((child): child is Element => child.nodeType === ELEMENT_NODE);

export const childElement = (element: Element, name: string): Element | undefined =>
  childElements(element).find((child) => child.tagName === name);

/** Text of a child element, trimmed; undefined when the child is missing or empty. */
export function childText(element: Element, name: string): string | undefined {
  const text = childElement(element, name)?.textContent?.trim();
  return text ? text : undefined;
}

/** True when the element carries anything: child elements or non-blank text. */
export const hasContent = (element: Element): boolean => childElements(element).length > 0 || (element.textContent ?? '').trim() !== '';

export function removeChildren(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild);
}

/** Text written directly in the element (not in its children), e.g. stray text inside a container. */
export const ownText = (element: Element): string =>
  Array.from(element.childNodes)
    .filter((child) => child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE)
    .map((child) => child.nodeValue ?? '')
    .join('');

export const namespaceDeclarations = (element: Element): Attr[] =>
  Array.from(element.attributes).filter((attribute) => attribute.namespaceURI === XMLNS_NAMESPACE);

/**
 * Copies `element` into a new document as its root, adding the namespace declarations in scope at the
 * customizations.xml root (SolutionPackager writes `xmlns:xsi` on every split file), and serializes it
 * with the XML declaration.
 */
export function elementFile(element: Element, namespaces: readonly Attr[]): Uint8Array {
  const builder = newXmlDocument();
  const document = builder.node as unknown as Document;
  const copy = document.importNode(element, true);
  declareNamespaces(copy, namespaces);
  document.appendChild(copy);
  return encodeText(serializeXml(builder, { declaration: true }));
}

/** A `<wrapper>` file holding copies of `children` (e.g. `<forms><systemform/></forms>`). */
export function wrapperFile(wrapper: string, children: readonly Element[], namespaces: readonly Attr[]): Uint8Array {
  const builder = newXmlDocument();
  const document = builder.node as unknown as Document;
  const root = document.createElement(wrapper);
  declareNamespaces(root, namespaces);
  for (const child of children) root.appendChild(document.importNode(child, true));
  document.appendChild(root);
  return encodeText(serializeXml(builder, { declaration: true }));
}

function declareNamespaces(element: Element, namespaces: readonly Attr[]): void {
  for (const declaration of namespaces) {
    if (!element.hasAttribute(declaration.name)) element.setAttributeNS(XMLNS_NAMESPACE, declaration.name, declaration.value);
  }
}

/**
 * Copies an element of an unpacked file into the target document, removing the namespace declarations
 * the target root already makes (the ones `elementFile` added).
 */
export function adopt(target: Document, element: Element): Element {
  const copy = target.importNode(element, true);
  const inScope = target.documentElement ? namespaceDeclarations(target.documentElement) : [];
  for (const declaration of namespaceDeclarations(copy)) {
    if (inScope.some((outer) => outer.name === declaration.name && outer.value === declaration.value)) {
      copy.removeAttributeNS(XMLNS_NAMESPACE, declaration.localName);
    }
  }
  return copy;
}

/** Inserts `child` into `parent` before the first sibling that comes later in `order` (appends otherwise). */
export function insertInOrder(parent: Element, child: Element, order: readonly string[]): void {
  const rank = order.indexOf(child.tagName);
  const before = rank === -1 ? undefined : childElements(parent).find((sibling) => order.indexOf(sibling.tagName) > rank);
  if (before) parent.insertBefore(child, before);
  else parent.appendChild(child);
}

/** The child named `name`, created in document order when missing. */
export function ensureChild(parent: Element, name: string, order: readonly string[]): Element {
  const existing = childElement(parent, name);
  if (existing) return existing;
  const created = parent.ownerDocument.createElement(name);
  insertInOrder(parent, created, order);
  return created;
}

export const serializeTree = (tree: XmlTree, declaration: boolean): Uint8Array => encodeText(serializeXml(tree.builder, { declaration }));

import { XmlAttribute, XmlDocument, XmlElement, type NamespaceMap, type XmlNode } from 'libxml2-wasm';

/**
 * XPath over XML the product wrote, so tests assert elements, attributes and text rather than how they are
 * indented. libxml2 parses (the strict reader); every query copies plain strings out, and the document is
 * disposed before the helper returns.
 */
export interface XmlQuery {
  /** The string value of every node selected, in document order: an attribute's value, an element's text. */
  values(xpath: string): string[];
  /** The string value of the one node selected; throws, naming the XPath, when it selects none or several. */
  value(xpath: string): string;
  /** How many nodes the XPath selects. */
  count(xpath: string): number;
  /** The name of every element or attribute selected (`prefix:name` for prefixed ones). */
  names(xpath: string): string[];
  /** The attributes of every element selected (`prefix:name` for prefixed ones), as plain records. */
  attributes(xpath: string): Array<Record<string, string>>;
  /** The namespaces each element selected declares itself (prefix → URI; '' for a default namespace). */
  declarations(xpath: string): NamespaceMap[];
}

export interface XmlQueryOptions {
  /** Prefixes for namespaced documents (`{ ct: 'http://schemas.openxmlformats.org/package/2006/content-types' }`). */
  namespaces?: NamespaceMap;
}

const stringValue = (node: XmlNode): string => (node instanceof XmlAttribute ? node.value : node.content);

function nameOf(node: XmlNode, xpath: string): string {
  if (!(node instanceof XmlElement || node instanceof XmlAttribute)) throw new Error(`${xpath} selects a node without a name`);
  return node.prefix ? `${node.prefix}:${node.name}` : node.name;
}

function elementOf(node: XmlNode, xpath: string): XmlElement {
  if (!(node instanceof XmlElement)) throw new Error(`${xpath} selects a node that is not an element`);
  return node;
}

function attributesOf(node: XmlNode, xpath: string): Record<string, string> {
  return Object.fromEntries(elementOf(node, xpath).attrs.map((attr) => [nameOf(attr, xpath), attr.value]));
}

/** Parses the XML, hands the document to `query`, and disposes it whatever `query` does. */
export function withXml<T>(xml: string | Uint8Array, query: (doc: XmlDocument) => T): T {
  const doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
  try {
    return query(doc);
  } finally {
    doc.dispose();
  }
}

/** Parses the XML once for several queries; the document is disposed when `use` returns or throws. */
export function queryXml<T>(xml: string | Uint8Array, use: (query: XmlQuery) => T, options: XmlQueryOptions = {}): T {
  return withXml(xml, (doc) => {
    const find = (xpath: string): XmlNode[] => doc.find(xpath, options.namespaces);
    return use({
      values: (xpath) => find(xpath).map(stringValue),
      value: (xpath) => {
        const found = find(xpath);
        if (found.length !== 1) throw new Error(`${xpath} selects ${found.length} nodes, not one`);
        return stringValue(found[0]!);
      },
      count: (xpath) => find(xpath).length,
      names: (xpath) => find(xpath).map((node) => nameOf(node, xpath)),
      attributes: (xpath) => find(xpath).map((node) => attributesOf(node, xpath)),
      declarations: (xpath) => find(xpath).map((node) => ({ ...elementOf(node, xpath).nsDeclarations })),
    });
  });
}

/** One query on a document: the string values the XPath selects. */
export const xpathValues = (xml: string | Uint8Array, xpath: string, options?: XmlQueryOptions): string[] =>
  queryXml(xml, (query) => query.values(xpath), options);

/** One query on a document: the string value of the one node the XPath selects. */
export const xpathValue = (xml: string | Uint8Array, xpath: string, options?: XmlQueryOptions): string =>
  queryXml(xml, (query) => query.value(xpath), options);

/** One query on a document: the attributes of every element the XPath selects. */
export const xpathAttributes = (xml: string | Uint8Array, xpath: string, options?: XmlQueryOptions): Array<Record<string, string>> =>
  queryXml(xml, (query) => query.attributes(xpath), options);

/** One query on a document: how many nodes the XPath selects. */
export const xpathCount = (xml: string | Uint8Array, xpath: string, options?: XmlQueryOptions): number =>
  queryXml(xml, (query) => query.count(xpath), options);

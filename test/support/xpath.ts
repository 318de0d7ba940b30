import { XmlDocument, type XmlNode } from 'libxml2-wasm';

/**
 * XPath over XML a test got from the product, so assertions name what they mean (an attribute, an element's
 * text) instead of a whitespace-exact fragment. The document lives only for the query.
 */
export function withXml<T>(xml: string | Uint8Array, query: (doc: XmlDocument) => T): T {
  const doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
  try {
    return query(doc);
  } finally {
    doc.dispose();
  }
}

/** The string value of every node the XPath selects (text content of elements, value of attributes), in document order. */
export const xpathValues = (xml: string | Uint8Array, xpath: string): string[] =>
  withXml(xml, (doc) => doc.find(xpath).map((node: XmlNode) => node.content));

/** How many nodes the XPath selects. */
export const xpathCount = (xml: string | Uint8Array, xpath: string): number => withXml(xml, (doc) => doc.find(xpath).length);

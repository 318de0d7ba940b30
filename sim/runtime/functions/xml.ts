/**
 * xml() and xpath(), as the Logic Apps workflow definition language documents them
 * (learn.microsoft.com/azure/logic-apps/workflow-definition-language-functions-reference#xml and #xpath):
 * - xml(value): a string is parsed as XML; a JSON object with exactly one property becomes the document
 *   whose root element is that property (nested objects are elements, an array repeats its element, `@name`
 *   keys are attributes, `#text` is text, null an empty element: the Json.NET conversion the service uses).
 *   The result is the XML content envelope `{ "$content-type": "application/xml;charset=utf-8", "$content": <base64> }`.
 * - xpath(xml, path): the nodes or the value the XPath selects: an array of matches (an element as its XML
 *   text, a text or attribute node as its string value), or a number, string or boolean for an XPath that
 *   computes one (`sum(…)`, `string(…)`). The documented examples return arrays for node sets; whether a
 *   single match also comes back as an array is our reading of them.
 * Parsing and XPath are libxml2's (libxml2-wasm); the JSON → XML writing is xmlbuilder2's.
 */
import { XmlAttribute, XmlDocument, XmlElement, type XmlNode } from 'libxml2-wasm';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { expectString, fail, isObject, stringify, type CallContext, type FunctionImpl, type Value } from './support.js';

const XML_CONTENT_TYPE = 'application/xml;charset=utf-8';
const ATTRIBUTE_PREFIX = '@';
const TEXT_KEY = '#text';

const envelope = (xml: string): Record<string, string> => ({
  '$content-type': XML_CONTENT_TYPE,
  $content: Buffer.from(xml, 'utf8').toString('base64'),
});

/** The XML text of a value xpath() accepts: an xml() envelope or XML text. */
function xmlTextOf(call: CallContext, value: Value): string {
  const contentType = isObject(value) ? value['$content-type'] : undefined;
  if (isObject(value) && typeof value.$content === 'string' && typeof contentType === 'string' && /xml/i.test(contentType)) {
    return Buffer.from(value.$content, 'base64').toString('utf8');
  }
  if (typeof value === 'string') return value;
  return fail(`The template language function '${call.name}' expects its first parameter to be an XML value (from xml()) or XML text.`);
}

function appendValue(parent: XMLBuilder, name: string, value: Value): void {
  if (Array.isArray(value)) {
    for (const element of value) appendValue(parent, name, element);
    return;
  }
  const element = parent.ele(name);
  if (value === null || value === undefined) return;
  if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key.startsWith(ATTRIBUTE_PREFIX)) element.att(key.slice(ATTRIBUTE_PREFIX.length), stringify(child));
      else if (key === TEXT_KEY) element.txt(stringify(child));
      else appendValue(element, key, child);
    }
    return;
  }
  element.txt(stringify(value));
}

function jsonToXml(call: CallContext, value: Record<string, unknown>): string {
  const roots = Object.entries(value).filter(([key]) => !key.startsWith('?'));
  if (roots.length !== 1 || Array.isArray(roots[0]![1])) {
    return fail(
      `The template language function '${call.name}' parameter is not valid. The provided value cannot be converted to XML: a JSON object needs exactly one root property whose value is not an array.`,
    );
  }
  const document = create();
  const [name, content] = roots[0]!;
  appendValue(document, name, content);
  return document.end({ headless: true });
}

function parse(call: CallContext, text: string): XmlDocument {
  try {
    return XmlDocument.fromString(text);
  } catch (error) {
    return fail(
      `The template language function '${call.name}' parameter is not valid. The provided value cannot be parsed as XML: ${(error as Error).message}`,
    );
  }
}

const nodeValue = (node: XmlNode): string =>
  node instanceof XmlElement ? node.toString({ format: false }) : node instanceof XmlAttribute ? node.value : node.content;

export const XML_FUNCTIONS: Readonly<Record<string, FunctionImpl>> = {
  xml: (values, call) => {
    const value = values[0];
    if (typeof value === 'string') {
      parse(call, value).dispose();
      return envelope(value);
    }
    if (isObject(value)) return envelope(jsonToXml(call, value));
    return fail(`The template language function '${call.name}' expects its parameter to be a string or an object.`);
  },
  xpath: (values, call) => {
    const text = xmlTextOf(call, values[0]);
    const path = expectString(call, values, 1);
    const doc = parse(call, text);
    try {
      let result: ReturnType<XmlDocument['eval']>;
      try {
        result = doc.eval(path);
      } catch (error) {
        return fail(
          `The template language function '${call.name}' parameter is not valid. The XPath '${path}' is not valid: ${(error as Error).message}`,
        );
      }
      return Array.isArray(result) ? result.map(nodeValue) : result;
    } finally {
      doc.dispose();
    }
  },
};

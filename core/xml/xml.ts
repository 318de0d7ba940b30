import { XmlDocument, XmlLibError } from 'libxml2-wasm';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { UserError } from '../errors.js';

export type { XMLBuilder };

/**
 * The one XML text style of the project, matching Dataverse exports: two-space indent, CRLF line
 * ends, `<Empty />` with a space before the slash, no XML declaration in solution.xml and
 * customizations.xml (exports have none; the unpacked `Other/*.xml` files do). Generators and `pack`
 * both serialize through here, so `pack(unpack(zip))` gives back the same bytes.
 */
export function serializeXml(doc: XMLBuilder, options: { declaration?: boolean } = {}): string {
  const restore = protectEntityLikeAmpersands(doc.node as unknown as DomNode);
  try {
    const body = doc.end({ prettyPrint: true, indent: '  ', newline: '\r\n', headless: true, spaceBeforeSlash: true });
    return options.declaration ? `<?xml version="1.0" encoding="utf-8"?>\r\n${body}` : body;
  } finally {
    restore();
  }
}

/** `&` that starts something shaped like an entity or character reference (`&amp;`, `&#65;`). */
const ENTITY_LIKE_AMPERSAND = /&(?=(?:#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_][A-Za-z0-9._-]*);)/g;

/**
 * xmlbuilder2's writer escapes `&` only when it does not already look like an entity, so the literal
 * label text `R&amp;D` would be written unchanged and read back as `R&D`. Escaping those ampersands
 * in the tree before writing (and undoing it after) makes every text round-trip exactly.
 */
/** The part of xmlbuilder2's DOM these helpers use. */
interface DomNode {
  nodeType: number;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
  attributes?: ArrayLike<{ value: string }>;
  removeChild?(child: DomNode): unknown;
}

function protectEntityLikeAmpersands(root: DomNode): () => void {
  const undo: Array<() => void> = [];
  const visit = (node: DomNode): void => {
    if (node.nodeType === 3 || node.nodeType === 4) {
      const original = node.nodeValue ?? '';
      if (ENTITY_LIKE_AMPERSAND.test(original)) {
        node.nodeValue = original.replace(ENTITY_LIKE_AMPERSAND, '&amp;');
        undo.push(() => {
          node.nodeValue = original;
        });
      }
    }
    if (node.nodeType === 1) {
      for (const attribute of Array.from(node.attributes ?? [])) {
        const original = attribute.value;
        if (ENTITY_LIKE_AMPERSAND.test(original)) {
          attribute.value = original.replace(ENTITY_LIKE_AMPERSAND, '&amp;');
          undo.push(() => {
            attribute.value = original;
          });
        }
      }
    }
    for (const child of Array.from(node.childNodes)) visit(child);
  };
  visit(root);
  return () => {
    for (const step of undo) step();
  };
}

/** A new document (no declaration: `serializeXml` decides that). */
export const newXmlDocument = (): XMLBuilder => create({ version: '1.0', encoding: 'utf-8' });

/**
 * The well-formedness problem of an XML text, or undefined when it is well-formed. libxml2 decides:
 * xmlbuilder2's parser is lenient (it accepts an unclosed tag), and Dataverse is not.
 */
function wellFormednessProblem(text: string): string | undefined {
  try {
    XmlDocument.fromString(text).dispose();
    return undefined;
  } catch (error) {
    const detail = error instanceof XmlLibError ? error.details[0] : undefined;
    const message = (detail?.message ?? (error as Error).message).replace(/\s+/g, ' ').trim();
    return detail?.line ? `line ${detail.line}: ${message}` : message;
  }
}

const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);

/**
 * Parses XML text (BOM tolerated), naming the file in the error when it is not well-formed, so that
 * parse → serializeXml is a fixpoint for serializeXml output: xmlbuilder2 would drop every
 * whitespace-only text (turning `<X> </X>` into `<X />`), so whitespace-only text is kept and only the
 * indentation between elements, which serializeXml writes itself, is removed.
 */
export function parseXml(text: string, file: string, where?: string): XMLBuilder {
  const clean = stripBom(text);
  const problem = wellFormednessProblem(clean);
  if (problem !== undefined) {
    throw new UserError(
      file,
      where,
      `is not well-formed XML (${problem})`,
      'restore the file from the original export, or rebuild it with `cosell build` / `cosell unpack`',
    );
  }
  const doc = create({ skipWhitespaceOnlyText: false }, clean);
  dropIndentation(doc.node as unknown as DomNode);
  return doc;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

function dropIndentation(element: DomNode): void {
  const children = Array.from(element.childNodes);
  const hasElementChild = children.some((child) => child.nodeType === ELEMENT_NODE);
  for (const child of children) {
    if (child.nodeType === ELEMENT_NODE || child.nodeType === 9) dropIndentation(child);
    else if (hasElementChild && child.nodeType === TEXT_NODE && (child.nodeValue ?? '').trim() === '') element.removeChild?.(child);
  }
}

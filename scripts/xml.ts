import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { UserError } from './errors.js';

export type { XMLBuilder };

/**
 * The one XML text style of the project, matching Dataverse exports: two-space indent, CRLF line
 * ends, `<Empty />` with a space before the slash, no XML declaration in solution.xml and
 * customizations.xml (exports have none; the unpacked `Other/*.xml` files do). Generators and `pack`
 * both serialize through here, so `pack(unpack(zip))` gives back the same bytes.
 */
export function serializeXml(doc: XMLBuilder, options: { declaration?: boolean } = {}): string {
  const body = doc.end({ prettyPrint: true, indent: '  ', newline: '\r\n', headless: true, spaceBeforeSlash: true });
  return options.declaration ? `<?xml version="1.0" encoding="utf-8"?>\r\n${body}` : body;
}

/** A new document (no declaration: `serializeXml` decides that). */
export const newXmlDocument = (): XMLBuilder => create({ version: '1.0', encoding: 'utf-8' });

/** Parses XML text (BOM tolerated), naming the file in the error when it is not well-formed. */
export function parseXml(text: string, file: string): XMLBuilder {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return create(clean);
  } catch (error) {
    throw new UserError(file, undefined, `is not well-formed XML (${(error as Error).message.split('\n')[0]})`,
      'restore the file from the original export or rebuild it with `cosell build`');
  }
}

import { decodeText, encodeText, readZip, writeZip, type ZipEntry } from '../../core/io/zip.js';
import { loadPackage, type SolutionPackage } from '../../core/package/reader.js';
import { childElements, parseTree, serializeTree } from '../../core/xml/dom.js';
import { withFlows } from '../../flows/index.js';
import { flowId } from '../../flows/context.js';
import { buildPackages } from '../../packaging/build-solution.js';
import type { PacConfig } from '../../solution/config/config.js';
import { defaultModel } from '../support/model.js';

/**
 * Our zip built from the model, and the edits the maker portal makes to it: what a customer's export of our
 * solution looks like after they customised it.
 */

export const CUSTOMIZE_FLOW_ID = flowId('CreateOrGetDetails');

/** Our managed zip, built from the default test configuration (edited by `edit`), as its entries. */
export function ourZip(edit?: (config: PacConfig) => void): ZipEntry[] {
  const [built] = buildPackages(withFlows(defaultModel(undefined, edit)), ['managed']);
  return readZip(built!.bytes, built!.fileName);
}

export const asPackage = (entries: readonly ZipEntry[], label: string): SolutionPackage => loadPackage(entries, label);
export const zipBytes = (entries: readonly ZipEntry[]): Uint8Array => writeZip(entries);

/** Replaces one entry's bytes (the entry must exist). */
export function replaceEntry(entries: readonly ZipEntry[], name: string, edit: (text: string) => string): ZipEntry[] {
  if (!entries.some((entry) => entry.name === name)) throw new Error(`no entry ${name}`);
  return entries.map((entry) => (entry.name === name ? { name, data: encodeText(edit(decodeText(entry.data))) } : entry));
}

export const flowEntryName = (entries: readonly ZipEntry[], id: string): string => {
  const entry = entries.find((e) => e.name.startsWith('Workflows/') && e.name.endsWith(`-${id.toUpperCase()}.json`));
  if (!entry) throw new Error(`no flow file for ${id}`);
  return entry.name;
};

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Edits the [Customize] flow's JSON as the designer saves it (whole file rewritten). */
export function editCustomizeFlow(entries: readonly ZipEntry[], edit: (actions: Json) => void): ZipEntry[] {
  return replaceEntry(entries, flowEntryName(entries, CUSTOMIZE_FLOW_ID), (text) => {
    const flow = JSON.parse(text) as Json;
    edit(flow.properties.definition.actions as Json);
    return JSON.stringify(flow);
  });
}

/** Edits customizations.xml through a DOM. */
export function editCustomizations(entries: readonly ZipEntry[], edit: (root: Element, document: Document) => void): ZipEntry[] {
  return replaceEntry(entries, 'customizations.xml', (text) => {
    const tree = parseTree(text, 'customizations.xml');
    edit(tree.root, tree.document);
    return decodeText(serializeTree(tree, false));
  });
}

/** Every descendant element with this tag name whose attribute has this value. */
export function findElement(root: Element, tag: string, attribute: string, value: string): Element {
  const walk = (element: Element): Element | undefined => {
    for (const child of childElements(element)) {
      if (child.tagName === tag && child.getAttribute(attribute) === value) return child;
      const found = walk(child);
      if (found) return found;
    }
    return undefined;
  };
  const found = walk(root);
  if (!found) throw new Error(`no <${tag} ${attribute}="${value}">`);
  return found;
}

export const setSolutionXml = (entries: readonly ZipEntry[], from: RegExp, to: string): ZipEntry[] =>
  replaceEntry(entries, 'solution.xml', (text) => {
    if (!from.test(text)) throw new Error(`solution.xml has no ${String(from)}`);
    return text.replace(from, to);
  });

/** The env var value file Dataverse writes when a current value is set (solution-format §1.5). */
export const envVarValueEntry = (schemaName: string, value: string): ZipEntry => ({
  name: `environmentvariabledefinitions/${schemaName}/environmentvariablevalues.json`,
  data: encodeText(
    JSON.stringify({
      environmentvariablevalues: {
        environmentvariablevalue: { '@environmentvariablevalueid': '6f1c3b52-1d8e-4c1e-9a57-3b8f0d5a2e11', iscustomizable: '1', value },
      },
    }),
  ),
});

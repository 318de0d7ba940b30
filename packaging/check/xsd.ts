import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { XmlBufferInputProvider, XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';
import { projectFile } from '../../core/paths.js';
import { patchXsd } from './xsd-patches.js';
import { oneLine } from '../../core/xml/tree.js';

/** Microsoft's published schema set, vendored byte for byte (see xsd/README.md). */
export const MICROSOFT_XSD_VERSION = '9.0.0.2090';
const CUSTOMIZATIONS_XSD = 'CustomizationsSolution.xsd';
/** Our own schema for solution.xml (Microsoft publishes none), derived from real exports. */
const SOLUTION_MANIFEST_XSD = 'solution-manifest.xsd';
/** libxml2 resolves xs:include against this base; the input provider answers from memory. */
const URL_BASE = 'cosell-check-xsd:/';

interface XsdIssue {
  line: number;
  message: string;
  /** Element path libxml2 reports, when it has one. */
  path?: string;
}

/** The schema folder shipped with the project (tsc copies no .xsd into dist/, so it is read from the sources). */
export const xsdFolder = (): string => projectFile('packaging', 'check', 'xsd');

/** Reads the vendored Microsoft XSDs and returns them patched for libxml2 (see xsd-patches.ts). */
export async function loadPatchedMicrosoftXsds(): Promise<Record<string, string>> {
  const folder = path.join(xsdFolder(), MICROSOFT_XSD_VERSION);
  const files: Record<string, string> = {};
  for (const name of (await readdir(folder)).filter((file) => file.endsWith('.xsd'))) {
    files[name] = patchXsd(name, await readFile(path.join(folder, name), 'utf8'));
  }
  return files;
}

export interface Validators {
  customizations: XsdValidator;
  solutionManifest: XsdValidator;
}

let validators: Promise<Validators> | undefined;

/** Compiles both schemas once per process (compiling CustomizationsSolution.xsd takes a while). */
export function loadValidators(): Promise<Validators> {
  validators ??= compileValidators().catch((error: unknown) => {
    validators = undefined;
    throw error;
  });
  return validators;
}

async function compileValidators(): Promise<Validators> {
  const microsoft = await loadPatchedMicrosoftXsds();
  const manifest = await readFile(path.join(xsdFolder(), SOLUTION_MANIFEST_XSD), 'utf8');
  const encoder = new TextEncoder();
  const buffers: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(microsoft)) buffers[`${URL_BASE}${MICROSOFT_XSD_VERSION}/${name}`] = encoder.encode(text);
  buffers[`${URL_BASE}${SOLUTION_MANIFEST_XSD}`] = encoder.encode(manifest);
  xmlRegisterInputProvider(new XmlBufferInputProvider(buffers));
  return {
    customizations: compile(buffers, `${URL_BASE}${MICROSOFT_XSD_VERSION}/${CUSTOMIZATIONS_XSD}`),
    solutionManifest: compile(buffers, `${URL_BASE}${SOLUTION_MANIFEST_XSD}`),
  };
}

function compile(buffers: Record<string, Uint8Array>, url: string): XsdValidator {
  const source = buffers[url];
  if (!source) throw new Error(`cosell check: schema ${url} not loaded`);
  const doc = XmlDocument.fromBuffer(source, { url });
  try {
    return XsdValidator.fromDoc(doc);
  } catch (error) {
    const details =
      error instanceof XmlLibError ? error.details.map((d) => `${d.file ?? ''}:${d.line} ${oneLine(d.message)}`).join('; ') : '';
    throw new Error(`cosell check: schema ${url} does not compile: ${(error as Error).message} ${details}`);
  } finally {
    doc.dispose();
  }
}

/**
 * Validates XML bytes; returns the schema errors (empty when valid). Not-well-formed input is the
 * caller's business: parse it first (xml-tree.ts) and only validate what parsed.
 */
export function validateXml(validator: XsdValidator, data: Uint8Array, url: string): XsdIssue[] {
  const doc = XmlDocument.fromBuffer(data, { url });
  try {
    validator.validate(doc);
    return [];
  } catch (error) {
    if (!(error instanceof XmlLibError)) throw error;
    return error.details.map((detail) => ({
      line: detail.line,
      message: oneLine(detail.message),
      ...(detail.xpath ? { path: detail.xpath } : {}),
    }));
  } finally {
    doc.dispose();
  }
}

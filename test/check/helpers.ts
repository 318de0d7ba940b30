import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkSolution } from '../../packaging/check/check-solution.js';
import type { Finding, Severity } from '../../packaging/check/types.js';
import { decodeText, encodeText, readZip, type ZipEntry } from '../../core/io/zip.js';

export { REAL_SOLUTIONS, SHARED, SHARED_SCHEMAS } from '../support/fixtures.js';
import { REAL_SOLUTIONS, requireShared } from '../support/fixtures.js';

export const APPROVALS = 'ApprovalsConnectorSetup.zip';
export const AI_BUILDER = 'AIBuilderPromptsDataverse_1_0_0_1_managed.zip';
export const CONTOSO = 'Contoso_sample_1_0_0_1_managed.zip';
export const SECONDARY_RECORD_SOURCE = 'SecondaryRecordSource_managed';

export const realZipNames = (): string[] => (
  requireShared(),
  readdirSync(REAL_SOLUTIONS)
    .filter((name) => name.endsWith('.zip'))
    .sort()
);

export const fixtureEntries = (zip: string): ZipEntry[] => (requireShared(), readZip(readFileSync(path.join(REAL_SOLUTIONS, zip)), zip));

/**
 * The SecondaryRecordSource export as zip entries. The fixture omits the web resource's file (its
 * README says so: script code is left out); a placeholder of the same name restores the shape of
 * the real export, whose [Content_Types].xml still lists it as an Override.
 */
export function secondaryRecordSourceEntries(): ZipEntry[] {
  const folder = path.join(REAL_SOLUTIONS, SECONDARY_RECORD_SOURCE);
  const entries = readdirSync(folder)
    .sort()
    .map((name) => ({ name, data: new Uint8Array(readFileSync(path.join(folder, name))) }));
  const customizations = decodeText(entries.find((entry) => entry.name === 'customizations.xml')!.data);
  const webResource = /<FileName>\/(WebResources\/[^<]+)<\/FileName>/.exec(customizations)?.[1];
  if (!webResource) throw new Error('SecondaryRecordSource fixture changed: no web resource FileName');
  return [...entries, { name: webResource, data: encodeText('/* placeholder for the omitted web resource */') }];
}

export const textOf = (entries: readonly ZipEntry[], name: string): string => {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no entry ${name}`);
  return decodeText(entry.data);
};

/** Replaces text in one entry; throws when `from` is absent so a changed fixture is noticed. */
export function replaceIn(entries: readonly ZipEntry[], name: string, from: string | RegExp, to: string): ZipEntry[] {
  const text = textOf(entries, name);
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`${name} does not contain ${String(from)}`);
  return withEntry(entries, name, text.replace(from, to));
}

export function withEntry(entries: readonly ZipEntry[], name: string, text: string): ZipEntry[] {
  const data = encodeText(text);
  return entries.some((e) => e.name === name) ? entries.map((e) => (e.name === name ? { name, data } : e)) : [...entries, { name, data }];
}

export const withoutEntry = (entries: readonly ZipEntry[], predicate: (name: string) => boolean): ZipEntry[] =>
  entries.filter((entry) => !predicate(entry.name));

export const renameEntry = (entries: readonly ZipEntry[], from: string, to: string): ZipEntry[] =>
  entries.map((entry) => (entry.name === from ? { ...entry, name: to } : entry));

export const check = (entries: readonly ZipEntry[]): Promise<Finding[]> => checkSolution(entries, 'test.zip');

export const blocking = (findings: readonly Finding[]): Finding[] =>
  findings.filter((f) => f.severity === 'Critical' || f.severity === 'High');

/** `rule/Severity` pairs, to assert the exact set of findings. */
export const summary = (findings: readonly Finding[]): string[] => findings.map((f) => `${f.rule}/${f.severity}`);

export function findingsOf(findings: readonly Finding[], rule: string, severity: Severity): Finding[] {
  return findings.filter((f) => f.rule === rule && f.severity === severity);
}

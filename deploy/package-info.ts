/**
 * What deploying a solution zip needs to know about it, read once from its bytes: name, version, managed or not,
 * the environment variables and connection references that take a value per environment, the cloud flows (with
 * their documents, for the activation order) and the zip's SHA-256, the artefact's identity across environments.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { decodeText, readZip } from '../core/io/zip.js';
import { loadPackage } from '../core/package/reader.js';
import { childText } from '../core/xml/tree.js';
import { EnvVarType, WorkflowCategory, type EnvVarTypeName } from './constants.js';

export interface PackageEnvVar {
  schemaName: string;
  type: EnvVarTypeName;
  defaultValue?: string;
}

export interface PackageConnectionReference {
  logicalName: string;
  connectorId: string;
}

export interface PackageFlow {
  id: string;
  name: string;
  document: unknown;
}

export interface DeployPackage {
  label: string;
  bytes: Uint8Array;
  sha256: string;
  uniqueName: string;
  version: string;
  managed: boolean;
  envVars: PackageEnvVar[];
  connectionReferences: PackageConnectionReference[];
  flows: PackageFlow[];
}

const typeName = (code: string | undefined): EnvVarTypeName | undefined =>
  (Object.keys(EnvVarType) as EnvVarTypeName[]).find((name) => String(EnvVarType[name]) === code);

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Reads a solution zip; a zip that is not a solution is a UserError naming the file. */
export function readDeployPackage(bytes: Uint8Array, label: string): DeployPackage {
  const entries = readZip(bytes, label);
  const pkg = loadPackage(entries, label);
  const manifest = pkg.manifest;
  if (!manifest?.uniqueName || !manifest.version) {
    throw new UserError(label, 'solution.xml', 'has no SolutionManifest UniqueName/Version', 'give a solution zip built by `cosell build`');
  }
  const envVars: PackageEnvVar[] = [];
  for (const definition of pkg.envVars) {
    if (!definition.parsed.ok || !definition.schemaName) continue;
    const root = definition.parsed.root;
    const type = typeName(childText(root, 'type'));
    if (!type)
      throw new UserError(label, definition.entry, `has an unknown environment variable type ${childText(root, 'type') ?? '(none)'}`);
    const defaultValue = childText(root, 'defaultvalue');
    envVars.push({ schemaName: definition.schemaName, type, ...(defaultValue !== undefined ? { defaultValue } : {}) });
  }
  const connectionReferences = (pkg.customizations?.connectionReferences ?? []).map((node) => ({
    logicalName: node.name,
    connectorId: childText(node.el, 'connectorid') ?? '',
  }));
  const byName = pkg.byName;
  const flows: PackageFlow[] = [];
  for (const workflow of pkg.customizations?.workflows ?? []) {
    if (childText(workflow.el, 'Category') !== String(WorkflowCategory.ModernFlow) || !workflow.id) continue;
    const entry = workflow.jsonFileName ? byName.get(workflow.jsonFileName.replace(/^\//, '')) : undefined;
    let document: unknown = {};
    if (entry) {
      try {
        document = JSON.parse(decodeText(entry.data)) as unknown;
      } catch {
        throw new UserError(label, entry.name, 'is not valid JSON', 'rebuild the zip with `cosell build`');
      }
    }
    flows.push({ id: normalizeId(workflow.id), name: workflow.name ?? workflow.id, document });
  }
  return {
    label,
    bytes,
    sha256: sha256Of(bytes),
    uniqueName: manifest.uniqueName,
    version: manifest.version,
    managed: manifest.managed === '1',
    envVars,
    connectionReferences,
    flows,
  };
}

export const normalizeId = (id: string): string =>
  id
    .trim()
    .replace(/^\{|\}$/g, '')
    .toLowerCase();

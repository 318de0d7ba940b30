import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildPackages } from '../../packaging/build-solution.js';
import { withFlows } from '../../flows/index.js';
import { readDeployPackage, type DeployPackage } from '../../deploy/package-info.js';
import { settingsSkeleton, type DeploymentSettings } from '../../deploy/settings.js';
import type { PacConfig } from '../../solution/config/config.js';
import { defaultModel } from '../support/model.js';

const cache = new Map<string, Uint8Array>();

/** The managed zip of the default model at a version (built once per version). */
export function builtZip(version = '1.0.0.0'): Uint8Array {
  let bytes = cache.get(version);
  if (!bytes) {
    const model = withFlows(defaultModel(undefined, (config: PacConfig) => void (config.solution.version = version)));
    bytes = buildPackages(model, ['managed'])[0]!.bytes;
    cache.set(version, bytes);
  }
  return bytes;
}

export const builtPackage = (version = '1.0.0.0'): DeployPackage =>
  readDeployPackage(builtZip(version), `CoSellSync_${version.replace(/\./g, '_')}_managed.zip`);

/** Connection ids a test environment has, one per connection reference of the package. */
export const connectionIdOf = (logicalName: string): string => `conn-${logicalName.toLowerCase()}`;

/** A complete, valid settings file for the package: defaults as values, a connection for every reference. */
export function filledSettings(pkg: DeployPackage = builtPackage()): DeploymentSettings {
  const skeleton = settingsSkeleton(pkg);
  return {
    EnvironmentVariables: skeleton.EnvironmentVariables,
    ConnectionReferences: skeleton.ConnectionReferences.map((reference) => ({
      ...reference,
      ConnectionId: connectionIdOf(reference.LogicalName),
    })),
  };
}

export async function writeZipFile(dir: string, version = '1.0.0.0'): Promise<string> {
  const file = path.join(dir, `CoSellSync_${version.replace(/\./g, '_')}_managed.zip`);
  await writeFile(file, builtZip(version));
  return file;
}

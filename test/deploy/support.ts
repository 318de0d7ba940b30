import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildPackages } from '../../packaging/build-solution.js';
import { withFlows } from '../../flows/index.js';
import { readDeployPackage, type DeployPackage } from '../../deploy/package-info.js';
import { settingsSkeleton, type DeploymentSettings } from '../../deploy/settings.js';
import type { PacConfig } from '../../solution/config/config.js';
import { defaultModel } from '../support/model.js';
import { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { WebApi, type Fetch } from '../../deploy/web-api.js';
import { VirtualClock, model } from '../sim-dataverse/support.js';

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

/** An emulated environment with a connection for every connection reference of the package. */
export async function startEnvironment(pkg: DeployPackage = builtPackage()): Promise<{ dv: DataverseEmulator; clock: VirtualClock }> {
  const clock = new VirtualClock();
  const dv = new DataverseEmulator({ model, clock });
  await dv.start();
  for (const reference of pkg.connectionReferences) dv.alm.addConnection(connectionIdOf(reference.logicalName), reference.connectorId);
  return { dv, clock };
}

/** A Web API client on the emulator whose waits move the emulator's virtual clock; `sleeps` records them. */
export function clientOf(
  dv: DataverseEmulator,
  clock: VirtualClock,
  fetchImpl?: Fetch,
): { api: WebApi; sleeps: number[]; sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return clock.sleep(ms);
  };
  return {
    api: new WebApi({ orgUrl: dv.baseUrl, token: () => Promise.resolve('test-token'), sleep, ...(fetchImpl ? { fetch: fetchImpl } : {}) }),
    sleeps,
    sleep,
  };
}

/** The emulator's calls as `METHOD path` (the Web API root cut off). */
export const requestLines = (dv: DataverseEmulator): string[] =>
  dv.calls.map((call) => `${call.method} ${call.path.replace(/^\/api\/data\/v9\.2\//, '')}`);

/** Sequential ids for ImportJobId. */
export function idSequence(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;
}

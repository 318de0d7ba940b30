/**
 * Bench rows for `cosell deploy` / `promote`: Web API calls and wall time of each path against the Dataverse
 * emulator (HTTP on 127.0.0.1, the emulator's virtual clock, so the 30 s an import takes and the polling waits
 * cost no wall time; sign-in left out). Promote makes the calls the command makes: the staging status, the
 * production deploy, then the status of both.
 */
import { performance } from 'node:perf_hooks';
import { formatDuration } from '../core/duration.js';
import { readDeployPackage, type DeployPackage } from '../deploy/package-info.js';
import { deploy } from '../deploy/sequence.js';
import { settingsSkeleton, validateSettings } from '../deploy/settings.js';
import { readStatus } from '../deploy/status.js';
import { WebApi } from '../deploy/web-api.js';
import { buildPackages } from '../packaging/build-solution.js';
import { DataverseEmulator } from '../sim/dataverse/emulator.js';
import { VirtualClock } from '../sim/runtime/clock.js';
import type { SolutionModel } from '../solution/model.js';

async function environment(
  model: SolutionModel,
  pkg: DeployPackage,
): Promise<{ dv: DataverseEmulator; api: () => WebApi; clock: VirtualClock }> {
  const clock = new VirtualClock();
  const dv = new DataverseEmulator({ model, clock });
  await dv.start();
  for (const reference of pkg.connectionReferences) dv.alm.addConnection(`conn-${reference.logicalName}`, reference.connectorId);
  return {
    dv,
    clock,
    api: () => new WebApi({ orgUrl: dv.baseUrl, token: () => Promise.resolve('bench'), sleep: (ms) => clock.sleep(ms) }),
  };
}

function settingsOf(pkg: DeployPackage) {
  const skeleton = settingsSkeleton(pkg);
  skeleton.ConnectionReferences.forEach((reference) => (reference.ConnectionId = `conn-${reference.LogicalName}`));
  return validateSettings(skeleton, pkg, 'bench settings');
}

/** Rows: path, Web API calls, wall time, the emulator's virtual time. */
export async function deployBenchRows(model: SolutionModel): Promise<string[][]> {
  const parts = model.solution.version.split('.').map(Number);
  parts[3] = (parts[3] ?? 0) + 1;
  const upgraded: SolutionModel = { ...model, solution: { ...model.solution, version: parts.join('.') } };
  const [v1, v2] = [model, upgraded].map((one) => {
    const [built] = buildPackages(one, ['managed']);
    return readDeployPackage(built!.bytes, built!.fileName);
  }) as [DeployPackage, DeployPackage];
  const staging = await environment(model, v1);
  const production = await environment(model, v1);
  const rows: string[][] = [];
  const measure = async (label: string, env: { clock: VirtualClock }, body: () => Promise<WebApi[]>): Promise<void> => {
    const virtualStart = env.clock.now().getTime();
    const start = performance.now();
    const apis = await body();
    const wall = performance.now() - start;
    const calls = apis.reduce((sum, api) => sum + api.calls.length, 0);
    rows.push([label, String(calls), formatDuration(wall), formatDuration(env.clock.now().getTime() - virtualStart)]);
  };
  try {
    await measure(`deploy ${v1.version}, first install`, staging, async () => {
      const api = staging.api();
      await deploy({ api, pkg: v1, settings: settingsOf(v1), sleep: (ms) => staging.clock.sleep(ms) });
      return [api];
    });
    await measure(`deploy ${v1.version} again (same version)`, staging, async () => {
      const api = staging.api();
      await deploy({ api, pkg: v1, settings: settingsOf(v1), sleep: (ms) => staging.clock.sleep(ms) });
      return [api];
    });
    await measure(`promote ${v1.version} staging → production`, production, async () => {
      const source = staging.api();
      await readStatus(source, 'staging', v1.uniqueName, 'pcs', v1.sha256, v1);
      const target = production.api();
      await deploy({ api: target, pkg: v1, settings: settingsOf(v1), sleep: (ms) => production.clock.sleep(ms) });
      const after = [staging.api(), production.api()];
      await readStatus(after[0]!, 'staging', v1.uniqueName, 'pcs', v1.sha256, v1);
      await readStatus(after[1]!, 'production', v1.uniqueName, 'pcs', v1.sha256, v1);
      return [source, target, ...after];
    });
    await measure(`deploy ${v2.version}, upgrade`, staging, async () => {
      const api = staging.api();
      await deploy({ api, pkg: v2, settings: settingsOf(v2), sleep: (ms) => staging.clock.sleep(ms) });
      return [api];
    });
  } finally {
    await staging.dv.stop();
    await production.dv.stop();
  }
  return rows;
}

import path from 'node:path';
import type { Command } from 'commander';
import { readZipArgument, runAction, type CliIo } from '../cli-support.js';
import { readZip } from '../../core/io/zip.js';
import { loadPackage } from '../../core/package/reader.js';
import { readComponents } from '../../packaging/diff/components.js';
import type { LayerInput, PackageComponents } from '../../deploy/layers.js';
import { loadConfig, CONFIG_FILE_NAME } from '../../solution/config/config.js';
import { connect, environmentOf } from '../../deploy/environment.js';
import { DEFAULT_RECORD_FILE, readRecord } from '../../deploy/record.js';
import { formatStatus, readStatus } from '../../deploy/status.js';
import { readDeployPackage, type DeployPackage } from '../../deploy/package-info.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { withJsonFailure, type DeployIo } from './deploy.js';

interface StatusOptions {
  env: string[];
  config: string;
  record: string;
  json?: boolean;
  zip?: string;
  base?: string;
}

export function registerStatus(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('status')
    .description(
      'Show what each environment holds: version and hash, environment variable values, connections, flows on/off, and the last run of the webhook registration flow',
    )
    .requiredOption(
      '-e, --env <name>',
      'an environment of pac.config.json; repeat for a side-by-side view',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('-c, --config <file>', 'project configuration', CONFIG_FILE_NAME)
    .option('--record <file>', 'the deployment record (for the hash)', DEFAULT_RECORD_FILE)
    .option('--zip <zip>', 'our next version: the customised components it changes are shown as CONFLICTS')
    .option('--base <zip>', 'our version installed in the environment, when the configuration builds another version')
    .option('--json', 'print one JSON document { environments: [...] } for pipelines')
    .addHelpText(
      'after',
      '\nReads only (GET requests). Exit code 0 when every environment shown is healthy (installed, every flow on, every\nconnection reference bound), 1 otherwise.\n\nThe webhook line: Partner Center holds the registration and the application user cannot read it, so status shows\nthe last run of the registration flow from the flow run history (flowrun table, kept 28 days by default): when, and\nwhether it succeeded; "NEVER RUN" with the steps to register it. It does not change the exit code.\n\nThe layers lines: our flows, forms and env var definitions that carry an unmanaged (Active) layer (an edit in the\nmaker portal), read from the solution layers (msdyn_componentlayers, one GET per component). Our upgrades of such a\ncomponent do not show through until the layer is removed; with --zip, those our next version changes (against the\ninstalled version: the configuration\'s build, or --base) are CONFLICTS, as `cosell diff` says. No exit code change.',
    )
    .action(async (options: StatusOptions) => {
      setExitCode(
        await runAction(io, () =>
          withJsonFailure(options.json, io, 'status', async () => {
            const deployIo: DeployIo = { ...io, env: (io as Partial<DeployIo>).env ?? process.env };
            const config = await loadConfig(path.resolve(io.cwd, options.config), options.config);
            const { pkg, layers } = await packageOf(config, io.cwd, options);
            const record = await readRecord(path.resolve(io.cwd, options.record), options.record);
            const statuses = [];
            for (const name of options.env) {
              const environment = environmentOf(config, name, options.config);
              statuses.push(
                await readStatus(
                  connect(environment, { env: deployIo.env }),
                  environment.name,
                  config.solution.uniqueName,
                  config.publisher.customizationPrefix,
                  record.environments[environment.name]?.sha256 ?? null,
                  pkg,
                  layers,
                ),
              );
            }
            io.out(options.json ? JSON.stringify({ environments: statuses }, null, 2) : formatStatus(statuses));
            return statuses.every((status) => status.healthy) ? 0 : 1;
          }),
        ),
      );
    });
}

/**
 * The managed package the configuration builds, in memory: it names the flows (the registration flow among them),
 * and its flows, forms and env var definitions are the components whose layers status reads.
 */
async function packageOf(
  config: Parameters<typeof buildCoSellModel>[0],
  cwd: string,
  options: StatusOptions,
): Promise<{ pkg: DeployPackage; layers: LayerInput }> {
  const [built] = buildPackages(withFlows(buildCoSellModel(config)), ['managed']);
  const label = `${built!.fileName} (built from the configuration)`;
  const ours = componentsOf(built!.bytes, label);
  const layers: LayerInput = { ours: ours.components, bases: [ours] };
  if (options.base !== undefined) layers.bases.push(componentsOf(await readZipArgument(cwd, options.base), options.base));
  if (options.zip !== undefined) layers.next = componentsOf(await readZipArgument(cwd, options.zip), options.zip);
  return { pkg: readDeployPackage(built!.bytes, built!.fileName), layers };
}

function componentsOf(bytes: Uint8Array, label: string): PackageComponents {
  const pkg = loadPackage(readZip(bytes, label), label);
  return { label, version: pkg.manifest?.version ?? null, components: readComponents(pkg) };
}

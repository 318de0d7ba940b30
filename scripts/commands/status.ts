import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
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
    .option('--json', 'print one JSON document { environments: [...] } for pipelines')
    .addHelpText(
      'after',
      '\nReads only (GET requests). Exit code 0 when every environment shown is healthy (installed, every flow on, every\nconnection reference bound), 1 otherwise.\n\nThe webhook line: Partner Center holds the registration and the application user cannot read it, so status shows\nthe last run of the registration flow from the flow run history (flowrun table, kept 28 days by default): when, and\nwhether it succeeded; "NEVER RUN" with the steps to register it. It does not change the exit code.',
    )
    .action(async (options: StatusOptions) => {
      setExitCode(
        await runAction(io, () =>
          withJsonFailure(options.json, io, 'status', async () => {
            const deployIo: DeployIo = { ...io, env: (io as Partial<DeployIo>).env ?? process.env };
            const config = await loadConfig(path.resolve(io.cwd, options.config), options.config);
            const pkg = packageOf(config);
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

/** The managed package the configuration builds, in memory: it names the flows, the registration flow among them. */
function packageOf(config: Parameters<typeof buildCoSellModel>[0]): DeployPackage {
  const [built] = buildPackages(withFlows(buildCoSellModel(config)), ['managed']);
  return readDeployPackage(built!.bytes, built!.fileName);
}

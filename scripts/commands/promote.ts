import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { loadConfig, CONFIG_FILE_NAME } from '../../solution/config/config.js';
import { connect, environmentOf } from '../../deploy/environment.js';
import { DEFAULT_RECORD_FILE, readRecord } from '../../deploy/record.js';
import { formatStatus, readStatus } from '../../deploy/status.js';
import { runDeploy, withJsonFailure, type DeployIo } from './deploy.js';

interface PromoteOptions {
  from: string;
  to: string;
  settings?: string;
  config: string;
  record: string;
  dryRun?: boolean;
  json?: boolean;
  pollInterval: string;
}

const PROMOTE_HELP = [
  '',
  'Puts into --to the very artefact --from was given: the zip must have the SHA-256 that `cosell deploy --env <from>`',
  'recorded (.cosell/deployments.json), --from must hold that version with every flow on and every connection',
  'reference bound, and --to must not hold a higher version (never downgrade). Then the deploy sequence runs',
  'against --to with its own settings file (default settings/<to>.json), and both environments are compared.',
].join('\n');

export function registerPromote(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('promote')
    .description('Deploy to production the same zip (same SHA-256) that staging holds and runs healthy')
    .argument('<zip>', 'the managed solution zip deployed to --from')
    .option('--from <name>', 'the environment the artefact was tested in', 'staging')
    .option('--to <name>', 'the environment to deploy it to', 'production')
    .option('-s, --settings <file>', 'the deployment settings file of --to (default settings/<to>.json)')
    .option('-c, --config <file>', 'project configuration', CONFIG_FILE_NAME)
    .option('--record <file>', 'the deployment record', DEFAULT_RECORD_FILE)
    .option('--poll-interval <seconds>', 'first wait between polls of the import', '5')
    .option('--dry-run', 'check the artefact and both environments, print the plan; change nothing')
    .option('--json', 'print one JSON document')
    .addHelpText('after', PROMOTE_HELP)
    .action(async (zip: string, options: PromoteOptions) => {
      setExitCode(
        await runAction(io, () =>
          withJsonFailure(options.json, io, 'promote', () =>
            promote(zip, options, { ...io, env: (io as Partial<DeployIo>).env ?? process.env }),
          ),
        ),
      );
    });
}

async function promote(zip: string, options: PromoteOptions, io: DeployIo): Promise<number> {
  if (options.from === options.to)
    throw new UserError(undefined, '--to', `is the same environment as --from (${options.from})`, 'promote from staging to production');
  const record = await readRecord(path.resolve(io.cwd, options.record), options.record);
  const config = await loadConfig(path.resolve(io.cwd, options.config), options.config);
  const source = environmentOf(config, options.from, options.config);
  const checkSource = async (pkg: { sha256: string; version: string; uniqueName: string; label: string }): Promise<void> => {
    const deployed = record.environments[source.name];
    if (!deployed) {
      throw new UserError(
        options.record,
        `/environments/${source.name}`,
        `has no deployment: ${pkg.label} was never deployed to ${source.name}`,
        `run \`cosell deploy ${zip} --env ${source.name}\` first`,
      );
    }
    if (deployed.sha256 !== pkg.sha256) {
      throw new UserError(
        zip,
        undefined,
        `is not the artefact ${source.name} was given: sha256 ${pkg.sha256}, but ${source.name} got ${deployed.zip} with sha256 ${deployed.sha256}`,
        `promote the zip deployed to ${source.name} (${deployed.zip}), or deploy this one to ${source.name} first`,
      );
    }
    const status = await readStatus(connect(source, { env: io.env }), source.name, pkg.uniqueName, prefixOf(config), deployed.sha256);
    if (status.installedVersion !== pkg.version || !status.healthy) {
      throw new UserError(
        undefined,
        undefined,
        `${source.name} is not ready to promote from: it holds ${pkg.uniqueName} ${status.installedVersion ?? '(not installed)'} (expected ${pkg.version})${status.healthy ? '' : ', and not every flow is on / every connection bound'}`,
        `run \`cosell status --env ${source.name}\`, then \`cosell deploy ${zip} --env ${source.name}\` until it is healthy`,
      );
    }
  };
  const outcome = await runDeploy(
    zip,
    {
      env: options.to,
      config: options.config,
      record: options.record,
      pollInterval: options.pollInterval,
      ...(options.settings ? { settings: options.settings } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.json ? { json: true } : {}),
    },
    { ...io, out: options.json ? () => undefined : io.out },
    (pkg) => checkSource(pkg),
  );
  const statuses = await Promise.all(
    [source, outcome.environment].map((environment) =>
      readStatus(
        connect(environment, { env: io.env }),
        environment.name,
        outcome.pkg.uniqueName,
        prefixOf(config),
        record.environments[environment.name]?.sha256 ?? outcome.pkg.sha256,
        outcome.pkg,
      ),
    ),
  );
  if (options.json)
    io.out(
      JSON.stringify(
        {
          command: 'promote',
          from: source.name,
          to: outcome.environment.name,
          sha256: outcome.pkg.sha256,
          result: outcome.result,
          environments: statuses,
        },
        null,
        2,
      ),
    );
  else io.out(formatStatus(statuses));
  return outcome.exitCode;
}

const prefixOf = (config: { publisher: { customizationPrefix: string } }): string => config.publisher.customizationPrefix;

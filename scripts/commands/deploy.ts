import path from 'node:path';
import type { Command } from 'commander';
import { readZipArgument, runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { loadConfig, CONFIG_FILE_NAME } from '../../solution/config/config.js';
import { checkSolutionZip, countBySeverity, isBlocking } from '../../packaging/check/check-solution.js';
import { summaryLine } from '../../packaging/check/report.js';
import { connect, environmentOf, type EnvironmentConfig } from '../../deploy/environment.js';
import { readDeployPackage, type DeployPackage } from '../../deploy/package-info.js';
import { DEFAULT_RECORD_FILE, readRecord, writeRecord } from '../../deploy/record.js';
import { deploy, type DeployResult } from '../../deploy/sequence.js';
import { parseSettings, validateSettings } from '../../deploy/settings.js';
import { webhookSteps } from '../../deploy/webhook.js';
import { readSettingsFile } from './settings.js';

export interface DeployCommandOptions {
  env: string;
  settings?: string;
  config: string;
  record: string;
  dryRun?: boolean;
  json?: boolean;
  pollInterval: string;
}

/** What the process gives a command that speaks to Dataverse (tests pass their own). */
export interface DeployIo extends CliIo {
  env: Readonly<Record<string, string | undefined>>;
}

const asDeployIo = (io: CliIo): DeployIo => ({ ...io, env: (io as Partial<DeployIo>).env ?? process.env });

const DEPLOY_HELP = [
  '',
  'Imports the managed solution zip into the environment through the Dataverse Web API and leaves it working:',
  '  plan (installed version?) → StageSolution (missing dependencies stop here) → ImportSolutionAsync (first',
  '  install) or StageAndUpgradeAsync (higher version) with the settings file as ComponentParameters → poll the',
  '  async operation (429: waits Retry-After) → RetrieveSolutionImportResult + every component of the import job →',
  '  turn the cloud flows on, children first → report flows left off with the reason → the webhook step.',
  'The same version again imports nothing (a managed solution cannot be re-imported at the same version): values',
  'that differ from the settings file are written directly and flows still off are turned on. A lower version is',
  'refused. An interrupted deploy can be run again: it waits for an import still running instead of starting another.',
  '',
  'Before any call: the zip passes `cosell check`, the settings file has a typed, non-empty value for every',
  'environment variable and a connection for every connection reference, and a credential is set:',
  '  COSELL_CLIENT_SECRET or COSELL_CLIENT_CERTIFICATE (PEM with key), or COSELL_<ENV>_CLIENT_SECRET / _CERTIFICATE.',
  'The environment (orgUrl, tenantId, clientId) comes from "environments" in pac.config.json.',
  'Exit code 0 when every flow is on, 1 otherwise.',
].join('\n');

export function registerDeploy(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('deploy')
    .description('Import the built managed solution into an environment, bind its settings and turn its flows on')
    .argument('<zip>', 'the managed solution zip (`cosell build` writes it)')
    .requiredOption('-e, --env <name>', 'the environment of pac.config.json: staging or production')
    .option('-s, --settings <file>', 'the deployment settings file of the environment (default settings/<env>.json)')
    .option('-c, --config <file>', 'project configuration', CONFIG_FILE_NAME)
    .option('--record <file>', 'the deployment record promote reads', DEFAULT_RECORD_FILE)
    .option('--poll-interval <seconds>', 'first wait between polls of the import (grows ×1.5 up to 30 s)', '5')
    .option('--dry-run', 'read the environment and print the plan; change nothing')
    .option('--json', 'print one JSON document instead of progress lines')
    .addHelpText('after', DEPLOY_HELP)
    .action(async (zip: string, options: DeployCommandOptions) => {
      setExitCode(
        await runAction(io, () =>
          withJsonFailure(options.json, io, 'deploy', () => runDeploy(zip, options, asDeployIo(io)).then((outcome) => outcome.exitCode)),
        ),
      );
    });
}

export interface DeployOutcome {
  exitCode: number;
  pkg: DeployPackage;
  environment: EnvironmentConfig;
  result: DeployResult;
}

/**
 * With --json a failure also prints one JSON document `{ command, ok: false, error }` on stdout, so a pipeline
 * that parses stdout always gets JSON; the error line still goes to stderr.
 */
export async function withJsonFailure(json: boolean | undefined, io: CliIo, command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (json && error instanceof Error) io.out(JSON.stringify({ command, ok: false, error: error.message }, null, 2));
    throw error;
  }
}

/** The deploy command's body, shared with promote. */
export async function runDeploy(
  zip: string,
  options: DeployCommandOptions,
  io: DeployIo,
  before?: (pkg: DeployPackage, environment: EnvironmentConfig) => Promise<void>,
): Promise<DeployOutcome> {
  const bytes = await readZipArgument(io.cwd, zip);
  const findings = await checkSolutionZip(bytes, zip);
  if (findings.some(isBlocking)) {
    throw new UserError(
      zip,
      undefined,
      `fails \`cosell check\` (${summaryLine(countBySeverity(findings))}); Dataverse would reject it`,
      `run \`cosell check ${zip}\` and fix the Critical and High findings`,
    );
  }
  const pkg = readDeployPackage(bytes, path.basename(zip));
  if (!pkg.managed)
    throw new UserError(
      zip,
      undefined,
      'is an unmanaged solution; deploy imports managed solutions only',
      'give the *_managed.zip that `cosell build` writes',
    );
  const config = await loadConfig(path.resolve(io.cwd, options.config), options.config);
  const environment = environmentOf(config, options.env, options.config);
  const settingsFile = options.settings ?? `settings/${environment.name}.json`;
  const settings = validateSettings(parseSettings(await readSettingsFile(io.cwd, settingsFile), settingsFile), pkg, settingsFile);
  if (before) await before(pkg, environment);
  const api = connect(environment, { env: io.env });
  const started = Date.now();
  const progress = options.json ? undefined : (line: string) => io.out(`[${environment.name}] ${line}`);
  const interval = Number(options.pollInterval);
  if (!Number.isFinite(interval) || interval <= 0)
    throw new UserError(undefined, '--poll-interval', `"${options.pollInterval}" is not a number of seconds`, 'give e.g. 5');
  const result = await deploy({
    api,
    pkg,
    settings,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pollIntervalMs: interval * 1000,
    ...(progress ? { progress } : {}),
    ...(options.dryRun ? { dryRun: true } : {}),
  });
  if (!options.dryRun) {
    const recordFile = path.resolve(io.cwd, options.record);
    const record = await readRecord(recordFile, options.record);
    record.environments[environment.name] = {
      solution: pkg.uniqueName,
      version: pkg.version,
      sha256: pkg.sha256,
      zip: path.basename(zip),
      orgUrl: environment.orgUrl,
      deployedAt: new Date().toISOString(),
    };
    await writeRecord(recordFile, record);
  }
  const webhook = result.dryRun ? undefined : webhookSteps(pkg, environment.orgUrl);
  const exitCode = result.ok ? 0 : 1;
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          command: 'deploy',
          environment: environment.name,
          orgUrl: environment.orgUrl,
          solution: pkg.uniqueName,
          version: pkg.version,
          sha256: pkg.sha256,
          ...result,
          webhook: webhook ?? null,
          webApiCalls: api.calls.length,
          durationMs: Date.now() - started,
        },
        null,
        2,
      ),
    );
  } else if (result.dryRun) {
    io.out(`plan for ${environment.name} (${environment.orgUrl}): ${result.plan.action}`);
    result.plan.steps.forEach((step, index) => io.out(`  ${index + 1}. ${step}`));
    io.out('dry run: nothing was changed');
  } else {
    const off = result.flows.filter((flow) => !flow.on);
    io.out(
      `${environment.name}: ${pkg.uniqueName} ${pkg.version} (sha256 ${pkg.sha256}) ${result.plan.action}; ${result.flows.length - off.length}/${result.flows.length} flows on; ${api.calls.length} Web API calls`,
    );
    for (const flow of off) io.out(`  left off: ${flow.name}: ${flow.reason ?? ''}`);
    if (webhook) {
      io.out(`next, once: register the webhook of "${webhook.inboundFlow}" with Partner Center:`);
      webhook.steps.forEach((step, index) => io.out(`  ${index + 1}. ${step}`));
    }
  }
  return { exitCode, pkg, environment, result };
}

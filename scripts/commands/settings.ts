import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { readZipArgument, runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { pathObstacle, writeFailure, type WriteTarget } from '../../core/io/path-errors.js';
import { readDeployPackage } from '../../deploy/package-info.js';
import { formatSettings, parseSettings, settingsSkeleton, validateSettings, withConnections } from '../../deploy/settings.js';

interface InitOptions {
  out: string;
  connection: string[];
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

interface CheckOptions {
  zip: string;
  json?: boolean;
}

const INIT_HELP = [
  '',
  'Writes the deployment settings skeleton of a solution zip, in the format of `pac solution create-settings`:',
  'every environment variable with its default as Value (review it for the environment), every connection',
  'reference with its ConnectorId and an empty ConnectionId to fill in (or filled by --connection). Keep one file per environment (e.g.',
  'settings/staging.json, settings/production.json); `cosell deploy` refuses a file with an empty or mistyped value.',
  'An existing file is kept unless --force. The file holds no secret: connection ids are not credentials.',
].join('\n');

/** `cosell settings init|check`: the per-environment deployment settings file. */
export function registerSettings(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const settings = program
    .command('settings')
    .description('Deployment settings files (pac format): write a skeleton from a zip, check one');
  settings
    .command('init')
    .description('Write the deployment settings skeleton of a solution zip (like `pac solution create-settings`)')
    .argument('<zip>', 'the solution zip (`cosell build` writes it)')
    .requiredOption('-o, --out <file>', 'the settings file to write, e.g. settings/staging.json')
    .option(
      '--connection <key=id>',
      'fill in a ConnectionId: key is a connection reference LogicalName or its connector (shared_…); repeat per connection',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--force', 'replace the file when it exists')
    .option('--dry-run', 'print the file instead of writing it')
    .option('--json', 'print one JSON document { file, written, settings }')
    .addHelpText('after', INIT_HELP)
    .action(async (zip: string, options: InitOptions) => {
      setExitCode(await runAction(io, () => init(zip, options, io)));
    });
  settings
    .command('check')
    .description('Check a settings file against a solution zip, offline: every value present, typed and non-empty')
    .argument('<file>', 'the settings file')
    .requiredOption('-z, --zip <zip>', 'the solution zip the file is for')
    .option('--json', 'print one JSON document { file, ok, environmentVariables, connectionReferences }')
    .action(async (file: string, options: CheckOptions) => {
      setExitCode(await runAction(io, () => check(file, options, io)));
    });
}

async function init(zip: string, options: InitOptions, io: CliIo): Promise<number> {
  const pkg = readDeployPackage(await readZipArgument(io.cwd, zip), zip);
  const skeleton = withConnections(settingsSkeleton(pkg), options.connection, '--connection');
  const text = formatSettings(skeleton);
  const target: WriteTarget = { target: path.resolve(io.cwd, options.out), shown: options.out, option: '--out', kind: 'file' };
  if (!options.dryRun) {
    const obstacle = await pathObstacle(target);
    if (obstacle) throw obstacle;
    const exists = await stat(target.target).then(
      () => true,
      () => false,
    );
    if (exists && !options.force) {
      throw new UserError(
        options.out,
        undefined,
        'already exists; its connection ids and values would be lost',
        'give another --out, or --force to replace it',
      );
    }
    try {
      await writeFileAtomic(target.target, text);
    } catch (error) {
      throw await writeFailure(error, target);
    }
  }
  if (options.json) io.out(JSON.stringify({ file: options.out, written: !options.dryRun, settings: skeleton }, null, 2));
  else if (options.dryRun) io.out(text);
  else {
    const missing = skeleton.ConnectionReferences.filter((reference) => reference.ConnectionId === '')
      .map((reference) => reference.LogicalName)
      .join(', ');
    io.out(
      `wrote ${options.out}: ${skeleton.EnvironmentVariables.length} environment variables (defaults as values), ${skeleton.ConnectionReferences.length} connection references`,
    );
    if (missing) io.out(`next: fill in ConnectionId for ${missing} with the ids of connections in the target environment`);
  }
  return 0;
}

async function check(file: string, options: CheckOptions, io: CliIo): Promise<number> {
  const pkg = readDeployPackage(await readZipArgument(io.cwd, options.zip), options.zip);
  const settings = validateSettings(parseSettings(await readSettingsFile(io.cwd, file), file), pkg, file);
  if (options.json) {
    io.out(
      JSON.stringify(
        {
          file,
          ok: true,
          environmentVariables: settings.EnvironmentVariables.length,
          connectionReferences: settings.ConnectionReferences.length,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(
      `${file}: ok for ${options.zip} (${settings.EnvironmentVariables.length} environment variables, ${settings.ConnectionReferences.length} connection references)`,
    );
  }
  return 0;
}

/** The text of a settings file; a missing or unreadable file is a UserError naming it. */
export async function readSettingsFile(cwd: string, shown: string): Promise<string> {
  try {
    return await readFile(path.resolve(cwd, shown), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      shown,
      undefined,
      code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`,
      'write it with `cosell settings init <zip> --out <file>` and fill in the values for the environment',
    );
  }
}

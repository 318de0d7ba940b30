import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { CONFIG_FILE_NAME, loadConfig } from '../../solution/config/config.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import { packageFileName } from '../../packaging/generate/package.js';
import { AuthEnv } from '../../deploy/auth.js';
import { startLocalEnvironments, type LocalEnvironments } from '../../sim/dataverse/local-environments.js';

interface EmulateOptions {
  config: string;
  portBase: string;
  stateDir: string;
  log: boolean;
}

/** `until` resolves when the emulators should stop (default: Ctrl-C or SIGTERM). */
export interface EmulateIo extends CliIo {
  until?: Promise<void>;
}

export const DEFAULT_PORT_BASE = 7443;
const CA_FILE = 'ca.pem';

const EMULATE_HELP = [
  '',
  'Starts, on 127.0.0.1 and offline, what `cosell deploy`, `promote` and `status` talk to: a sign-in endpoint',
  '(Microsoft Entra client credentials) and two empty Dataverse environments, "staging" and "production", over',
  'HTTPS with a certificate authority made for this run. Each environment already has one connection per',
  'connector of the solution, as an admin makes them in step 1 of the one-time set-up (README, "Deploy and',
  'promote"). It prints the `environments` block for pac.config.json, the connection ids and the variables to',
  'export in the terminal that runs cosell, then serves until Ctrl-C. Environments live in memory: each run',
  'starts empty. The client secret is new each run and printed only; the state directory receives only the',
  "CA's certificate (public), never a key or a secret. The token endpoint listens on --port-base, staging on",
  '+1, production on +2 (0: free ports, printed).',
].join('\n');

export function registerEmulate(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('emulate')
    .description('Serve empty staging and production environments and a sign-in endpoint on 127.0.0.1, to try deploy offline')
    .option('-c, --config <file>', 'project configuration: the tables the environments know and the connectors', CONFIG_FILE_NAME)
    .option(
      '--port-base <n>',
      'port of the sign-in endpoint; staging and production take the next two (0: free ports)',
      String(DEFAULT_PORT_BASE),
    )
    .option('--state-dir <dir>', "where the local CA's certificate is written (for NODE_EXTRA_CA_CERTS)", path.join('.cosell', 'emulate'))
    .option('--no-log', 'do not print each request the environments answer')
    .addHelpText('after', EMULATE_HELP)
    .action(async (options: EmulateOptions) => {
      setExitCode(await runAction(io, () => emulate(options, io)));
    });
}

async function emulate(options: EmulateOptions, io: EmulateIo): Promise<number> {
  const portBase = Number(options.portBase);
  if (!Number.isInteger(portBase) || portBase < 0 || portBase > 65_533)
    throw new UserError(
      undefined,
      '--port-base',
      `"${options.portBase}" is not a port number`,
      `give e.g. ${DEFAULT_PORT_BASE}, or 0 for free ports`,
    );
  const config = await loadConfig(path.resolve(io.cwd, options.config), options.config);
  const model = buildCoSellModel(config);
  const caFile = path.resolve(io.cwd, options.stateDir, CA_FILE);
  let local: LocalEnvironments;
  try {
    local = await startLocalEnvironments({ model, portBase });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UserError(
        undefined,
        '--port-base',
        `a port from ${portBase} to ${portBase + 2} on 127.0.0.1 is in use (another cosell emulate?)`,
        'stop the other program, or give another --port-base (then paste the new environments block)',
      );
    throw error;
  }
  try {
    await mkdir(path.dirname(caFile), { recursive: true });
    await writeFileAtomic(caFile, local.caCertificate);
    io.out(instructions(local, caFile, `out/${packageFileName(model, 'managed')}`));
    const stopLog = options.log ? logRequests(local, io) : () => undefined;
    await (io.until ?? untilSignal());
    stopLog();
    io.out('cosell emulate: stopped; the environments are gone (they start empty next time)');
  } finally {
    await local.stop();
  }
  return 0;
}

/** What the newcomer needs, in the order they use it. */
function instructions(local: LocalEnvironments, caFile: string, zip: string): string {
  const environments = Object.fromEntries(
    local.environments.map((environment) => [
      environment.name,
      { orgUrl: environment.orgUrl, tenantId: local.tenantId, clientId: local.clientId },
    ]),
  );
  const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;
  return [
    `cosell emulate: sign-in endpoint ${local.authorityHost}; ${local.environments.map((environment) => `${environment.name} ${environment.orgUrl}`).join(', ')} (offline, empty)`,
    '',
    '1. pac.config.json: add (or replace) this top-level "environments" block',
    '',
    JSON.stringify({ environments }, null, 2),
    '',
    '2. Connections (one per connector, as the one-time set-up step 1 makes them); settings init takes them as:',
    '',
    ...local.environments.map(
      (environment) =>
        `npx cosell settings init ${zip} --out settings/${environment.name}.json ${environment.connections
          .map((connection) => `--connection ${connection.connector}=${connection.connectionId}`)
          .join(' ')}`,
    ),
    '',
    '3. In the terminal that runs cosell (the secret is new each run and shown only here):',
    '',
    `export ${AuthEnv.secret}=${quote(local.clientSecret)}`,
    `export ${AuthEnv.authorityHost}=${local.authorityHost}`,
    `export NODE_EXTRA_CA_CERTS=${quote(caFile)}`,
    '',
    'Serving until Ctrl-C. Each request the environments answer is printed below.',
  ].join('\n');
}

/** Prints each Web API request of each environment and each sign-in as they arrive (polled every 200 ms). */
function logRequests(local: LocalEnvironments, io: CliIo): () => void {
  const seen = new Map<string, number>();
  const flush = (): void => {
    const tokens = local.token.requests;
    for (const request of tokens.slice(seen.get('token') ?? 0))
      io.out(`[sign-in] ${request.grantType} for ${request.scope} as ${request.clientId}: ${request.status}`);
    seen.set('token', tokens.length);
    for (const environment of local.environments) {
      const calls = environment.dv.calls;
      for (const call of calls.slice(seen.get(environment.name) ?? 0))
        io.out(`[${environment.name}] ${call.method} ${call.path.replace(/^\/api\/data\/v9\.2\//, '')} ${call.status}`);
      seen.set(environment.name, calls.length);
    }
  };
  const timer = setInterval(flush, 200);
  return () => {
    clearInterval(timer);
    flush();
  };
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

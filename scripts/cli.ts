import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { projectFile } from '../core/paths.js';
import { processIo, type CliIo } from './cli-support.js';
import { registerBuild } from './commands/build.js';
import { registerCheck } from './commands/check.js';
import { registerPack } from './commands/pack.js';
import { registerUnpack } from './commands/unpack.js';
import { registerSimulate } from './commands/simulate.js';
import { registerSettings } from './commands/settings.js';
import { registerDeploy } from './commands/deploy.js';
import { registerPromote } from './commands/promote.js';
import { registerStatus } from './commands/status.js';
import { registerEmulate } from './commands/emulate.js';
import { registerDiff } from './commands/diff.js';

/** The version in the project's package.json. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(projectFile('package.json'), 'utf8')) as { version: string }).version;
}

/** Builds the `cosell` program; each verb lives in its own module under commands/. */
function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('cosell')
    .description(
      'Co-sell sync: build, check, unpack/pack, rehearse offline and deploy the Partner Center ↔ Dynamics 365 solution.\n' +
        'deploy, promote and status speak the Dataverse Web API (see README.md, "Deploy and promote").',
    )
    .version(packageVersion(), '-V, --version', 'print the version of cosell')
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    // Set before the verbs are added so they inherit it: commander then throws instead of exiting.
    .exitOverride();
  registerBuild(program, io, setExitCode);
  registerCheck(program, io, setExitCode);
  registerUnpack(program, io, setExitCode);
  registerPack(program, io, setExitCode);
  registerSimulate(program, io, setExitCode);
  registerSettings(program, io, setExitCode);
  registerDeploy(program, io, setExitCode);
  registerPromote(program, io, setExitCode);
  registerStatus(program, io, setExitCode);
  registerEmulate(program, io, setExitCode);
  registerDiff(program, io, setExitCode);
  return program;
}

/** Runs the CLI with the given arguments (without `node cli.js`) and resolves to the exit code. */
export async function runCli(args: string[], io: CliIo = processIo()): Promise<number> {
  let code = 0;
  const program = createProgram(io, (value) => {
    code = value;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    const exitCode = (error as { exitCode?: number }).exitCode;
    return typeof exitCode === 'number' ? exitCode : 1;
  }
  return code;
}

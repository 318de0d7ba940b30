import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';

// Placeholder registration so the CLI compiles while this verb is being written.
export function registerBuild(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program.command('build').description('(in progress)').action(() => { io.err('build: not yet available'); setExitCode(2); });
}

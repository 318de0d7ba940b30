import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';

// Placeholder registration so the CLI compiles while this verb is being written.
export function registerCheck(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program.command('check').description('(in progress)').action(() => { io.err('check: not yet available'); setExitCode(2); });
}

import type { Command } from 'commander';
import type { CliIo } from '../cli-support.js';

// Placeholder registration so the CLI compiles while this verb is being written.
export function registerUnpack(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program.command('unpack').description('(in progress)').action(() => { io.err('unpack: not yet available'); setExitCode(2); });
}

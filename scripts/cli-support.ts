import { UserError, UserErrors } from '../core/errors.js';

/** What a command writes to; tests pass their own to assert the exact output. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
}

export const processIo = (): CliIo => ({
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  cwd: process.cwd(),
});

/**
 * Runs a command body and turns its outcome into an exit code: user errors are printed as plain
 * messages (no stack trace), anything else is a bug and keeps its stack.
 */
export async function runAction(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UserError || error instanceof UserErrors) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    io.err(`internal error: ${(error as Error).stack ?? String(error)}`);
    return 70;
  }
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
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

/**
 * The bytes of a solution zip the user named (`shown`, relative to `cwd`); a missing, unreadable or
 * folder path is a UserError naming it as the user wrote it.
 */
export async function readZipArgument(cwd: string, shown: string): Promise<Uint8Array> {
  try {
    return await readFile(path.resolve(cwd, shown));
  } catch (error) {
    throw new UserError(shown, undefined, zipReadProblem(error), ZIP_PATH_FIX);
  }
}

export const ZIP_PATH_FIX = 'check the path; it must name an existing .zip file';

/** Why a zip could not be read, in words: `does not exist`, `is a folder, not a .zip file`, `cannot be read (EACCES)`. */
export function zipReadProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a folder, not a .zip file';
  return `cannot be read (${code})`;
}

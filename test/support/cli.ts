import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIo } from '../../scripts/cli-support.js';

/** A CliIo that records what a command prints, for asserting exact output. */
export function captureIo(cwd: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    cwd,
    stdout,
    stderr,
    out: (text) => {
      stdout.push(text);
    },
    err: (text) => {
      stderr.push(text);
    },
  };
}

/** The temporary folders this test file made; test/support/temp-dirs.ts removes them after its tests. */
export const TEMP_DIRS: string[] = [];

export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `cosell-${label}-`));
  TEMP_DIRS.push(dir);
  return dir;
}

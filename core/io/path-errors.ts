import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';

/** What a command was going to write at a path the user gave. */
export interface WriteTarget {
  /** Absolute path. */
  target: string;
  /** The same path as the user gave it (or as messages should name it). */
  shown: string;
  /** The option the user set it with, e.g. `--out`. */
  option: string;
  /** Whether the path must end up a file (a zip) or a folder. */
  kind: 'file' | 'folder';
}

const isFolder = (file: string): Promise<boolean | undefined> =>
  stat(file).then(
    (info) => info.isDirectory(),
    () => undefined,
  );

/** The nearest existing path at or above `target`, and whether it is a folder. */
async function nearestExisting(target: string): Promise<{ at: string; folder: boolean } | undefined> {
  for (let at = target; ; at = path.dirname(at)) {
    const folder = await isFolder(at);
    if (folder !== undefined) return { at, folder };
    if (path.dirname(at) === at) return undefined;
  }
}

/** `ancestor` (an ancestor of `target`, or `target` itself) named the way the user named `target`. */
function shownAncestor(write: WriteTarget, ancestor: string): string {
  let shown = path.normalize(write.shown);
  for (let at = write.target; at !== ancestor && path.dirname(at) !== at; at = path.dirname(at)) shown = path.dirname(shown);
  return shown;
}

/**
 * A problem with where a command is about to write, found before anything is written: a file where a
 * folder must be (the target or one of its parents), or a folder where a file must be.
 */
export async function pathObstacle(write: WriteTarget): Promise<UserError | undefined> {
  const existing = await nearestExisting(write.target);
  if (!existing) return undefined;
  if (existing.at === write.target) {
    if (write.kind === 'file' && existing.folder) {
      return new UserError(write.shown, undefined, 'is a folder', `give ${write.option} the path of the file to write, not a folder`);
    }
    if (write.kind === 'folder' && !existing.folder) {
      return new UserError(
        write.shown,
        undefined,
        'is a file, not a folder',
        `give ${write.option} a folder path (it is created when missing)`,
      );
    }
    return undefined;
  }
  if (existing.folder) return undefined;
  const file = shownAncestor(write, existing.at);
  return new UserError(
    write.shown,
    undefined,
    `cannot be created: ${file} is a file, not a folder`,
    `give ${write.option} a path whose folders are folders, or move ${file} away`,
  );
}

const CODES: Readonly<Record<string, [problem: string, fix: string]>> = {
  EACCES: ['permission denied', 'choose a location you can write to, or change its permissions'],
  EPERM: ['operation not permitted', 'choose a location you can write to, or change its permissions'],
  EROFS: ['the file system is read-only', 'choose a location on a writable disk'],
  ENOSPC: ['the disk is full', 'free some space and run the command again'],
  EDQUOT: ['the disk quota is used up', 'free some space and run the command again'],
  ENAMETOOLONG: ['the path is too long', 'choose a shorter path'],
};

/**
 * Turns a failed write into a UserError naming the path as the user gave it and what to do; an error
 * that is not a file-system error (a bug) is returned unchanged.
 */
export async function writeFailure(error: unknown, write: WriteTarget): Promise<unknown> {
  if (error instanceof UserError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  const obstacle = await pathObstacle(write);
  if (obstacle) return obstacle;
  const known = CODES[code];
  return new UserError(
    write.shown,
    undefined,
    `cannot be written: ${known ? `${known[0]} (${code})` : `${code}: ${(error as Error).message}`}`,
    known?.[1] ?? `check the path given to ${write.option} and that the location is writable`,
  );
}

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { readZipArgument, runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { pathObstacle, writeFailure, type WriteTarget } from '../../core/io/path-errors.js';
import { readZip } from '../../core/io/zip.js';
import { SUPPORTED_COMPONENTS, unpackSolution, type UnpackedFile } from '../../packaging/unpack/index.js';

const LAYOUT_HELP = [
  '',
  'Writes the SolutionPackager / `pac solution unpack` folder layout:',
  '  Other/Solution.xml, Other/Customizations.xml (split components leave empty elements)',
  ...SUPPORTED_COMPONENTS.map((component) => `  ${component.element ?? `${component.zipFolder}/`}: ${component.layout}`),
  '[Content_Types].xml is not written: `cosell pack` regenerates it.',
  'Any other component type (web resources, canvas apps, plug-ins, security roles…) is refused, never dropped.',
  '',
  'The folder is written whole or not at all. Entries whose name starts with "." (.git, .gitignore, .vscode…)',
  'are never touched: unpack into a git working tree and they stay. A folder holding any other file or folder',
  'is refused unless --allow-overwrite is given, which deletes those (and only those) before writing.',
].join('\n');

interface UnpackOptions {
  zipfile: string;
  folder: string;
  allowOverwrite: boolean;
}

export function registerUnpack(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('unpack')
    .description('Extract a solution .zip into the SolutionPackager source folder layout (like `pac solution unpack`)')
    .requiredOption('-z, --zipfile <zip>', 'the solution .zip to read')
    .requiredOption('-f, --folder <dir>', 'the folder to write the unpacked files to (created when missing)')
    .option('--allow-overwrite', 'replace what a non-empty --folder holds, except entries starting with "." (.git stays)')
    .addHelpText('after', LAYOUT_HELP)
    .action(async (options: UnpackOptions) => {
      setExitCode(await runAction(io, () => unpack(options, io)));
    });
}

async function unpack(options: UnpackOptions, io: CliIo): Promise<number> {
  const zipFile = path.resolve(io.cwd, options.zipfile);
  const target: WriteTarget = { target: path.resolve(io.cwd, options.folder), shown: options.folder, option: '--folder', kind: 'folder' };
  const files = unpackSolution(readZip(await readZipArgument(io.cwd, options.zipfile), options.zipfile), options.zipfile);
  await checkTarget(target, zipFile, io.cwd, options.allowOverwrite);
  try {
    await replaceFolder(target.target, files);
  } catch (error) {
    throw await writeFailure(error, target);
  }
  io.out(`unpacked ${options.zipfile} into ${options.folder} (${files.length} files)`);
  return 0;
}

/** Entries that belong to the user, not to the unpacked layout (which has no name starting with "."). */
const isKept = (name: string): boolean => name.startsWith('.');

/** The folder's entries that unpack would replace; undefined when the folder does not exist. */
async function replaceableEntries(folder: string): Promise<string[] | undefined> {
  try {
    return (await readdir(folder)).filter((name) => !isKept(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function checkTarget(target: WriteTarget, zipFile: string, cwd: string, allowOverwrite: boolean): Promise<void> {
  const folder = target.target;
  const inside = (child: string): boolean => child === folder || child.startsWith(`${folder}${path.sep}`);
  if (inside(zipFile) || inside(path.resolve(cwd))) {
    throw new UserError(
      target.shown,
      undefined,
      'contains the zip being unpacked or the current folder, which unpacking would replace',
      'choose a separate folder for --folder, e.g. src/ next to the zip',
    );
  }
  const obstacle = await pathObstacle(target);
  if (obstacle) throw obstacle;
  const replaced = (await replaceableEntries(folder)) ?? [];
  if (replaced.length > 0 && !allowOverwrite) {
    const listed = replaced.length > 3 ? `${replaced.slice(0, 3).join(', ')}…` : replaced.join(', ');
    throw new UserError(
      target.shown,
      undefined,
      `is not empty (it holds ${listed})`,
      'pass --allow-overwrite to replace them (entries starting with "." such as .git are kept), or choose a new or empty folder',
    );
  }
}

/**
 * Writes the files into a temporary sibling folder, then swaps it in with renames, so the target holds
 * either its old content or the complete new one. The user's dot entries are moved into the new folder
 * before the swap; the old folder, removed after the swap, then holds only what unpack replaces.
 */
async function replaceFolder(folder: string, files: readonly UnpackedFile[]): Promise<void> {
  const parent = path.dirname(folder);
  const tag = `${path.basename(folder)}.${randomBytes(6).toString('hex')}`;
  const staging = path.join(parent, `.${tag}.unpack-tmp`);
  const createdParent = await mkdir(parent, { recursive: true });
  /** Dot entries of the user now inside `staging`: while any are, staging must not be deleted. */
  const moved: string[] = [];
  try {
    await mkdir(staging);
    for (const file of files) {
      const target = path.resolve(staging, ...file.path.split('/'));
      if (!target.startsWith(`${staging}${path.sep}`)) throw new Error(`unpacked path escapes the folder: ${file.path}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.data);
    }
    if ((await replaceableEntries(folder)) === undefined) {
      await rename(staging, folder);
      return;
    }
    for (const name of (await readdir(folder)).filter(isKept)) {
      await rename(path.join(folder, name), path.join(staging, name));
      moved.push(name);
    }
    const previous = path.join(parent, `.${tag}.unpack-old`);
    await rename(folder, previous);
    try {
      await rename(staging, folder);
    } catch (error) {
      await rename(previous, folder);
      throw error;
    }
    moved.length = 0;
    await rm(previous, { recursive: true, force: true });
  } catch (error) {
    await restore(moved, staging, folder);
    await rm(staging, { recursive: true, force: true });
    if (createdParent) await rm(createdParent, { recursive: true, force: true });
    throw error;
  }
}

/** Moves the user's dot entries back from `staging` after a failed swap; when that fails too, says where they are. */
async function restore(moved: string[], staging: string, folder: string): Promise<void> {
  try {
    while (moved.length > 0) {
      const name = moved[moved.length - 1]!;
      await rename(path.join(staging, name), path.join(folder, name));
      moved.pop();
    }
  } catch (error) {
    throw new UserError(
      folder,
      undefined,
      `could not be replaced, and moving ${moved.join(', ')} back failed (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      `move ${moved.join(', ')} from ${staging} back into ${folder} by hand`,
    );
  }
}

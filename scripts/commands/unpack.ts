import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { readZip } from '../../core/io/zip.js';
import { SUPPORTED_COMPONENTS, unpackSolution, type UnpackedFile } from '../../packaging/unpack/index.js';

const LAYOUT_HELP = [
  '',
  'Writes the SolutionPackager / `pac solution unpack` folder layout:',
  '  Other/Solution.xml, Other/Customizations.xml (split components leave empty elements)',
  ...SUPPORTED_COMPONENTS.map((component) => `  ${component.element ?? `${component.zipFolder}/`}: ${component.layout}`),
  '[Content_Types].xml is not written: `cosell pack` regenerates it.',
  'Any other component type (web resources, canvas apps, plug-ins, security roles…) is refused, never dropped.',
  'The folder is written whole or not at all; a non-empty folder is replaced only with --allow-overwrite.',
].join('\n');

export function registerUnpack(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('unpack')
    .description('Extract a solution .zip into the SolutionPackager source folder layout (like `pac solution unpack`)')
    .requiredOption('-z, --zipfile <zip>', 'the solution .zip to read')
    .requiredOption('-f, --folder <dir>', 'the folder to write the unpacked files to')
    .option('--allow-overwrite', 'replace the whole content of a non-empty --folder', false)
    .addHelpText('after', LAYOUT_HELP)
    .action(async (options: { zipfile: string; folder: string; allowOverwrite: boolean }) => {
      setExitCode(
        await runAction(io, async () => {
          const zipFile = path.resolve(io.cwd, options.zipfile);
          const folder = path.resolve(io.cwd, options.folder);
          const files = unpackSolution(readZip(await readZipBytes(zipFile, options.zipfile), options.zipfile), options.zipfile);
          await checkTarget(folder, options.folder, zipFile, io.cwd, options.allowOverwrite);
          await replaceFolder(folder, files).catch((error: NodeJS.ErrnoException) => {
            if (error instanceof UserError || !error.code) throw error;
            throw new UserError(
              options.folder,
              undefined,
              `cannot be written (${error.code}: ${error.message})`,
              'check that the location is writable and has free space; the folder was left as it was',
            );
          });
          io.out(`unpacked ${options.zipfile} into ${options.folder} (${files.length} files)`);
          return 0;
        }),
      );
    });
}

/** The zip's bytes; messages name it as the user wrote it (readZipFile would print the absolute path). */
async function readZipBytes(file: string, label: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new UserError(
      label,
      undefined,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      'check the path; it must name an existing .zip file',
    );
  }
}

type FolderState = 'missing' | 'empty' | 'full';

async function folderState(folder: string, label: string): Promise<FolderState> {
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code === 'ENOTDIR') {
      throw new UserError(label, undefined, 'exists and is a file, not a folder', 'choose a folder path for --folder');
    }
    throw error;
  }
  return entries.length === 0 ? 'empty' : 'full';
}

async function checkTarget(folder: string, label: string, zipFile: string, cwd: string, allowOverwrite: boolean): Promise<void> {
  const inside = (child: string): boolean => child === folder || child.startsWith(`${folder}${path.sep}`);
  if (inside(zipFile) || inside(path.resolve(cwd))) {
    throw new UserError(
      label,
      undefined,
      'contains the zip being unpacked or the current folder, which unpacking would replace',
      'choose a separate folder for --folder, e.g. src/ next to the zip',
    );
  }
  if ((await folderState(folder, label)) === 'full' && !allowOverwrite) {
    throw new UserError(
      label,
      undefined,
      'is not empty',
      'pass --allow-overwrite to replace its whole content, or choose a new or empty folder',
    );
  }
}

/**
 * Writes the files into a temporary sibling folder, then swaps it in with renames, so the target holds
 * either its old content or the complete new one. A previous content is removed only after the swap.
 */
async function replaceFolder(folder: string, files: readonly UnpackedFile[]): Promise<void> {
  const parent = path.dirname(folder);
  const tag = `${path.basename(folder)}.${randomBytes(6).toString('hex')}`;
  const staging = path.join(parent, `.${tag}.unpack-tmp`);
  const createdParent = await mkdir(parent, { recursive: true });
  try {
    await mkdir(staging);
    for (const file of files) {
      const target = path.resolve(staging, ...file.path.split('/'));
      if (!target.startsWith(`${staging}${path.sep}`)) throw new Error(`unpacked path escapes the folder: ${file.path}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.data);
    }
    if ((await folderState(folder, folder)) === 'missing') {
      await rename(staging, folder);
    } else {
      const previous = path.join(parent, `.${tag}.unpack-old`);
      await rename(folder, previous);
      try {
        await rename(staging, folder);
      } catch (error) {
        await rename(previous, folder);
        throw error;
      }
      await rm(previous, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (createdParent) await rm(createdParent, { recursive: true, force: true });
    throw error;
  }
}

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { writeZip } from '../../core/io/zip.js';
import { packSolution } from '../../packaging/unpack/index.js';

const PACK_HELP = [
  '',
  'Reads a folder in the SolutionPackager / `pac solution unpack` layout (as written by `cosell unpack`),',
  'puts the split components back into customizations.xml, regenerates [Content_Types].xml and writes a',
  'deterministic zip (same folder → same bytes). Files outside the supported layout are refused;',
  'files and folders whose name starts with "." are ignored.',
].join('\n');

export function registerPack(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('pack')
    .description('Build a solution .zip from an unpacked SolutionPackager source folder (like `pac solution pack`)')
    .requiredOption('-f, --folder <dir>', 'the unpacked solution folder (holds Other/Solution.xml)')
    .requiredOption('-z, --zipfile <zip>', 'the .zip to write (replaced if it exists)')
    .addHelpText('after', PACK_HELP)
    .action(async (options: { folder: string; zipfile: string }) => {
      setExitCode(
        await runAction(io, async () => {
          const folder = path.resolve(io.cwd, options.folder);
          const entries = packSolution(await readFolder(folder, options.folder), options.folder);
          await writeFileAtomic(path.resolve(io.cwd, options.zipfile), writeZip(entries));
          io.out(`packed ${options.folder} into ${options.zipfile} (${entries.length} entries)`);
          return 0;
        }),
      );
    });
}

/** Every file below `folder`, keyed by its `/`-separated relative path; dot-files and dot-folders are skipped. */
async function readFolder(folder: string, label: string): Promise<Map<string, Uint8Array>> {
  const isFolder = await stat(folder).then(
    (info) => info.isDirectory(),
    () => false,
  );
  if (!isFolder) {
    throw new UserError(
      label,
      undefined,
      'does not exist or is not a folder',
      'point --folder at the folder written by `cosell unpack` (the one holding Other/Solution.xml)',
    );
  }
  const files = new Map<string, Uint8Array>();
  const walk = async (relative: string[]): Promise<void> => {
    const entries = await readdir(path.join(folder, ...relative), { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const parts = [...relative, entry.name];
      const full = path.join(folder, ...parts);
      const kind = entry.isSymbolicLink() ? await stat(full) : entry;
      if (kind.isDirectory()) await walk(parts);
      else if (kind.isFile()) files.set(parts.join('/'), await readFile(full));
    }
  };
  await walk([]);
  return files;
}

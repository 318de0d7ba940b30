import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { UserError } from '../../core/errors.js';
import { writeFileAtomic } from '../../core/io/atomic.js';
import { pathObstacle, writeFailure, type WriteTarget } from '../../core/io/path-errors.js';
import { writeZip } from '../../core/io/zip.js';
import { checkSolutionZip, countBySeverity, isBlocking } from '../../packaging/check/check-solution.js';
import { formatText, summaryLine, toResult } from '../../packaging/check/report.js';
import { packSolution } from '../../packaging/unpack/index.js';

const PACK_HELP = [
  '',
  'Reads a folder in the SolutionPackager / `pac solution unpack` layout (as written by `cosell unpack`),',
  'puts the split components back into customizations.xml, regenerates [Content_Types].xml and writes a',
  'deterministic zip (same folder → same bytes). Files outside the supported layout are refused;',
  'files and folders whose name starts with "." are ignored.',
  '',
  'Before writing, the zip goes through `cosell check` and its findings are printed: a Critical or High',
  'finding (what Dataverse would reject, e.g. a flow without its .data.xml or a control without bundle.js)',
  'stops the command with exit code 1 and nothing is written. --no-check writes the zip without checking.',
].join('\n');

interface PackOptions {
  folder: string;
  zipfile: string;
  check: boolean;
}

export function registerPack(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('pack')
    .description('Build a solution .zip from an unpacked SolutionPackager source folder (like `pac solution pack`)')
    .requiredOption('-f, --folder <dir>', 'the unpacked solution folder (holds Other/Solution.xml)')
    .requiredOption('-z, --zipfile <zip>', 'the .zip to write (replaced if it exists)')
    .option('--no-check', 'write the zip without running `check` on it first')
    .addHelpText('after', PACK_HELP)
    .action(async (options: PackOptions) => {
      setExitCode(await runAction(io, () => pack(options, io)));
    });
}

async function pack(options: PackOptions, io: CliIo): Promise<number> {
  const zip: WriteTarget = { target: path.resolve(io.cwd, options.zipfile), shown: options.zipfile, option: '--zipfile', kind: 'file' };
  const obstacle = await pathObstacle(zip);
  if (obstacle) throw obstacle;
  const entries = packSolution(await readFolder(path.resolve(io.cwd, options.folder), options.folder), options.folder);
  const bytes = writeZip(entries);
  if (options.check) {
    const findings = await checkSolutionZip(bytes, options.zipfile);
    if (findings.length > 0) io.out(formatText([toResult(options.zipfile, findings)]));
    if (findings.some(isBlocking)) {
      throw new UserError(
        options.zipfile,
        undefined,
        `was not written: Dataverse would reject it (${summaryLine(countBySeverity(findings))})`,
        `correct the files of ${options.folder} named in the Critical and High findings above; --no-check writes the zip anyway`,
      );
    }
  }
  try {
    await writeFileAtomic(zip.target, bytes);
  } catch (error) {
    throw await writeFailure(error, zip);
  }
  io.out(`packed ${options.folder} into ${options.zipfile} (${entries.length} entries)`);
  return 0;
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

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runAction, ZIP_PATH_FIX, zipReadProblem, type CliIo } from '../cli-support.js';
import { checkSolutionZip } from '../../packaging/check/check-solution.js';
import { exitCodeOf, formatJson, formatText, toResult, type CheckResult } from '../../packaging/check/report.js';
import { finding } from '../../packaging/check/rules/common.js';

interface CheckCommandOptions {
  json?: boolean;
}

/**
 * `cosell check <zip...> [--json]`: offline validation of Dataverse solution zips (ours or real exports).
 * Exit code 1 when any zip has a Critical or High finding.
 */
export function registerCheck(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('check')
    .description('Check solution zips offline for what a Dataverse import would reject (severities as `pac solution check`)')
    .argument('<zip...>', 'solution zip files: built by `cosell build` or exported from Dataverse')
    .option('--json', 'print one JSON document { results: [{ file, findings, counts }] }')
    .addHelpText(
      'after',
      '\nExit code 1 when any zip has a Critical or High finding (what Dataverse would reject), 0 otherwise.\n' +
        'A file that cannot be read is reported as a Critical zip-unreadable finding; the other zips are still checked.',
    )
    .action(async (zips: string[], options: CheckCommandOptions) => {
      setExitCode(
        await runAction(io, async () => {
          const results: CheckResult[] = [];
          for (const zip of zips) results.push(toResult(zip, await checkFile(path.resolve(io.cwd, zip), zip)));
          io.out(options.json ? formatJson(results) : formatText(results));
          return exitCodeOf(results);
        }),
      );
    });
}

/** A file that cannot be read is reported like a damaged zip, so every other zip is still checked. */
async function checkFile(file: string, label: string) {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return [finding('Critical', 'zip-unreadable', `${label} ${zipReadProblem(error)}`, { fix: ZIP_PATH_FIX })];
  }
  return checkSolutionZip(bytes, label);
}

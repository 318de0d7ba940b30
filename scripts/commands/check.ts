import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { runAction, ZIP_PATH_FIX, zipReadProblem, type CliIo } from '../cli-support.js';
import { checkSolutionZip, sortFindings, type Finding } from '../../packaging/check/check-solution.js';
import { checkAgainstPrevious } from '../../packaging/check/previous.js';
import { readZip, type ZipEntry } from '../../core/io/zip.js';
import { UserError } from '../../core/errors.js';
import { exitCodeOf, formatJson, formatText, toResult, type CheckResult } from '../../packaging/check/report.js';
import { finding } from '../../packaging/check/rules/common.js';

interface CheckCommandOptions {
  json?: boolean;
  previous?: string;
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
    .option(
      '--previous <zip>',
      'the previous release of the same solution: a code component whose files changed while its version did not rise is High (an upgrade would keep the old bundle.js)',
    )
    .addHelpText(
      'after',
      '\nExit code 1 when any zip has a Critical or High finding (what Dataverse would reject), 0 otherwise.\n' +
        'A file that cannot be read is reported as a Critical zip-unreadable finding; the other zips are still checked.',
    )
    .action(async (zips: string[], options: CheckCommandOptions) => {
      setExitCode(
        await runAction(io, async () => {
          const previous =
            options.previous === undefined ? undefined : await readPrevious(path.resolve(io.cwd, options.previous), options.previous);
          const results: CheckResult[] = [];
          for (const zip of zips) {
            const findings = await checkFile(path.resolve(io.cwd, zip), zip);
            if (previous) findings.push(...(await againstPrevious(path.resolve(io.cwd, zip), zip, previous)));
            results.push(toResult(zip, sortFindings(findings)));
          }
          io.out(options.json ? formatJson(results) : formatText(results));
          return exitCodeOf(results);
        }),
      );
    });
}

/** The previous release's entries; a path or zip that cannot be read is the user's error (exit 1, nothing checked). */
async function readPrevious(file: string, label: string): Promise<{ entries: ZipEntry[]; label: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UserError(label, undefined, zipReadProblem(error), `--previous: ${ZIP_PATH_FIX}`);
  }
  return { entries: readZip(bytes, label), label };
}

/** The findings of a zip against the previous release (none when the zip itself cannot be read: checkFile said so). */
async function againstPrevious(file: string, label: string, previous: { entries: ZipEntry[]; label: string }): Promise<Finding[]> {
  try {
    return checkAgainstPrevious(readZip(await readFile(file), label), previous.entries, previous.label);
  } catch {
    return [];
  }
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

import path from 'node:path';
import { Option, type Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { buildSolution } from '../../packaging/build-solution.js';
import { PCF_CONTROL_OUT } from '../../packaging/pcf-control.js';
import { CONFIG_FILE_NAME } from '../../solution/config/config.js';
import type { PackageType } from '../../packaging/generate/package.js';

export interface BuildCommandOptions {
  config: string;
  out: string;
  packageType: 'managed' | 'unmanaged' | 'both';
  check: boolean;
  /** Folder of the built PCF control, or false (`--no-pcf`). */
  pcf: string | false;
}

const BUILD_HELP = [
  '',
  'Writes <UniqueName>_<a>_<b>_<c>_<d>_managed.zip and <UniqueName>_<a>_<b>_<c>_<d>.zip (version from the',
  'configuration) into --out; the same input gives byte-identical zips. Each zip goes through `cosell check`',
  'first: a Critical or High finding stops the build with exit code 1 and nothing is written (--no-check',
  'skips that). A bad configuration also leaves --out as it was.',
].join('\n');

export function registerBuild(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('build')
    .description('Build the managed and unmanaged solution zips from the project configuration and the solution model')
    .option('-c, --config <file>', 'project configuration', CONFIG_FILE_NAME)
    .option('-o, --out <dir>', 'folder that receives the zips', 'out')
    .addOption(new Option('-p, --package-type <type>', 'which zips to build').choices(['managed', 'unmanaged', 'both']).default('both'))
    .option('--no-check', 'write the zips without running `check` on them first')
    .option('--pcf <dir>', 'folder of the built PCF control (`npm run pcf:build` writes it)', PCF_CONTROL_OUT)
    .option('--no-pcf', 'leave the PCF control out: the Partner Center section keeps its classic field controls')
    .addHelpText('after', BUILD_HELP)
    .action(async (options: BuildCommandOptions) => {
      setExitCode(
        await runAction(io, async () => {
          const types: PackageType[] = options.packageType === 'both' ? ['managed', 'unmanaged'] : [options.packageType];
          const built = await buildSolution({
            configFile: path.resolve(io.cwd, options.config),
            configShown: options.config,
            outDir: path.resolve(io.cwd, options.out),
            outDirShown: options.out,
            types,
            check: options.check,
            ...(options.pcf !== false ? { pcfControlDir: path.resolve(io.cwd, options.pcf), pcfControlShown: options.pcf } : {}),
          });
          for (const file of built) {
            io.out(`${file.type.padEnd(9)} ${path.relative(io.cwd, file.path)}  ${file.bytes.length} bytes  sha256 ${file.sha256}`);
          }
          return 0;
        }),
      );
    });
}

import path from 'node:path';
import type { Command } from 'commander';
import { readZipArgument, runAction, type CliIo } from '../cli-support.js';
import { readZip } from '../../core/io/zip.js';
import { loadPackage, type SolutionPackage } from '../../core/package/reader.js';
import { UserError } from '../../core/errors.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { PCF_CONTROL_OUT, readBuiltControl } from '../../packaging/pcf-control.js';
import { diffExitCode, diffSolutions, modelBaseProblem, solutionInfo } from '../../packaging/diff/diff.js';
import { formatDiffJson, formatDiffText } from '../../packaging/diff/report.js';
import { withFlows } from '../../flows/index.js';
import { CONFIG_FILE_NAME, loadConfig } from '../../solution/config/config.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import type { SolutionModel } from '../../solution/model.js';

interface DiffCommandOptions {
  base?: string;
  against?: string;
  config: string;
  pcf: string | false;
  json?: boolean;
}

const DIFF_HELP = [
  '',
  'Compares the customer export with --base (what they installed) component by component, matched by the',
  'stable ids the model derives (workflow ids, form ids, env var schema names, table.column): flows action by',
  'action, forms by tab/section/cell/control, env var definitions and current values, columns, views, keys,',
  "choices. A component the customer changed that --against also changes is a CONFLICT: the customer's",
  'unmanaged layer would hide our change after the upgrade. Components of the export that are not ours are',
  'listed as untouched by upgrades.',
  '',
  'Without --base the version the customer installed is rebuilt from the configuration, which must build the',
  "export's solution and version; without --against our next version is a fresh build of the configuration.",
  '',
  'Exit code: 0 no conflict, 2 conflicts, 1 a bad argument or zip.',
].join('\n');

export function registerDiff(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('diff')
    .description('What a customer changed in our components, and which of those our next version changes too (conflicts)')
    .argument('<export>', 'the solution zip the customer exported from their environment')
    .option('--base <zip>', "our version the customer installed (default: rebuilt from --config when it builds the export's version)")
    .option('--against <zip>', 'our next version (default: a fresh build of --config)')
    .option('-c, --config <file>', 'project configuration for the builds from the model', CONFIG_FILE_NAME)
    .option('--pcf <dir>', 'folder of the built PCF control for the builds from the model', PCF_CONTROL_OUT)
    .option('--no-pcf', 'build from the model without the PCF control')
    .option('--json', 'print one JSON document { export, base, against, conflicts, changes, foreign, unchanged, notInExport }')
    .addHelpText('after', DIFF_HELP)
    .action(async (exportZip: string, options: DiffCommandOptions) => {
      setExitCode(
        await runAction(io, async () => {
          const exported = await readPackage(io.cwd, exportZip);
          const model = lazyModel(io.cwd, options);
          const base = options.base !== undefined ? await readPackage(io.cwd, options.base) : await modelBase(exportZip, exported, model);
          const against = options.against !== undefined ? await readPackage(io.cwd, options.against) : builtPackage(await model());
          const report = diffSolutions(exported, base, against);
          io.out(options.json ? formatDiffJson(report) : formatDiffText(report));
          return diffExitCode(report);
        }),
      );
    });
}

async function readPackage(cwd: string, shown: string): Promise<SolutionPackage> {
  return loadPackage(readZip(await readZipArgument(cwd, shown), shown), shown);
}

/** The model of the configuration, built once and only when a default needs it. */
function lazyModel(cwd: string, options: DiffCommandOptions): () => Promise<SolutionModel> {
  let model: Promise<SolutionModel> | undefined;
  const build = async (): Promise<SolutionModel> => {
    const config = await loadConfig(path.resolve(cwd, options.config), options.config);
    const control =
      options.pcf === false
        ? undefined
        : await readBuiltControl(path.resolve(cwd, options.pcf), config.publisher.customizationPrefix, options.pcf);
    return withFlows(buildCoSellModel(config, control ? { controls: [control] } : {}));
  };
  return () => (model ??= build());
}

function builtPackage(model: SolutionModel): SolutionPackage {
  const [built] = buildPackages(model, ['managed']);
  return loadPackage(readZip(built!.bytes, built!.fileName), `${built!.fileName} (built from the configuration)`);
}

async function modelBase(shown: string, exported: SolutionPackage, model: () => Promise<SolutionModel>): Promise<SolutionPackage> {
  const built = await model();
  const problem = modelBaseProblem(solutionInfo(exported), built.solution);
  if (problem) throw new UserError(shown, 'solution.xml', problem, 'pass the zip of our version the customer installed with --base <zip>');
  return builtPackage(built);
}

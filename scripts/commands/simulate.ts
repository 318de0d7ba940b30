import path from 'node:path';
import type { Command } from 'commander';
import { runAction, type CliIo } from '../cli-support.js';
import { CONFIG_FILE_NAME, loadConfig } from '../../solution/config/config.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { readZip, readZipFile, type ZipEntry } from '../../core/io/zip.js';
import { UserError } from '../../core/errors.js';
import { runScenario, scenariosNamed } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import { formatResult, summaryLine } from '../../sim/simulate/report.js';

export interface SimulateOptions {
  config: string;
  zip?: string;
  scenario: string[];
  verbose: boolean;
  list: boolean;
}

export function registerSimulate(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('simulate')
    .description('Rehearse the sync offline: run the packaged flows against local Partner Center and Dataverse emulators')
    .option('-c, --config <file>', 'project configuration (the model the emulated Dataverse takes its tables from)', CONFIG_FILE_NAME)
    .option('-z, --zip <file>', 'run the flows of this solution zip instead of building one')
    .option('-s, --scenario <name...>', 'scenarios to run (default: all)', [])
    .option('-v, --verbose', "print each scenario's timeline and the run view of every run that did not succeed", false)
    .option('--list', 'list the scenarios and exit', false)
    .action(async (options: SimulateOptions) => {
      setExitCode(
        await runAction(io, async () => {
          if (options.list) {
            for (const scenario of SCENARIOS) io.out(`${scenario.name.padEnd(32)} ${scenario.title}`);
            return 0;
          }
          const scenarios = (() => {
            try {
              return scenariosNamed(options.scenario);
            } catch (error) {
              throw new UserError(
                undefined,
                '--scenario',
                (error as Error).message,
                'run `cosell simulate --list` to see the scenario names',
              );
            }
          })();
          const model = withFlows(buildCoSellModel(await loadConfig(path.resolve(io.cwd, options.config))));
          let entries: ZipEntry[];
          let label: string;
          if (options.zip) {
            label = options.zip;
            entries = await readZipFile(path.resolve(io.cwd, options.zip));
          } else {
            const [built] = buildPackages(model, ['managed']);
            label = built!.fileName;
            entries = readZip(built!.bytes, label);
          }
          io.out(`rehearsing ${label} (${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'})\n`);
          const results = [];
          for (const scenario of scenarios) {
            const result = await runScenario(scenario, { entries, label, model });
            results.push(result);
            io.out(`${formatResult(result, { verbose: options.verbose })}\n`);
          }
          io.out(summaryLine(results));
          return results.every((result) => result.passed) ? 0 : 1;
        }),
      );
    });
}

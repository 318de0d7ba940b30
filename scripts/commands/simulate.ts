import path from 'node:path';
import type { Command } from 'commander';
import { readZipArgument, runAction, type CliIo } from '../cli-support.js';
import { CONFIG_FILE_NAME, loadConfig } from '../../solution/config/config.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { readZip, type ZipEntry } from '../../core/io/zip.js';
import { UserError } from '../../core/errors.js';
import { runScenario, scenariosNamed } from '../../sim/simulate/run.js';
import { SCENARIOS } from '../../sim/simulate/scenarios.js';
import { formatResult, summaryLine } from '../../sim/simulate/report.js';
import { DEFAULT_MAX_STEPS, describeFailure, runSeed, type HistoryMix } from '../../sim/history/generate.js';

export interface SimulateOptions {
  config: string;
  zip?: string;
  scenario?: string[];
  verbose?: boolean;
  list?: boolean;
  /** Run the seeded random history of this seed (instead of the scenarios). */
  seed?: string;
  /** Run this many seeded histories, from --seed (default 1) on. */
  seeds?: string;
  mix?: HistoryMix;
  /** Most steps per seeded history. */
  steps?: string;
}

const MIXES: readonly HistoryMix[] = ['calm', 'full'];

const SIMULATE_HELP = [
  '',
  'Without --zip, the flows come from a managed build made in memory from --config, as `cosell build`',
  'makes it but without the PCF control (the rehearsal runs flows only; nothing is written). With --zip,',
  'the flows are read from that zip. Either way the emulated Dataverse takes its tables from --config.',
  'Time is virtual: retries, expiry and the hourly reconciliation take no wall-clock time.',
  "Exit code 1 when a scenario's expectation fails.",
].join('\n');

export function registerSimulate(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('simulate')
    .description('Rehearse the sync offline: run the packaged flows against local Partner Center and Dataverse emulators')
    .option('-c, --config <file>', 'project configuration: the model the flows are built from and the emulated tables', CONFIG_FILE_NAME)
    .option('-z, --zip <file>', 'rehearse the flows of this solution zip instead of an in-memory build')
    .option('-s, --scenario <name...>', 'scenarios to run, by name (see --list; default: all)')
    .option('-v, --verbose', "print each scenario's timeline and the run view of every run that did not succeed")
    .option('--list', 'list the scenarios and exit')
    .option('--seed <n>', 'run the random history of this seed and check the invariants (a failing seed is shrunk to a minimal history)')
    .option('--seeds <count>', 'run this many seeded histories, from --seed (default 1) on')
    .option(
      '--mix <mix>',
      'calm: one change at a time, no faults; full: overlapping changes, lost and duplicated webhooks, outages, throttling',
      'full',
    )
    .option('--steps <m>', `most steps per seeded history (default ${DEFAULT_MAX_STEPS})`)
    .addHelpText('after', SIMULATE_HELP)
    .action(async (options: SimulateOptions) => {
      setExitCode(await runAction(io, () => simulate(options, io)));
    });
}

/** A positive integer option, or a clear error naming it. */
function countOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1)
    throw new UserError(undefined, name, `must be a whole number of at least 1, not "${value}"`, `e.g. ${name} 7`);
  return parsed;
}

async function simulateHistories(
  options: SimulateOptions,
  io: CliIo,
  input: { entries: ZipEntry[]; label: string; model: ReturnType<typeof withFlows> },
): Promise<number> {
  const mix = options.mix ?? 'full';
  if (!MIXES.includes(mix))
    throw new UserError(undefined, '--mix', `must be ${MIXES.join(' or ')}, not "${String(mix)}"`, 'use --mix calm or --mix full');
  const first = countOption('--seed', options.seed, 1);
  const count = countOption('--seeds', options.seeds, 1);
  const maxSteps = countOption('--steps', options.steps, DEFAULT_MAX_STEPS);
  let failed = 0;
  for (let seed = first; seed < first + count; seed += 1) {
    const outcome = await runSeed(seed, mix, input, { maxSteps });
    if (outcome.passed) {
      if (count === 1) io.out(`seed ${seed} (${mix}): ${outcome.history.length} steps, every invariant holds\n`);
    } else {
      failed += 1;
      io.out(`${describeFailure(outcome, mix)}\n`);
    }
  }
  io.out(`${count} seed${count === 1 ? '' : 's'} (${mix}), ${failed} with invariant violations\n`);
  return failed === 0 ? 0 : 1;
}

async function simulate(options: SimulateOptions, io: CliIo): Promise<number> {
  if (options.list === true) {
    for (const scenario of SCENARIOS) io.out(`${scenario.name.padEnd(32)} ${scenario.title}`);
    return 0;
  }
  const scenarios = (() => {
    try {
      return scenariosNamed(options.scenario ?? []);
    } catch (error) {
      throw new UserError(undefined, '--scenario', (error as Error).message, 'run `cosell simulate --list` to see the scenario names');
    }
  })();
  const model = withFlows(buildCoSellModel(await loadConfig(path.resolve(io.cwd, options.config), options.config)));
  let entries: ZipEntry[];
  let label: string;
  let rehearsing: string;
  if (options.zip !== undefined) {
    label = options.zip;
    rehearsing = options.zip;
    entries = readZip(await readZipArgument(io.cwd, options.zip), label);
  } else {
    const [built] = buildPackages(model, ['managed']);
    label = `${built!.fileName} (built in memory from ${options.config})`;
    rehearsing = `an in-memory managed build of ${options.config} (flows only; the PCF control is not part of the rehearsal)`;
    entries = readZip(built!.bytes, label);
  }
  if (options.seed !== undefined || options.seeds !== undefined) return simulateHistories(options, io, { entries, label, model });
  io.out(`rehearsing ${rehearsing}: ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}\n`);
  const results = [];
  for (const scenario of scenarios) {
    const result = await runScenario(scenario, { entries, label, model });
    results.push(result);
    io.out(`${formatResult(result, { verbose: options.verbose === true })}\n`);
  }
  io.out(summaryLine(results));
  return results.every((result) => result.passed) ? 0 : 1;
}

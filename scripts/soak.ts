/**
 * `npm run soak`: many seeded histories of both mixes, longer than CI's, and their figures as a table (issue 11):
 * seeds run, seeds with invariant violations (goal 0) by invariant, Partner Center calls per history, virtual
 * and wall time per seed. Options: --seeds N (default 200 per mix), --steps M (default 20), --from S.
 */
import { Command } from 'commander';
import { readZip } from '../core/io/zip.js';
import { withFlows } from '../flows/index.js';
import { buildPackages } from '../packaging/build-solution.js';
import { DEFAULT_CONFIG } from '../solution/default-config.js';
import { buildCoSellModel } from '../solution/cosell.js';
import { describeFailure, runSeed, type HistoryMix } from '../sim/history/generate.js';
import { printTable } from './table.js';

const program = new Command('soak')
  .option('--seeds <n>', 'seeds per mix', '200')
  .option('--steps <m>', 'most steps per history', '20')
  .option('--from <s>', 'first seed', '1')
  .parse();
const options = program.opts<{ seeds: string; steps: string; from: string }>();
const seeds = Number(options.seeds);
const maxSteps = Number(options.steps);
const from = Number(options.from);

const model = withFlows(buildCoSellModel(DEFAULT_CONFIG));
const [zip] = buildPackages(model, ['managed']);
const input = { entries: readZip(zip!.bytes, zip!.fileName), label: zip!.fileName, model };

const rows: string[][] = [];
for (const mix of ['calm', 'full'] as HistoryMix[]) {
  const byInvariant = new Map<string, number>();
  let failed = 0;
  let calls = 0;
  let virtualMs = 0;
  const started = Date.now();
  for (let seed = from; seed < from + seeds; seed += 1) {
    const outcome = await runSeed(seed, mix, input, { maxSteps });
    calls += outcome.result.partnerCenterCalls;
    virtualMs += outcome.result.virtualMs;
    if (outcome.passed) continue;
    failed += 1;
    if (failed <= 3) console.log(`${describeFailure(outcome, mix)}\n`);
    for (const kind of new Set([...outcome.result.violations.map((v) => v.invariant), ...(outcome.result.error ? ['error'] : [])])) {
      byInvariant.set(kind, (byInvariant.get(kind) ?? 0) + 1);
    }
  }
  rows.push([
    mix,
    String(seeds),
    `${failed} (${((100 * failed) / seeds).toFixed(1)} %)`,
    [...byInvariant].map(([kind, count]) => `${kind} ${count}`).join(', ') || '—',
    (calls / seeds).toFixed(1),
    `${(virtualMs / seeds / 1000).toFixed(0)} s`,
    `${((Date.now() - started) / seeds).toFixed(0)} ms`,
  ]);
}
printTable(
  [
    'mix',
    'seeds',
    'seeds with violations (goal 0)',
    'by invariant',
    'Partner Center calls / history',
    'virtual time / history',
    'wall time / seed',
  ],
  rows,
);

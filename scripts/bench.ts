import { performance } from 'node:perf_hooks';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { validateConfig } from '../solution/config/config.js';
import { buildCoSellModel } from '../solution/cosell.js';
import { labels } from '../solution/labels.js';
import type { Column, SolutionModel } from '../solution/model.js';
import { projectFile } from '../core/paths.js';
import { buildPackages } from '../packaging/build-solution.js';
import { checkSolution } from '../packaging/check/check-solution.js';
import { buildFlows, withFlows } from '../flows/index.js';
import { validateFlowDocument } from '../flows/validate/index.js';
import { inboundVolume, perChangeRows, scenarioRows } from '../sim/simulate/bench.js';
import { FAULT_CASES, syncFigureRows } from '../sim/simulate/figures.js';
import { readZip } from '../core/io/zip.js';
import { checkSolutionZip, isBlocking } from '../packaging/check/check-solution.js';
import { formatDuration } from '../core/duration.js';
import { deployBenchRows } from './deploy-bench.js';

/**
 * `npm run bench`: median wall time of the full build (model → managed + unmanaged zips, in memory)
 * and of `check` on the managed zip, for the default model and for models grown 10× and 100× with
 * synthetic text columns, so growth is visible; then the rehearsal's figures, ending with the table
 * "Sync figures (issue 11)" (sim/simulate/figures.ts). Printed as tables; nothing is asserted.
 */

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

function syntheticColumns(count: number, prefix: string): Column[] {
  return Array.from({ length: count }, (_, index) => {
    const stem = `Synthetic${String(index).padStart(5, '0')}`;
    return {
      kind: 'text',
      format: 'text',
      maxLength: 100,
      requiredLevel: 'none',
      audit: true,
      schemaName: `${prefix}_${stem}`,
      logicalName: `${prefix}_${stem}`.toLowerCase(),
      label: labels(`Synthetic column ${index}`, `合成欄位 ${index}`),
      description: labels('Benchmark filler', '基準測試填充'),
    } satisfies Column;
  });
}

function model(scale: number): SolutionModel {
  const config = validateConfig(JSON.parse(readFileSync(projectFile('pac.config.json'), 'utf8')), 'pac.config.json');
  const base = buildCoSellModel(config);
  const columns = base.tables.reduce((sum, table) => sum + table.columns.length + (table.kind === 'custom' ? 1 : 0), 0);
  return withFlows(
    buildCoSellModel(config, { extraOpportunityColumns: syntheticColumns(columns * (scale - 1), config.publisher.customizationPrefix) }),
  );
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function time(body: () => unknown): Promise<number> {
  await body(); // warm-up: compiles the XSDs and JIT-warms the generators
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    await body();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** Progress goes to stderr, so the tables on stdout stay clean for the README. */
const progress = (message: string): void => {
  process.stderr.write(`bench: ${message}…\n`);
};

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const scale of [1, 10, 100]) {
    progress(`build and check at ${scale}× the model`);
    const solution = model(scale);
    const columns = solution.tables.reduce((sum, table) => sum + table.columns.length + (table.kind === 'custom' ? 1 : 0), 0);
    const [managed] = buildPackages(solution, ['managed']);
    const entries = readZip(managed!.bytes, 'bench');
    const build = await time(() => buildPackages(solution, ['managed', 'unmanaged']));
    const check = await time(() => checkSolution(entries, 'bench'));
    rows.push([
      `${scale}×`,
      String(columns),
      `${(managed!.bytes.length / 1024).toFixed(1)} KiB`,
      formatDuration(build),
      formatDuration(check),
    ]);
  }
  const base = model(1);
  progress('generate and validate the flows');
  const references = new Set(base.connectionReferences.map((reference) => reference.logicalName));
  const variables = new Set(base.environmentVariables.map((variable) => variable.schemaName));
  const generate = await time(() => buildFlows({ ...base, flows: [] }));
  const validate = await time(() =>
    base.flows.map((flow) =>
      validateFlowDocument(flow.document, { flowName: flow.name, connectionReferences: references, environmentVariables: variables }),
    ),
  );
  const flowActions = base.flows.reduce((sum, flow) => sum + JSON.stringify(flow.document).split('"runAfter"').length - 1, 0);

  const header = ['model', 'custom columns', 'managed zip', 'build both zips (median)', 'check managed zip (median)'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`median of ${RUNS} runs after one warm-up; node ${process.version}`);
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log('');
  const flowHeader = ['flows', 'actions', 'generate all flows (median)', 'validate all flows (median)'];
  const flowRow = [String(base.flows.length), String(flowActions), formatDuration(generate), formatDuration(validate)];
  const flowWidths = flowHeader.map((title, i) => Math.max(title.length, flowRow[i]!.length));
  const flowLine = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(flowWidths[i]!)).join(' | ')} |`;
  console.log(flowLine(flowHeader));
  console.log(`|${flowWidths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  console.log(flowLine(flowRow));

  console.log('');
  progress('production build of the PCF control (about 10 s)');
  printTable(
    ['PCF control', 'production build', 'bundle.js', 'bundle.js gzip', 'vs a standard control bundling React + Fluent (385 KB)'],
    [pcfRow()],
  );

  console.log('');
  progress('deploy and promote against the Dataverse emulator');
  printTable(['deploy path', 'Web API calls', 'wall time', 'emulator time (import 30 s, polling)'], await deployBenchRows(base));

  console.log('');
  progress('check accuracy: the corpus of real exports and the mutation catalogue');
  printTable(['check accuracy', 'measured', 'goal'], await checkAccuracyRows());

  const [built] = buildPackages(base, ['managed']);
  const input = { entries: readZip(built!.bytes, built!.fileName), label: built!.fileName, model: base };
  console.log('');
  progress('rehearse every scenario');
  printTable(['scenario', 'result', 'flow runs', 'Partner Center calls', 'Dataverse calls', 'virtual time'], await scenarioRows(input));
  console.log('');
  printTable(
    ['synced change', 'Partner Center reads/writes vs minimum', 'PC calls', 'Dataverse calls', 'virtual latency to the remote write'],
    await perChangeRows(input),
  );
  console.log('');
  await volumeAndSyncFigures(input);
}

/**
 * Wall time of sharing 1,000 and 10,000 referrals end to end (BENCH_VOLUMES=1000 skips the long run), then the
 * table of issue 11's figures, which repeats those wall times.
 */
async function volumeAndSyncFigures(input: Parameters<typeof scenarioRows>[0]): Promise<void> {
  const volumes = (process.env.BENCH_VOLUMES ?? '1000,10000').split(',').map(Number);
  const volumeRows: string[][] = [];
  const volumeTimes: Array<{ count: number; ms: number }> = [];
  for (const count of volumes) {
    progress(`share ${count} referrals end to end (${count >= 10000 ? 'a few minutes' : 'several seconds'})`);
    const { ms, opportunities } = await inboundVolume(input, count);
    volumeTimes.push({ count, ms });
    volumeRows.push([String(count), formatDuration(ms), formatDuration(ms / count), String(opportunities)]);
  }
  printTable(['referrals shared', 'wall time end to end', 'per referral', 'opportunities in Dynamics'], volumeRows);

  console.log('');
  const figures = await syncFigureRows(input, {
    seeds: SEEDS,
    faults: FAULT_CASES,
    reconciledReferrals: RECONCILED_REFERRALS,
    budget: BUDGET_WORKLOAD,
    volumes: volumeTimes,
    progress,
  });
  console.log('Sync figures (issue 11)');
  printTable(['figure', 'condition', 'measured', 'goal'], figures);
}

/** Seeds per mix of the random histories in the figures (BENCH_SEEDS raises it; `npm run soak` runs hundreds). */
const SEEDS = Number(process.env.BENCH_SEEDS ?? 5);
/** Synced, unchanged referrals the measured reconciliation pass lists (three pages of 100). */
const RECONCILED_REFERRALS = 250;
/** The workload whose share of Partner Center's daily call budget the figures show. */
const BUDGET_WORKLOAD = { deals: 1000, changesPerDay: 2 };

/**
 * One production build of the PCF control (`pcf-scripts build --buildMode production`, telemetry off) and
 * the size of the bundle.js it writes: a virtual control gets React and Fluent from the platform.
 */
function pcfRow(): string[] {
  const pcf = projectFile('pcf');
  const name = 'PartnerCenterSection (virtual)';
  if (!existsSync(path.join(pcf, 'node_modules', 'pcf-scripts')))
    return [name, 'pcf/node_modules missing: npm ci --prefix pcf', '', '', ''];
  const start = performance.now();
  const run = spawnSync('npm', ['run', 'build', '--silent'], {
    cwd: pcf,
    env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: 'true' },
    encoding: 'utf8',
  });
  const elapsed = performance.now() - start;
  if (run.status !== 0) return [name, `build failed (exit ${run.status})`, '', '', ''];
  const bundle = readFileSync(path.join(pcf, 'out', 'controls', 'PartnerCenterSection', 'bundle.js'));
  const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
  return [
    name,
    formatDuration(elapsed),
    kb(bundle.length),
    kb(gzipSync(bundle).length),
    `${((bundle.length / (385 * 1024)) * 100).toFixed(1)} %`,
  ];
}

/** The real exports `check` must accept (../shared, beside the project) and the test files of the mutation catalogue. */
const CORPUS = projectFile('..', 'shared', 'fixtures', 'real-solutions-corpus');
const MUTATION_CATALOGUE = [
  'test/check/mutations.test.ts',
  'test/check/form-diff.test.ts',
  'test/check/dependencies.test.ts',
  'test/check/previous.test.ts',
  'test/build/check-our-build.test.ts',
  'test/pcf/packaging.test.ts',
];

/**
 * False positives: corpus exports (each imported into a real org) on which `check` reports Critical or High.
 * False negatives: tests of the mutation catalogue that fail, i.e. a defect planted in a real export or in our
 * build that `check` does not report with the expected rule and severity (run with jest, as `npm test` does).
 */
async function checkAccuracyRows(): Promise<string[][]> {
  const rows: string[][] = [];
  if (existsSync(CORPUS)) {
    const zips = readdirSync(CORPUS).filter((name) => name.endsWith('.zip'));
    let flagged = 0;
    let findings = 0;
    for (const zip of zips) {
      const blocking = (await checkSolutionZip(readFileSync(path.join(CORPUS, zip)), zip)).filter(isBlocking);
      findings += blocking.length;
      if (blocking.length > 0) flagged += 1;
    }
    rows.push(['false positives: real exports with a Critical/High finding', `${flagged} of ${zips.length} (${findings} findings)`, '0']);
  } else {
    rows.push(['false positives: real exports with a Critical/High finding', '../shared missing: not measured', '0']);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'cosell-bench-'));
  try {
    const output = path.join(dir, 'jest.json');
    spawnSync(
      process.execPath,
      ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', ...MUTATION_CATALOGUE, '--json', '--outputFile', output, '--silent'],
      { cwd: projectFile(), env: { ...process.env, COSELL_REQUIRE_SHARED: existsSync(CORPUS) ? '1' : '' }, encoding: 'utf8' },
    );
    const report = existsSync(output)
      ? (JSON.parse(readFileSync(output, 'utf8')) as { numTotalTests: number; numFailedTests: number; numPendingTests: number })
      : undefined;
    rows.push([
      'false negatives: mutation-catalogue tests failing',
      report
        ? `${report.numFailedTests} of ${report.numTotalTests}${report.numPendingTests > 0 ? ` (${report.numPendingTests} skipped)` : ''}`
        : 'jest did not run',
      '0',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

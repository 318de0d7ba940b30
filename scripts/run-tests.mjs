#!/usr/bin/env node
// `npm test`: every check of the project, in the order that fails fastest, each step announced with its
// duration, then one summary. Plain JavaScript so it runs before anything is compiled.
//
// Steps: type-check (root and pcf/), lint, format, compile, the PCF control built once, its jest tests, its browser
// test, the root jest suite. A step that fails does not stop the later ones: one run reports everything.
//
// Optional parts, skipped with a reason unless a switch requires them (CI sets both, see .ci/run):
// - ../shared, the team's reference exports (COSELL_REQUIRE_SHARED=1): test/support/fixtures.ts;
// - a Chromium for the browser test (COSELL_REQUIRE_BROWSER=1): CHROMIUM_PATH, else chromium on the PATH.
//
// Writes test-artifacts/summary.json and ends with the line "N passed, N failed".
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const PCF = path.join(ROOT, 'pcf');
const BIN = (project, name) => path.join(project, 'node_modules', '.bin', name);
const BROWSER_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];
const INSTALL_BROWSER = 'sudo apt-get install -y chromium fonts-noto-cjk   (or: sudo bash scripts/install-chromium.sh)';

// Logs stay plain text: no colour codes in CI logs or in files.
const ENV = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', PP_TOOLS_TELEMETRY_OPTOUT: 'true' };
delete ENV.npm_config_color;

// The units of core/duration.ts; a copy because this runner starts before anything is compiled.
const formatDuration = (ms) =>
  ms < 1000
    ? `${Math.round(ms)} ms`
    : ms < 60_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;

// Some tools colour their output whatever the environment says (webpack's stats in pcf-scripts), so every line
// a step prints passes through here on its way to the log.
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g');

function forward(stream, target) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`${line.replace(ANSI, '')}\n`));
}

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...ENV, ...options.env }, stdio: ['inherit', 'pipe', 'pipe'] });
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    child.on('error', (error) => {
      console.error(`cannot start ${command}: ${error.message}`);
      resolve(127);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function findBrowser() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of BROWSER_NAMES) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

/** passed/failed/skipped of a jest --json result file; a missing file is one failure (jest did not finish). */
function jestCounts(file) {
  const result = readJson(file);
  if (!result) return { passed: 0, failed: 1, skipped: 0 };
  return {
    passed: result.numPassedTests,
    failed: result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0),
    skipped: result.numPendingTests + (result.numTodoTests ?? 0),
  };
}

/** passed/failed/skipped from node --test's TAP summary. */
function tapCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  const text = readFileSync(file, 'utf8');
  const count = (label) => Number((text.match(new RegExp(`^# ${label} (\\d+)`, 'm')) ?? [0, 0])[1]);
  return { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
}

const sharedPresent = existsSync(path.join(ROOT, '..', 'shared', 'fixtures', 'real-solutions'));
const requireShared = process.env.COSELL_REQUIRE_SHARED === '1';
const requireBrowser = process.env.COSELL_REQUIRE_BROWSER === '1';
const browser = findBrowser();

mkdirSync(ARTIFACTS, { recursive: true });
const PCF_JEST = path.join(ARTIFACTS, 'pcf-jest-results.json');
const ROOT_JEST = path.join(ARTIFACTS, 'jest-results.json');
const BROWSER_TAP = path.join(ARTIFACTS, 'pcf-browser.tap');

/** Each step: what it is, how to run it, and how its result counts (a check counts as one test). */
const steps = [
  { name: 'type-check the root project', run: () => run(BIN(ROOT, 'tsc'), ['-p', 'tsconfig.json', '--noEmit']) },
  { name: 'type-check the PCF control', run: () => run(BIN(PCF, 'tsc'), ['-p', 'tsconfig.test.json', '--noEmit'], { cwd: PCF }) },
  { name: 'lint (ESLint, type-aware)', run: () => run(BIN(ROOT, 'eslint'), ['--max-warnings=0', '.']) },
  { name: 'format (Prettier --check)', run: () => run(BIN(ROOT, 'prettier'), ['--check', '--log-level=warn', '.']) },
  { name: 'compile the CLI (dist/)', run: () => run(BIN(ROOT, 'tsc'), ['-p', 'tsconfig.build.json']) },
  { name: 'build the PCF control once (pcf-scripts, production)', run: () => run('npm', ['run', '--silent', 'build'], { cwd: PCF }) },
  {
    name: 'PCF control: jest + Testing Library',
    output: PCF_JEST,
    results: () => jestCounts(PCF_JEST),
    run: () => run(BIN(PCF, 'jest'), ['--ci', '--json', `--outputFile=${PCF_JEST}`], { cwd: PCF }),
  },
  {
    name: 'PCF control: browser test (playwright-core + Chromium, axe-core)',
    skip: () =>
      browser || requireBrowser
        ? undefined
        : `no Chromium found (CHROMIUM_PATH, or ${BROWSER_NAMES.join('/')} on the PATH); install it with: ${INSTALL_BROWSER}`,
    output: BROWSER_TAP,
    results: () => tapCounts(BROWSER_TAP),
    run: () =>
      browser
        ? run(
            process.execPath,
            [
              '--test',
              '--test-reporter=spec',
              '--test-reporter-destination=stdout',
              '--test-reporter=tap',
              `--test-reporter-destination=${BROWSER_TAP}`,
              'browser/',
            ],
            { cwd: PCF, env: { CHROMIUM_PATH: browser } },
          )
        : (console.error(`COSELL_REQUIRE_BROWSER=1 but no Chromium was found; install it with: ${INSTALL_BROWSER}`), Promise.resolve(1)),
  },
  {
    name: 'root suite: jest',
    output: ROOT_JEST,
    results: () => jestCounts(ROOT_JEST),
    run: () =>
      run(process.execPath, [
        '--experimental-vm-modules',
        '--no-warnings=ExperimentalWarning',
        path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
        '--ci',
        '--json',
        `--outputFile=${ROOT_JEST}`,
        ...process.argv.slice(2),
      ]),
  },
];

const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };
const report = [];
const skipReasons = [];
for (const [index, step] of steps.entries()) {
  const label = `[${index + 1}/${steps.length}] ${step.name}`;
  const reason = step.skip?.();
  if (reason) {
    console.log(`\n── ${label}: SKIPPED, ${reason}`);
    skipReasons.push(`${step.name}: ${reason}`);
    totals.skipped += 1;
    report.push({ step: step.name, status: 'skipped', reason });
    continue;
  }
  console.log(`\n── ${label} …`);
  const stepStarted = Date.now();
  // A result file left by an earlier run must not count for this one.
  if (step.output) rmSync(step.output, { force: true });
  const code = await step.run();
  const elapsed = Date.now() - stepStarted;
  const counts = step.results ? step.results() : code === 0 ? { passed: 1, failed: 0, skipped: 0 } : { passed: 0, failed: 1, skipped: 0 };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  totals.passed += counts.passed;
  totals.failed += counts.failed;
  totals.skipped += counts.skipped;
  const status = code === 0 ? 'passed' : 'FAILED';
  const detail = step.results ? ` (${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped)` : '';
  console.log(`── ${label}: ${status} in ${formatDuration(elapsed)}${detail}`);
  report.push({ step: step.name, status, ms: elapsed, ...counts });
}

if (!sharedPresent && !requireShared) {
  skipReasons.push(
    "root suite: the tests that compare with real Dataverse exports need ../shared beside this clone; clone the team's reference folder there to run them",
  );
}
const summary = { ...totals, ms: Date.now() - started, steps: report, skipped_because: skipReasons };
writeFileSync(path.join(ARTIFACTS, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);

console.log(`\n══ ${formatDuration(summary.ms)} in all`);
for (const entry of report)
  console.log(`   ${entry.status.padEnd(7)} ${entry.step}${entry.ms !== undefined ? `  ${formatDuration(entry.ms)}` : ''}`);
if (totals.skipped > 0) {
  console.log(`\n${totals.skipped} skipped:`);
  for (const reason of skipReasons) console.log(`   - ${reason}`);
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;

/**
 * The README's "Try it offline" block, run as written: the compiled `cosell emulate` as a child process (the one
 * change: `--port-base 0`, free ports), what it prints parsed (environments block, exports), then every other
 * command of the block in order in a fresh project folder, with the exit codes and outcomes a newcomer should see.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectFile } from '../../core/paths.js';
import { DEFAULT_PORT_BASE } from '../../scripts/commands/emulate.js';
import { tempDir } from '../support/cli.js';
import { withFlows } from '../../flows/index.js';
import { defaultConfig, defaultModel, writeProjectConfig } from '../support/model.js';

/** Every cloud flow of the package: all of them must be on in both environments. */
const FLOW_COUNT = withFlows(defaultModel()).flows.length;

const run = promisify(execFile);
const BIN = projectFile('dist', 'scripts', 'bin.js');
const HEADING = '### Try it offline: from an empty org to staging and production';
const SECRET_PLACEHOLDER = '<printed by cosell emulate>';

/** The commands of the README block (comments and blank lines dropped). */
async function readmeBlock(): Promise<string[]> {
  const readme = await readFile(projectFile('README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(HEADING));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (readme.indexOf(HEADING) < 0 || !block) throw new Error(`README.md has no "${HEADING}" section with a sh block`);
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

interface Emulator {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
}

/** Spawns `cosell emulate` and resolves once it has printed its instructions. */
async function startEmulate(dir: string, args: string[]): Promise<Emulator> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env } });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!text.includes('Serving until Ctrl-C')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`cosell emulate did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, output: () => text, exited };
}

/** The three parts of emulate's instructions. */
function parseInstructions(text: string): { environments: unknown; settingsInit: string[]; exports: Map<string, string> } {
  const lines = text.split('\n');
  const open = lines.indexOf('{');
  const close = lines.indexOf('}', open);
  const environments = (JSON.parse(lines.slice(open, close + 1).join('\n')) as { environments: unknown }).environments;
  const settingsInit = lines.filter((line) => line.startsWith('npx cosell settings init '));
  const exports = new Map<string, string>();
  for (const line of lines) {
    const match = /^export (\w+)=(.*)$/.exec(line);
    if (match) exports.set(match[1]!, unquote(match[2]!));
  }
  return { environments, settingsInit, exports };
}

const unquote = (value: string): string =>
  value.startsWith("'") ? value.slice(1, -1).replace(/'\\''/g, "'") : value.startsWith('"') ? value.slice(1, -1) : value;

describe('README "Try it offline", run as written against the compiled cosell emulate', () => {
  let emulator: Emulator | undefined;
  afterAll(() => {
    if (emulator && emulator.child.exitCode === null) emulator.child.kill('SIGKILL');
  });

  test('empty org → settings → dry run → staging → status → promote → both healthy at the version, every flow on', async () => {
    if (!existsSync(projectFile('dist', 'scripts', 'commands', 'emulate.js')))
      throw new Error('dist/ has no emulate command: run `npm run compile` first (the block`s first command)');
    const block = await readmeBlock();
    const cosellLines = block.filter((line) => line.startsWith('npx cosell '));
    expect(
      cosellLines.map((line) =>
        line
          .split(' ')
          .slice(2, 4)
          .join(' ')
          .replace(/ (out|--).*$/, ''),
      ),
    ).toEqual(['build', 'emulate', 'settings init', 'settings init', 'deploy', 'deploy', 'status', 'promote', 'status']);
    expect(block[0]).toBe('npm run compile');

    const dir = await tempDir('walkthrough');
    await writeProjectConfig(dir, defaultConfig());
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['COSELL_CLIENT_SECRET', 'COSELL_AUTHORITY_HOST', 'NODE_EXTRA_CA_CERTS']) delete env[name];
    const outputs: string[] = [];
    const results: Array<{ line: string; code: number; stdout: string; stderr: string }> = [];
    const cosell = async (line: string) => {
      const args = line.split(' ').slice(2);
      const result = await run(process.execPath, [BIN, ...args], { cwd: dir, env }).then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
      );
      outputs.push(result.stdout, result.stderr);
      results.push({ line, ...result });
      return result;
    };

    let instructions: ReturnType<typeof parseInstructions> | undefined;
    for (const line of block.slice(1)) {
      if (line.startsWith('npx cosell emulate')) {
        emulator = await startEmulate(dir, [...line.split(' ').slice(2), '--port-base', '0']);
        instructions = parseInstructions(emulator.output());
        // The paste step: the printed block becomes pac.config.json's "environments".
        const config = JSON.parse(await readFile(path.join(dir, 'pac.config.json'), 'utf8')) as Record<string, unknown>;
        await writeFile(path.join(dir, 'pac.config.json'), JSON.stringify({ ...config, environments: instructions.environments }, null, 2));
      } else if (line.startsWith('export ')) {
        const [, name, raw] = /^export (\w+)=(.*)$/.exec(line)!;
        const printed = instructions!.exports.get(name!);
        const written = unquote(raw!).replace('$PWD', dir);
        if (written === SECRET_PLACEHOLDER) expect(printed).toMatch(/^emu~/);
        else if (name === 'COSELL_AUTHORITY_HOST') {
          expect(written).toBe(`https://127.0.0.1:${DEFAULT_PORT_BASE}`);
          expect(printed).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
        } else expect(printed).toBe(written);
        env[name!] = printed;
      } else if (line.startsWith('npx cosell ')) {
        const result = await cosell(line);
        expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: '' });
      } else throw new Error(`the README block has a line the walk-through does not know: ${line}`);
    }
    expect(instructions!.settingsInit).toEqual(block.filter((line) => line.startsWith('npx cosell settings init ')));
    await assertOutcomes(dir, env, results, emulator!);

    const secret = env.COSELL_CLIENT_SECRET!;
    for (const text of outputs) expect(text).not.toContain(secret);
    for (const file of await filesUnder(dir)) expect(await readFile(file, 'utf8')).not.toContain(secret);

    emulator!.child.kill('SIGTERM');
    expect(await emulator!.exited).toBe(0);
    await saveRequestLog(emulator!.output());
  }, 180_000);
});

async function assertOutcomes(
  dir: string,
  env: NodeJS.ProcessEnv,
  results: Array<{ line: string; stdout: string }>,
  emulator: Emulator,
): Promise<void> {
  const outputOf = (prefix: string, index = 0): string => results.filter((result) => result.line.startsWith(prefix))[index]!.stdout;
  expect(outputOf('npx cosell deploy', 0)).toMatch(/plan for staging \(https:\/\/127\.0\.0\.1:\d+\): install\n {2}1\. StageSolution/);
  expect(outputOf('npx cosell deploy', 0)).toContain('dry run: nothing was changed');
  expect(outputOf('npx cosell deploy', 1)).toContain('Partner Center Webhook Registration');
  expect(outputOf('npx cosell status', 0)).toMatch(
    /^staging \(https:\/\/127\.0\.0\.1:\d+\): CoSellSync 1\.0\.0\.0 {2}sha256 [0-9a-f]{64} {2}healthy/,
  );
  expect(outputOf('npx cosell status', 0)).toContain('webhook    NEVER RUN');
  // The dry run changed nothing: the only writes the environments saw came from the deploys.
  const log = emulator.output();
  const stagingWrites = log.split('\n').filter((line) => /^\[staging\] (POST|PATCH)/.test(line));
  expect(stagingWrites[0]).toBe('[staging] POST StageSolution 200');

  const final = await promisify(execFile)(process.execPath, [BIN, 'status', '--env', 'staging', '--env', 'production', '--json'], {
    cwd: dir,
    env,
  });
  const environments = (
    JSON.parse(final.stdout) as {
      environments: Array<{
        environment: string;
        installedVersion: string;
        healthy: boolean;
        sha256: string;
        flows: Array<{ on: boolean }>;
        webhook: { state: string };
      }>;
    }
  ).environments;
  expect(
    environments.map((entry) => [
      entry.environment,
      entry.installedVersion,
      entry.healthy,
      entry.flows.length,
      entry.flows.every((flow) => flow.on),
    ]),
  ).toEqual([
    ['staging', '1.0.0.0', true, FLOW_COUNT, true],
    ['production', '1.0.0.0', true, FLOW_COUNT, true],
  ]);
  expect(environments[0]!.sha256).toBe(environments[1]!.sha256);
  expect(environments.map((entry) => entry.webhook.state)).toEqual(['never run', 'never run']);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile() && !entry.name.endsWith('.zip')).map((entry) => path.join(entry.parentPath, entry.name));
}

/** The environments' request log of the run, for the README's figures (test-artifacts/ is not tracked). */
async function saveRequestLog(text: string): Promise<void> {
  const folder = projectFile('test-artifacts');
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, 'walkthrough-requests.log'), text.slice(text.indexOf('Serving until Ctrl-C')));
}

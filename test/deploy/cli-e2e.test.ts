import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectFile } from '../../core/paths.js';
import { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { TokenEndpoint } from '../../sim/dataverse/token-endpoint.js';
import { tempDir } from '../support/cli.js';
import { defaultConfig, writeProjectConfig } from '../support/model.js';
import { model } from '../sim-dataverse/support.js';
import { builtPackage, connectionIdOf, filledSettings, writeZipFile } from './support.js';
import { CUSTOMIZE_FLOW_ID, editCustomizeFlow, ourZip, zipBytes } from '../diff/helpers.js';
import { httpsFront, localTls } from './tls.js';

const run = promisify(execFile);
const BIN = projectFile('dist', 'scripts', 'bin.js');
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SECRET = 'e2e-secret~value';
const realClock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

interface Env {
  dv: DataverseEmulator;
  front: { url: string; stop: () => Promise<void> };
}

describe('the real CLI against the emulators as servers (HTTPS, token endpoint, polling)', () => {
  let token: TokenEndpoint;
  let envs: Record<'staging' | 'production', Env>;
  let dir: string;
  let childEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (!existsSync(projectFile('dist', 'scripts', 'commands', 'deploy.js')))
      throw new Error('dist/ has no deploy command: run `npm run compile` first');
    const tls = await localTls();
    token = new TokenEndpoint({ tls, tenantId: TENANT, clients: [{ clientId: CLIENT, secret: SECRET }] });
    await token.start();
    const start = async (): Promise<Env> => {
      const dv = new DataverseEmulator({ model, clock: realClock });
      await dv.start();
      dv.alm.importDurationMs = 300;
      dv.alm.requireAuthorization((header) => token.accepts(header));
      for (const reference of builtPackage().connectionReferences)
        dv.alm.addConnection(connectionIdOf(reference.logicalName), reference.connectorId);
      return { dv, front: await httpsFront(dv.baseUrl, tls) };
    };
    envs = { staging: await start(), production: await start() };
    dir = await tempDir('deploy-e2e');
    const config = defaultConfig();
    config.environments = {
      staging: { orgUrl: envs.staging.front.url, tenantId: TENANT, clientId: CLIENT },
      production: { orgUrl: envs.production.front.url, tenantId: TENANT, clientId: CLIENT },
    };
    await writeProjectConfig(dir, config);
    await mkdir(path.join(dir, 'settings'));
    for (const name of ['staging', 'production'])
      await writeFile(path.join(dir, 'settings', `${name}.json`), JSON.stringify(filledSettings()));
    await writeFile(path.join(dir, 'ca.pem'), tls.ca);
    await writeZipFile(dir);
    childEnv = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
      COSELL_AUTHORITY_HOST: token.authorityHost,
      COSELL_CLIENT_SECRET: SECRET,
    };
  });
  afterAll(async () => {
    for (const env of Object.values(envs ?? {})) {
      await env.front.stop();
      await env.dv.stop();
    }
    await token?.stop();
  });

  const cosell = (args: string[], env = childEnv) =>
    run(process.execPath, [BIN, ...args], { cwd: dir, env }).then(
      (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
      (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
    );
  const zip = 'CoSellSync_1_0_0_0_managed.zip';

  test('a wrong secret stops before any Dataverse call, without printing the secret', async () => {
    const result = await cosell(['deploy', zip, '--env', 'staging', '--json'], { ...childEnv, COSELL_CLIENT_SECRET: 'not-the-secret' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/AADSTS7000215/);
    expect(result.stderr + result.stdout).not.toContain('not-the-secret');
    expect(envs.staging.dv.calls.filter((call) => call.status !== 401)).toEqual([]);
  });

  test('deploy --dry-run, deploy, status, promote: the same artefact ends up on in both environments', async () => {
    const dry = await cosell(['deploy', zip, '--env', 'staging', '--dry-run']);
    expect(dry.stdout).toMatch(/plan for staging \(https:\/\/127\.0\.0\.1:\d+\): install\n {2}1\. StageSolution/);
    expect(envs.staging.dv.alm.solutions.size).toBe(0);
    const afterDryRun = envs.staging.dv.calls.length;

    const deployed = await cosell(['deploy', zip, '--env', 'staging', '--json', '--poll-interval', '0.1']);
    expect(deployed.stderr).toBe('');
    const report = JSON.parse(deployed.stdout);
    expect(report).toMatchObject({ command: 'deploy', environment: 'staging', version: '1.0.0.0', ok: true, plan: { action: 'install' } });
    expect(report.flows.every((flow: { on: boolean }) => flow.on)).toBe(true);
    expect(report.webhook.steps).toHaveLength(4);
    const actions = envs.staging.dv.calls.slice(afterDryRun).map(
      (call) =>
        `${call.method} ${call.path
          .split('?')[0]!
          .replace(/^\/api\/data\/v9\.2\//, '')
          .replace(/\(.*\)$/, '()')}`,
    );
    expect(actions.slice(0, 5)).toEqual([
      'GET importjobs',
      'GET solutions',
      'POST StageSolution',
      'POST ImportSolutionAsync',
      'GET asyncoperations()',
    ]);
    expect(envs.staging.dv.calls.every((call) => call.status < 400)).toBe(true);
    const recordText = await readFile(path.join(dir, '.cosell', 'deployments.json'), 'utf8');
    // Tokens of the local endpoint start with "emu."; neither they nor the secret reach an output or a file.
    for (const text of [deployed.stdout, deployed.stderr, recordText]) {
      expect(text).not.toMatch(/emu\.[A-Za-z0-9_-]{10}/);
      expect(text).not.toContain(SECRET);
    }
    const record = JSON.parse(recordText);
    expect(record.environments.staging.sha256).toBe(builtPackage().sha256);

    const status = await cosell(['status', '--env', 'staging', '--env', 'production', '--json']);
    expect(status.code).toBe(1);
    const environments = JSON.parse(status.stdout).environments;
    expect(
      environments.map((entry: { environment: string; installedVersion: string | null; healthy: boolean }) => [
        entry.environment,
        entry.installedVersion,
        entry.healthy,
      ]),
    ).toEqual([
      ['staging', '1.0.0.0', true],
      ['production', null, false],
    ]);

    const beforeDryPromote = envs.production.dv.calls.length;
    const dryPromote = await cosell(['promote', zip, '--dry-run', '--json']);
    expect(dryPromote).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(dryPromote.stdout)).toMatchObject({
      command: 'promote',
      from: 'staging',
      to: 'production',
      result: { dryRun: true, plan: { action: 'install' } },
    });
    expect(envs.production.dv.calls.slice(beforeDryPromote).every((call) => call.method === 'GET')).toBe(true);
    expect(envs.production.dv.alm.solutions.size).toBe(0);

    const promoted = await cosell(['promote', zip, '--from', 'staging', '--to', 'production', '--json', '--poll-interval', '0.1']);
    expect(promoted.stderr).toBe('');
    const comparison = JSON.parse(promoted.stdout);
    expect(
      comparison.environments.map((entry: { installedVersion: string; healthy: boolean; sha256: string }) => [
        entry.installedVersion,
        entry.healthy,
        entry.sha256,
      ]),
    ).toEqual([
      ['1.0.0.0', true, builtPackage().sha256],
      ['1.0.0.0', true, builtPackage().sha256],
    ]);
  });

  test('status lists the [Customize] flow a maker edited in staging, and --zip of a next version changing it makes it a CONFLICT', async () => {
    // CONTRACT.md section L [L16][L17]: the edit is an unmanaged (Active) layer on top of ours.
    envs.staging.dv.alm.customize(CUSTOMIZE_FLOW_ID, { clientdata: '{"edited":true}' });
    const next = editCustomizeFlow(
      ourZip((config) => void (config.solution.version = '1.0.0.9')),
      (actions) => void (actions.Our_new_step = { type: 'Compose', inputs: 'ours', runAfter: {} }),
    );
    await writeFile(path.join(dir, 'next.zip'), zipBytes(next));
    const text = await cosell(['status', '--env', 'staging']);
    expect(text.stdout).toMatch(/\n {2}customised flow "\[Customize\] Create or Get Details[^"]*" has an unmanaged \(Active\) layer\n/);
    expect(text.stdout).toContain('conflicts unknown: give the zip of our next version (--zip)');
    const json = await cosell(['status', '--env', 'staging', '--zip', 'next.zip', '--json']);
    expect(json.code).toBe(0);
    const [staging] = JSON.parse(json.stdout).environments;
    expect(staging.customisations.customised).toEqual([
      expect.objectContaining({ kind: 'flow', id: CUSTOMIZE_FLOW_ID, conflict: true, ourChanges: ['added action Our_new_step'] }),
    ]);
    expect(staging.customisations.next).toEqual({ label: 'next.zip', version: '1.0.0.9' });
  });

  test('promote refuses a zip that is not the artefact staging was given', async () => {
    await writeZipFile(dir, '1.0.0.5');
    const result = await cosell(['promote', 'CoSellSync_1_0_0_5_managed.zip', '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /is not the artefact staging was given: sha256 [0-9a-f]{64}, but staging got CoSellSync_1_0_0_0_managed.zip/,
    );
  });

  test('promote refuses a staging with a flow off, and never downgrades production', async () => {
    const flow = [...envs.staging.dv.alm.workflows.values()][0]!;
    flow.statecode = 0;
    const unhealthy = await cosell(['promote', zip]);
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stderr).toMatch(
      /^error: staging is not ready to promote from: it holds CoSellSync 1\.0\.0\.0 \(expected 1\.0\.0\.0\), and not every flow is on/,
    );
    flow.statecode = 1;

    const higher = await cosell(['deploy', 'CoSellSync_1_0_0_5_managed.zip', '--env', 'production', '--poll-interval', '0.1']);
    expect(higher.code).toBe(0);
    const before = envs.production.dv.calls.length;
    const downgrade = await cosell(['promote', zip]);
    expect(downgrade.code).toBe(1);
    expect(downgrade.stderr).toMatch(
      /^error: CoSellSync 1\.0\.0\.5 is installed and CoSellSync_1_0_0_0_managed\.zip is the lower version 1\.0\.0\.0; deploy never downgrades/,
    );
    expect(envs.production.dv.calls.slice(before).every((call) => call.method === 'GET')).toBe(true);
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { webhookSteps } from '../../deploy/webhook.js';
import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { defaultConfig, writeProjectConfig } from '../support/model.js';
import { builtPackage, builtZip, filledSettings, writeZipFile } from './support.js';
import { writeZip, readZip } from '../../core/io/zip.js';

const ENVIRONMENT = {
  orgUrl: 'https://contoso-staging.crm.dynamics.com',
  tenantId: '11111111-2222-4333-8444-555555555555',
  clientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
};

/** A project folder with a zip, a configuration with a staging environment and a filled settings file. */
async function project(label: string, environments: Array<'staging' | 'production'> = ['staging']): Promise<string> {
  const dir = await tempDir(label);
  const config = defaultConfig();
  config.environments = Object.fromEntries(
    environments.map((name) => [name, { ...ENVIRONMENT, orgUrl: `https://contoso-${name}.crm.dynamics.com` }]),
  );
  await writeProjectConfig(dir, config);
  await mkdir(path.join(dir, 'settings'));
  for (const name of environments) await writeFile(path.join(dir, 'settings', `${name}.json`), JSON.stringify(filledSettings()));
  await writeZipFile(dir);
  return dir;
}

const ZIP = 'CoSellSync_1_0_0_0_managed.zip';

/** Runs the CLI with its own process environment; no request can leave: fetch is refused. */
async function cosell(dir: string, args: string[], env: Record<string, string> = { COSELL_CLIENT_SECRET: 'some-secret' }) {
  const io = { ...captureIo(dir), env };
  const original = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('no network in this test'));
  try {
    return { code: await runCli(args, io), stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
  } finally {
    globalThis.fetch = original;
  }
}

describe('deploy, promote, status: --help', () => {
  test.each([
    ['deploy', ['--dry-run', '--json', '--env <name>', '--settings <file>']],
    ['promote', ['--dry-run', '--json', '--from <name>', '--to <name>']],
    ['status', ['--json', '--env <name>']],
  ])('%s --help names its options', async (command, options) => {
    const io = captureIo(process.cwd());
    expect(await runCli([command, '--help'], io)).toBe(0);
    for (const option of options) expect(io.stdout.join('')).toContain(option);
  });
});

describe('deploy stops before any call on bad input, saying what and how to fix', () => {
  test('no credential in the environment', async () => {
    const dir = await project('deploy-no-credential');
    const result = await cosell(dir, ['deploy', ZIP, '--env', 'staging'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: no credential for environment "staging": neither COSELL_STAGING_CLIENT_SECRET, COSELL_CLIENT_SECRET/,
    );
  });

  test('with --json a failure is also one JSON document on stdout', async () => {
    const dir = await project('deploy-json-failure');
    const result = await cosell(dir, ['deploy', ZIP, '--env', 'staging', '--json'], {});
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      command: 'deploy',
      ok: false,
      error: expect.stringMatching(/^no credential for environment "staging"/),
    });
  });

  test('an environment missing from pac.config.json', async () => {
    const dir = await project('deploy-no-env');
    const result = await cosell(dir, ['deploy', ZIP, '--env', 'production']);
    expect(result.stderr).toBe(
      'error: pac.config.json /environments/production: is missing\n  fix: add "environments": { "production": { "orgUrl": "https://<org>.crm.dynamics.com", "tenantId": "<GUID>", "clientId": "<GUID>" } } (README: one-time set-up)',
    );
  });

  test('a settings file with an empty value and a missing connection id', async () => {
    const dir = await project('deploy-bad-settings');
    const settings = filledSettings();
    settings.EnvironmentVariables[1]!.Value = '';
    settings.ConnectionReferences[2]!.ConnectionId = '';
    await writeFile(path.join(dir, 'settings', 'staging.json'), JSON.stringify(settings));
    const result = await cosell(dir, ['deploy', ZIP, '--env', 'staging']);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('error:') || line.startsWith('settings/'))).toEqual([
      expect.stringMatching(
        /^error: settings\/staging.json \/EnvironmentVariables\/1\/Value: pcs_CustomerCountryCodeField \(String\): is empty/,
      ),
      expect.stringMatching(/^settings\/staging.json \/ConnectionReferences\/2\/ConnectionId: .* has no connection id$/),
    ]);
  });

  test('a missing settings file names the command that writes it', async () => {
    const dir = await project('deploy-no-settings');
    const result = await cosell(dir, ['deploy', ZIP, '--env', 'staging', '--settings', 'settings/other.json']);
    expect(result.stderr).toBe(
      'error: settings/other.json: does not exist\n  fix: write it with `cosell settings init <zip> --out <file>` and fill in the values for the environment',
    );
  });

  test('a zip that fails check (a flow file removed) is refused', async () => {
    const dir = await project('deploy-bad-zip');
    const entries = readZip(builtZip(), ZIP).filter((entry) => !entry.name.startsWith('Workflows/'));
    await writeFile(path.join(dir, 'broken.zip'), writeZip(entries));
    const result = await cosell(dir, ['deploy', 'broken.zip', '--env', 'staging']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: broken.zip: fails `cosell check` \(\d+ critical, \d+ high.*\); Dataverse would reject it\n {2}fix: run `cosell check broken.zip`/,
    );
  });

  test('an unreachable sign-in authority is named, and the secret is in no message', async () => {
    const dir = await project('deploy-unreachable');
    const result = await cosell(dir, ['deploy', ZIP, '--env', 'staging'], {
      COSELL_CLIENT_SECRET: 'top-secret-value',
      COSELL_AUTHORITY_HOST: 'https://127.0.0.1:9',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: sign-in as aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee to tenant 11111111-2222-4333-8444-555555555555 failed/,
    );
    expect(result.stderr + result.stdout).not.toContain('top-secret-value');
  });
});

describe('promote refuses before any call', () => {
  test('an artefact never deployed to staging', async () => {
    const dir = await project('promote-unknown', ['staging', 'production']);
    const result = await cosell(dir, ['promote', ZIP]);
    expect(result.stderr).toBe(
      `error: .cosell/deployments.json /environments/staging: has no deployment: ${ZIP} was never deployed to staging\n  fix: run \`cosell deploy ${ZIP} --env staging\` first`,
    );
  });
});

describe('the webhook step', () => {
  test('names the inbound flow, its trigger and the registration flow, with the environment filled in', () => {
    const pkg = builtPackage();
    const step = webhookSteps(pkg, ENVIRONMENT.orgUrl)!;
    const inbound = pkg.flows.find((flow) => flow.name === step.inboundFlow)!;
    expect(step).toMatchObject({
      inboundFlow: 'Partner Center to Dynamics 365',
      trigger: 'manual',
      registrationFlow: expect.stringMatching(/Webhook Registration/),
    });
    expect(step.steps[0]).toContain(ENVIRONMENT.orgUrl);
    expect(step.steps[1]).toContain(inbound.id);
    expect(step.steps[2]).toContain(`"${step.registrationFlow!}" with "Http Trigger Endpoint"`);
  });
});

import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { readZip } from '../../core/io/zip.js';
import { projectFile } from '../../core/paths.js';
import { DataverseEmulator } from '../../sim/dataverse/emulator.js';
import { TokenEndpoint } from '../../sim/dataverse/token-endpoint.js';
import { writeProjectControl } from '../pcf/support.js';
import { tempDir } from '../support/cli.js';
import { defaultConfig, writeProjectConfig } from '../support/model.js';
import { model } from '../sim-dataverse/support.js';
import { builtPackage, connectionIdOf, filledSettings } from './support.js';
import { clientCertificate, httpsFront, localTls } from './tls.js';

/**
 * Issue 11 point 5, secrets: every artefact the CLI writes (both zips, check/unpack/settings/simulate output, the
 * deploy plan, two real deploys, a failed sign-in, the deployment record) and everything it prints, with a test
 * client secret AND a test client certificate in the environment of every command, hold neither the secret, nor the
 * certificate's private key, nor any bearer token the token endpoint issued. Zips are searched entry by entry after
 * decompression (their stored bytes are deflated); each needle is also searched in UTF-16LE, base64 and URL encoding.
 */
const run = promisify(execFile);
const BIN = projectFile('dist', 'scripts', 'bin.js');
const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const UNKNOWN_CLIENT = 'ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SECRET = 'T3st~secret.Q8wN_zu9-4Ivz';
const ZIP = 'CoSellSync_1_0_0_0_managed.zip';
const realClock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

interface Output {
  command: string;
  code: number;
  stdout: string;
  stderr: string;
}

/** The forms a needle can take in bytes: as is (UTF-8), UTF-16LE, base64 and percent-encoded. */
const encodings = (needle: string): Buffer[] => [
  Buffer.from(needle),
  Buffer.from(needle, 'utf16le'),
  Buffer.from(Buffer.from(needle).toString('base64').replace(/=+$/, '')),
  Buffer.from(encodeURIComponent(needle)),
];

/** Every file under `dir` as [label, bytes]; a zip also yields each of its entries, decompressed (recursively). */
async function artefacts(dir: string): Promise<Array<[string, Buffer]>> {
  const found: Array<[string, Buffer]> = [];
  const add = (label: string, bytes: Buffer): void => {
    found.push([label, bytes]);
    if (bytes.subarray(0, 4).equals(Buffer.from('PK\u0003\u0004', 'latin1'))) {
      for (const entry of readZip(bytes, label)) add(`${label}!/${entry.name}`, Buffer.from(entry.data));
    }
  };
  const walk = async (folder: string): Promise<void> => {
    for (const name of await readdir(folder)) {
      const file = path.join(folder, name);
      if ((await stat(file)).isDirectory()) await walk(file);
      else add(path.relative(dir, file), await readFile(file));
    }
  };
  await walk(dir);
  return found;
}

/** Where a needle (in any of its encodings) occurs: "<artefact>: <needle name>". */
function leaks(haystacks: Array<[string, Buffer]>, needles: Record<string, string>): string[] {
  const hits: string[] = [];
  for (const [label, bytes] of haystacks) {
    for (const [name, needle] of Object.entries(needles)) {
      if (encodings(needle).some((form) => bytes.includes(form))) hits.push(`${label}: ${name}`);
    }
  }
  return hits;
}

/**
 * The distinctive parts of a private key: the base64 body of its PEM, whole and line by line (a printed line is a leak
 * too), in the PKCS#8 and PKCS#1 encodings a program may re-export it in.
 */
function privateKeyNeedles(pem: string): Record<string, string> {
  const key = createPrivateKey(pem);
  const needles: Record<string, string> = {};
  for (const type of ['pkcs8', 'pkcs1'] as const) {
    const exported = key.export({ format: 'pem', type }).toString();
    const lines = exported.split(/\r?\n/).filter((line) => line.length >= 40 && !line.startsWith('-----'));
    needles[`private key (${type})`] = lines.join('');
    lines.forEach((line, index) => (needles[`private key (${type}) line ${index + 1}`] = line));
  }
  return needles;
}

describe('secrets never land in artefacts or output', () => {
  let token: TokenEndpoint;
  let environments: Array<{ dv: DataverseEmulator; front: { url: string; stop: () => Promise<void> } }> = [];
  const bearerTokens = new Set<string>();

  afterAll(async () => {
    for (const environment of environments) {
      await environment.front.stop();
      await environment.dv.stop();
    }
    await token?.stop();
  });

  test('[all CLI artefacts · secret, private key, bearer tokens] nowhere in zips, files, stdout or stderr', async () => {
    if (!existsSync(projectFile('dist', 'scripts', 'commands', 'deploy.js')))
      throw new Error('dist/ has no deploy command: run `npm run compile` first');
    const tls = await localTls();
    const certificate = await clientCertificate();
    token = new TokenEndpoint({ tls, tenantId: TENANT, clients: [{ clientId: CLIENT, secret: SECRET, certificatePem: certificate.cert }] });
    await token.start();
    const start = async () => {
      const dv = new DataverseEmulator({ model, clock: realClock });
      await dv.start();
      dv.alm.importDurationMs = 50;
      // Every bearer token the CLI presents is one the token endpoint issued: collect them as needles.
      dv.alm.requireAuthorization((header) => {
        if (header?.startsWith('Bearer ')) bearerTokens.add(header.slice('Bearer '.length));
        return token.accepts(header);
      });
      for (const reference of builtPackage().connectionReferences)
        dv.alm.addConnection(connectionIdOf(reference.logicalName), reference.connectorId);
      return { dv, front: await httpsFront(dv.baseUrl, tls) };
    };
    environments = [await start(), await start()];
    const [staging, production] = environments;

    const dir = await tempDir('secrets');
    const config = defaultConfig();
    config.environments = {
      staging: { orgUrl: staging!.front.url, tenantId: TENANT, clientId: CLIENT },
      production: { orgUrl: production!.front.url, tenantId: TENANT, clientId: CLIENT },
    };
    await writeProjectConfig(dir, config);
    await writeFile(
      path.join(dir, 'unknown-client.json'),
      JSON.stringify({
        ...config,
        environments: { ...config.environments, staging: { ...config.environments.staging, clientId: UNKNOWN_CLIENT } },
      }),
    );
    await writeProjectControl(dir);
    await mkdir(path.join(dir, 'settings'));
    for (const name of ['staging', 'production'])
      await writeFile(path.join(dir, 'settings', `${name}.json`), JSON.stringify(filledSettings()));
    // The local CA's certificate is the test's, not an artefact: it lives outside the project folder.
    const caFile = path.join(await tempDir('secrets-ca'), 'ca.pem');
    await writeFile(caFile, tls.ca);

    const base = { ...process.env, NODE_EXTRA_CA_CERTS: caFile, COSELL_AUTHORITY_HOST: token.authorityHost };
    const both = { ...base, COSELL_CLIENT_SECRET: SECRET, COSELL_CLIENT_CERTIFICATE: certificate.pem };
    const certificateOnly = { ...base, COSELL_CLIENT_CERTIFICATE: certificate.pem };
    const outputs: Output[] = [];
    const cosell = async (args: string[], env: NodeJS.ProcessEnv = both): Promise<Output> => {
      const result = await run(process.execPath, [BIN, ...args], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }).then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
      );
      const output = { command: args.join(' '), ...result };
      outputs.push(output);
      return output;
    };

    /** Runs a command that must succeed; a failure shows what it printed. */
    const succeeds = async (args: string[], env?: NodeJS.ProcessEnv): Promise<Output> => {
      const output = await cosell(args, env);
      expect([output.command, output.code, output.code === 0 ? '' : `${output.stderr}${output.stdout}`]).toEqual([output.command, 0, '']);
      return output;
    };
    const zip = path.join('out', ZIP);
    await succeeds(['build', '--out', 'out']);
    // Independent commands run side by side (the machine's cores), in two waves: reading the zip, then deploying it.
    const [check] = await Promise.all([
      cosell(['check', zip, '--json']),
      cosell(['check', zip, path.join('out', 'CoSellSync_1_0_0_0.zip')]),
      succeeds(['unpack', '--zipfile', zip, '--folder', 'unpacked']),
      succeeds(['settings', 'init', zip, '--out', 'settings/skeleton.json']),
      succeeds(['simulate', '--zip', zip, '-s', 'cosell-referral-created', 'hostile-text', '-v']),
      succeeds(['deploy', zip, '--env', 'staging', '--dry-run']),
    ]);
    expect(JSON.parse(check.stdout)).toHaveProperty('results');
    const [, , failedSignIn] = await Promise.all([
      succeeds(['deploy', zip, '--env', 'staging', '--json', '--poll-interval', '0.05']),
      succeeds(['deploy', zip, '--env', 'production', '--poll-interval', '0.05'], certificateOnly),
      cosell(['deploy', zip, '--env', 'staging', '-c', 'unknown-client.json']),
    ]);
    expect([failedSignIn.code, failedSignIn.stderr]).toEqual([1, expect.stringMatching(/AADSTS700016/)]);

    expect(existsSync(path.join(dir, '.cosell', 'deployments.json'))).toBe(true);
    expect(token.requests.filter((request) => request.status === 200).map((request) => request.credential)).toEqual(
      expect.arrayContaining(['secret', 'assertion']),
    );
    expect(bearerTokens.size).toBeGreaterThanOrEqual(2);

    const haystacks: Array<[string, Buffer]> = [
      ...(await artefacts(dir)),
      ...outputs.flatMap((output): Array<[string, Buffer]> => [
        [`stdout of cosell ${output.command}`, Buffer.from(output.stdout)],
        [`stderr of cosell ${output.command}`, Buffer.from(output.stderr)],
      ]),
    ];
    expect(haystacks.filter(([label]) => label.includes('.zip!/')).length).toBeGreaterThan(20);
    const needles = {
      'client secret': SECRET,
      ...privateKeyNeedles(certificate.pem),
      ...Object.fromEntries([...bearerTokens].map((bearer, index) => [`bearer token ${index + 1}`, bearer])),
    };
    expect(leaks(haystacks, needles)).toEqual([]);
  }, 60_000);
});

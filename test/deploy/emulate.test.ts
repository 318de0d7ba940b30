/** `cosell emulate` in process: what it prints and writes, its sign-in endpoint, and its refusals. */
import { X509Certificate } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { request } from 'node:https';
import path from 'node:path';
import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { writeProjectConfig } from '../support/model.js';

/** POSTs a form over HTTPS trusting `ca`; resolves to the status and JSON body. */
function postForm(url: string, form: Record<string, string>, ca: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', ca, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, (answer) => {
      let text = '';
      answer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

test('prints the environments block, the settings init lines and the exports; writes only the CA certificate; its secret signs in', async () => {
  const dir = await tempDir('emulate');
  await writeProjectConfig(dir);
  let stop!: () => void;
  const io = { ...captureIo(dir), until: new Promise<void>((resolve) => (stop = resolve)) };
  const running = runCli(['emulate', '--port-base', '0', '--state-dir', 'state', '--no-log'], io);
  while (io.stdout.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  const text = io.stdout[0]!;
  const exports = Object.fromEntries(
    [...text.matchAll(/^export (\w+)=(.*)$/gm)].map((match) => [match[1], match[2]!.replace(/^'|'$/g, '')]),
  );
  expect(Object.keys(exports)).toEqual(['COSELL_CLIENT_SECRET', 'COSELL_AUTHORITY_HOST', 'NODE_EXTRA_CA_CERTS']);
  expect(exports.NODE_EXTRA_CA_CERTS).toBe(path.join(dir, 'state', 'ca.pem'));
  const environments = JSON.parse(/^\{\n[\s\S]*?\n\}$/m.exec(text)![0]).environments;
  expect(Object.keys(environments)).toEqual(['staging', 'production']);
  expect(text).toContain(
    'npx cosell settings init out/CoSellSync_1_0_0_0_managed.zip --out settings/production.json --connection shared_partnercenterref=production-partnercenterref',
  );

  // Only the CA's certificate is on disk: a CA, no key, no secret.
  expect(await readdir(path.join(dir, 'state'))).toEqual(['ca.pem']);
  const ca = await readFile(path.join(dir, 'state', 'ca.pem'), 'utf8');
  expect(new X509Certificate(ca).ca).toBe(true);
  expect(ca).not.toMatch(/PRIVATE KEY/);
  expect(ca).not.toContain(exports.COSELL_CLIENT_SECRET);

  // The printed secret and ids sign in, for the printed org URL only (CONTRACT.md section L, TokenEndpoint).
  const tokenUrl = `${exports.COSELL_AUTHORITY_HOST!}/${environments.staging.tenantId as string}/oauth2/v2.0/token`;
  const form = {
    grant_type: 'client_credentials',
    client_id: environments.staging.clientId as string,
    client_secret: exports.COSELL_CLIENT_SECRET!,
  };
  const granted = await postForm(tokenUrl, { ...form, scope: `${environments.staging.orgUrl as string}/.default` }, ca);
  expect(granted.status).toBe(200);
  expect(granted.body.token_type).toBe('Bearer');
  expect((await postForm(tokenUrl, { ...form, scope: 'https://elsewhere.crm.dynamics.com/.default' }, ca)).status).toBe(400);
  expect(
    (await postForm(tokenUrl, { ...form, client_secret: 'guess', scope: `${environments.staging.orgUrl as string}/.default` }, ca)).status,
  ).toBe(401);

  stop();
  expect(await running).toBe(0);
  expect(io.stdout.at(-1)).toMatch(/^cosell emulate: stopped/);
});

test('a port in use and a bad --port-base are refused with the fix', async () => {
  const dir = await tempDir('emulate-port');
  await writeProjectConfig(dir);
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  const port = (blocker.address() as { port: number }).port;
  try {
    const io = captureIo(dir);
    expect(await runCli(['emulate', '--port-base', String(port - 1), '--no-log'], io)).toBe(1);
    expect(io.stderr[0]).toMatch(new RegExp(`^error: --port-base: a port from ${port - 1} to ${port + 1} on 127\\.0\\.0\\.1 is in use`));
  } finally {
    blocker.close();
  }
  const bad = captureIo(dir);
  expect(await runCli(['emulate', '--port-base', 'eighty'], bad)).toBe(1);
  expect(bad.stderr[0]).toBe('error: --port-base: "eighty" is not a port number\n  fix: give e.g. 7443, or 0 for free ports');
});

test('emulate --help names its options and says what is written', async () => {
  const io = captureIo(await tempDir('emulate-help'));
  expect(await runCli(['emulate', '--help'], io)).toBe(0);
  const help = io.stdout.join('');
  for (const option of ['--port-base <n>', '--state-dir <dir>', '--config <file>', '--no-log']) expect(help).toContain(option);
  expect(help).toContain('never a key or a secret');
});

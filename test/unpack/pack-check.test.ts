import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../scripts/cli.js';
import { captureIo } from '../support/cli.js';
import { writeProjectConfig } from '../support/model.js';
import { writeProjectControl } from '../pcf/support.js';

const MANAGED = 'out/CoSellSync_1_0_0_0_managed.zip';
let project: string;

/** A project folder with the default config and a built control; its managed build unpacked into src/. */
beforeAll(async () => {
  project = await mkdtemp(path.join(tmpdir(), 'cosell-pack-check-'));
  await writeProjectConfig(project);
  await writeProjectControl(project);
  expect(await runCli(['build', '--package-type', 'managed'], captureIo(project))).toBe(0);
  expect(await runCli(['unpack', '--zipfile', MANAGED, '--folder', 'src'], captureIo(project))).toBe(0);
});
afterAll(async () => {
  await rm(project, { recursive: true, force: true });
});

/** A copy of src/ named `name`, with the first file or folder matching `victim` removed. */
async function brokenCopy(name: string, folder: string, victim: (entry: string) => boolean): Promise<string> {
  const copy = path.join(project, name);
  await cp(path.join(project, 'src'), copy, { recursive: true });
  const entries = await readdir(path.join(copy, folder), { recursive: true });
  const found = entries.find((entry) => victim(entry.split(path.sep).join('/')));
  if (!found) throw new Error(`nothing to remove in ${folder}`);
  await rm(path.join(copy, folder, found), { recursive: true });
  return name;
}

async function pack(folder: string, zip: string, ...flags: string[]) {
  const io = captureIo(project);
  const code = await runCli(['pack', '--folder', folder, '--zipfile', zip, ...flags], io);
  const exists = await readFile(path.join(project, zip)).then(
    () => true,
    () => false,
  );
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n'), exists };
}

describe('cosell pack runs check before writing', () => {
  test('our own unpacked build packs back to the same bytes, without blocking findings', async () => {
    const result = await pack('src', 'same.zip');
    expect(result).toMatchObject({ code: 0, err: '', exists: true });
    expect(result.out).not.toMatch(/Critical|High/);
    expect((await readFile(path.join(project, 'same.zip'))).equals(await readFile(path.join(project, MANAGED)))).toBe(true);
  });

  test.each([
    ["a flow's .data.xml", 'Workflows', (entry: string) => entry.endsWith('.json.data.xml'), 'Critical      root-workflow-missing'],
    ['an option set', 'OptionSets', (entry: string) => entry === 'pcs_referralstatus.xml', 'Critical      root-optionset-missing'],
    [
      "an environment variable's folder",
      'environmentvariabledefinitions',
      (entry: string) => entry === 'pcs_Checkmark',
      'High          flow-envvar-undefined',
    ],
  ])('a folder missing %s: findings printed, exit 1, nothing written; --no-check writes it', async (what, folder, victim, finding) => {
    const name = await brokenCopy(`missing-${folder}`, folder, victim);
    const refused = await pack(name, 'broken.zip');
    expect(refused.code).toBe(1);
    expect(refused.exists).toBe(false);
    expect(refused.out).toContain('== broken.zip');
    expect(refused.out).toContain(finding);
    expect(refused.err).toMatch(/^error: broken\.zip: was not written: Dataverse would reject it \(\d+ critical, \d+ high/);
    expect(refused.err).toContain('--no-check writes the zip anyway');
    expect(refused.err).not.toMatch(/\n\s+at /);

    const forced = await pack(name, 'forced.zip', '--no-check');
    expect(forced).toMatchObject({ code: 0, err: '', exists: true });
    expect(forced.out).not.toContain(finding);
  });

  test("a control folder missing its bundle.js is refused, naming the manifest's resource", async () => {
    const name = await brokenCopy('missing-bundle', 'Controls', (entry) => entry.endsWith('/bundle.js'));
    for (const flags of [[], ['--no-check']]) {
      const result = await pack(name, 'nobundle.zip', ...flags);
      expect(result.code).toBe(1);
      expect(result.exists).toBe(false);
      expect(result.err).toMatch(
        /^error: missing-bundle\/Controls\/pcs_CoSell\.PartnerCenterSection\/ControlManifest\.xml <resources>: names bundle\.js, which is not in the folder/,
      );
    }
  });
});

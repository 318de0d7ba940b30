import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeText, readZip, writeZip, type ZipEntry } from '../../core/io/zip.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { checkAgainstPrevious } from '../../packaging/check/previous.js';
import { compareVersions } from '../../core/version.js';
import { readBuiltControl } from '../../packaging/pcf-control.js';
import { runCli } from '../../scripts/cli.js';
import type { CodeComponent } from '../../solution/model.js';
import { captureIo, tempDir } from '../support/cli.js';
import { defaultModel } from '../support/model.js';
import { writeBuiltControlFixture } from '../pcf/support.js';
import { summary, textOf } from './helpers.js';

/**
 * `cosell check --previous <zip>`: two real builds of the solution with the PCF control, 1.0.0.0 and 1.0.0.1
 * (their control versions differ, 1.0.0 and 1.0.1), and a tampered 1.0.0.0 whose bundle.js changed while its
 * control version did not.
 */

const CONTROL = 'pcs_CoSell.PartnerCenterSection';
const BUNDLE = `Controls/${CONTROL}/bundle.js`;
const MANIFEST = `Controls/${CONTROL}/ControlManifest.xml`;

let control: CodeComponent;
beforeAll(async () => {
  control = await readBuiltControl(await writeBuiltControlFixture(await tempDir('previous')), 'pcs');
});

function build(version: string, edit: (component: CodeComponent) => CodeComponent = (component) => component): ZipEntry[] {
  const model = defaultModel({ controls: [edit(control)] }, (config) => {
    config.solution.version = version;
  });
  const [built] = buildPackages(model, ['managed']);
  return readZip(built!.bytes, built!.fileName);
}

const withBundle =
  (text: string) =>
  (component: CodeComponent): CodeComponent => ({
    ...component,
    files: component.files.map((file) => (file.path === 'bundle.js' ? { ...file, data: encodeText(text) } : file)),
  });

const controlVersion = (entries: readonly ZipEntry[]): string => /<control [^>]*? version="([^"]+)"/.exec(textOf(entries, MANIFEST))![1]!;

describe('check against the previous release', () => {
  test('1.0.0.0 and 1.0.0.1 give two control versions; an upgrade with a changed bundle and a raised version passes', () => {
    const first = build('1.0.0.0');
    const second = build('1.0.0.1', withBundle('/* release 1.0.0.1 */'));
    expect([controlVersion(first), controlVersion(second)]).toEqual(['1.0.0', '1.0.1']);
    expect(textOf(second, BUNDLE)).not.toBe(textOf(first, BUNDLE));
    expect(checkAgainstPrevious(second, first, 'first.zip')).toEqual([]);
    // The same build again (nothing changed) passes too.
    expect(checkAgainstPrevious(build('1.0.0.0'), first, 'first.zip')).toEqual([]);
  });

  test('a tampered bundle with the same control version → control-version-not-raised / High', () => {
    const first = build('1.0.0.0');
    const tampered = build('1.0.0.0', withBundle('/* patched without a new version */'));
    expect(controlVersion(tampered)).toBe(controlVersion(first));
    const findings = checkAgainstPrevious(tampered, first, 'first.zip');
    expect(summary(findings)).toEqual(['control-version-not-raised/High']);
    expect(findings[0]).toMatchObject({ entry: MANIFEST });
    expect(findings[0]?.message).toBe(
      `code component ${CONTROL}: bundle.js changed since first.zip, but its version is 1.0.0 (was 1.0.0); an upgrade keeps the installed files, so the change never reaches users`,
    );
  });

  test('a lower control version with changed files is flagged as well; versions compare numerically', () => {
    const newer = build('1.0.0.1');
    const older = build('1.0.0.0', withBundle('/* rebuilt from an old branch */'));
    expect(summary(checkAgainstPrevious(older, newer, 'newer.zip'))).toEqual(['control-version-not-raised/High']);
    expect(compareVersions('1.0.10', '1.0.9')).toBe(1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
  });

  test('cosell check --previous: exit 1 with the finding for the tampered zip, 0 for the real upgrade', async () => {
    const dir = await tempDir('previous-cli');
    await writeFile(path.join(dir, 'v1000.zip'), writeZip(build('1.0.0.0')));
    await writeFile(path.join(dir, 'v1001.zip'), writeZip(build('1.0.0.1', withBundle('/* 1.0.0.1 */'))));
    await writeFile(path.join(dir, 'tampered.zip'), writeZip(build('1.0.0.0', withBundle('/* tampered */'))));
    const upgrade = captureIo(dir);
    expect(await runCli(['check', '--previous', 'v1000.zip', 'v1001.zip'], upgrade)).toBe(0);
    const tampered = captureIo(dir);
    expect(await runCli(['check', '--previous', 'v1000.zip', 'tampered.zip'], tampered)).toBe(1);
    expect(tampered.stdout.join('')).toContain('control-version-not-raised');
    const missing = captureIo(dir);
    expect(await runCli(['check', '--previous', 'nope.zip', 'v1001.zip'], missing)).toBe(1);
    expect(missing.stderr.join('')).toContain('nope.zip');
  });
});

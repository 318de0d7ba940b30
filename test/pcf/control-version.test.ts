import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserErrors } from '../../core/errors.js';
import { decodeText, type ZipEntry } from '../../core/io/zip.js';
import { generatePackage } from '../../packaging/generate/package.js';
import { readBuiltControl } from '../../packaging/pcf-control.js';
import { validateConfig } from '../../solution/config/config.js';
import { controlVersion } from '../../solution/control-version.js';
import type { CodeComponent } from '../../solution/model.js';
import { tempDir } from '../support/cli.js';
import { defaultConfig, defaultModel } from '../support/model.js';
import { queryXml } from '../support/xpath.js';
import { PCF_SOURCE, writeBuiltControlFixture } from './support.js';

const MANIFEST = 'Controls/pcs_CoSell.PartnerCenterSection/ControlManifest.xml';
const entryData = (entries: readonly ZipEntry[], name: string): Uint8Array => entries.find((entry) => entry.name === name)!.data;
const parts = (version: string): number[] => version.split('.').map(Number);

/** -1, 0 or 1, comparing versions part by part as numbers (the way Dataverse orders versions). */
function compare(a: string, b: string): number {
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** Everything in a manifest but the control's version: each element with its attributes, and the texts. */
function manifestWithoutVersion(xml: Uint8Array): { elements: string[]; texts: string[] } {
  return queryXml(xml, (query) => {
    const names = query.names('//*');
    const attributes = query.attributes('//*');
    return {
      elements: names.map((name, index) => {
        const own = { ...attributes[index]! };
        if (name === 'control') delete own.version;
        return `${name} ${JSON.stringify(own)}`;
      }),
      texts: query.values('//text()[normalize-space()]'),
    };
  });
}

describe('controlVersion: solution major.minor.build.revision → control major.minor.(build × 10000 + revision)', () => {
  test.each([
    ['1.0.0.0', '1.0.0'],
    ['1.0.0.1', '1.0.1'],
    ['1.0.0.9999', '1.0.9999'],
    ['1.0.1.0', '1.0.10000'],
    ['2.3.0.17', '2.3.17'],
    ['999999999.999999999.99999.9999', '999999999.999999999.999999999'],
  ])('%s → %s', (solution, control) => {
    expect(controlVersion(solution)).toBe(control);
  });

  test('every later solution version gives a strictly higher control version', () => {
    const ascending = [
      '0.0.0.0',
      '0.0.0.1',
      '0.0.0.9999',
      '0.0.1.0',
      '0.0.1.1',
      '0.0.99999.9999',
      '0.1.0.0',
      '1.0.0.0',
      '1.0.0.1',
      '1.0.0.2',
      '1.0.1.0',
      '1.0.2.0',
      '1.1.0.0',
      '1.1.0.5',
      '2.0.0.0',
      '10.0.0.0',
    ];
    for (let i = 1; i < ascending.length; i++) {
      expect(compare(ascending[i - 1]!, ascending[i]!)).toBe(-1);
      expect([ascending[i - 1], ascending[i], compare(controlVersion(ascending[i - 1]!), controlVersion(ascending[i]!))]).toEqual([
        ascending[i - 1],
        ascending[i],
        -1,
      ]);
    }
  });

  test.each(['1.0.0.10000', '1.0.100000.0', '1.0.0', '1.0.0.0.0', '1.0.0.01', '1.0.x.0'])('%s is outside the map: an error', (version) => {
    expect(() => controlVersion(version)).toThrow(version);
  });

  test.each(['1.0.0.10000', '1.0.100000.0'])('the configuration refuses version %s at /solution/version, saying why', (version) => {
    const config = defaultConfig();
    config.solution.version = version;
    const error = (() => {
      try {
        validateConfig(config, 'pac.config.json');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UserErrors);
    const [first] = (error as UserErrors).errors;
    expect([first!.where, (error as UserErrors).errors.length]).toEqual(['/solution/version', 1]);
    expect(first!.message).toMatch(/revision at most 9999/);
  });
});

describe('the packaged control manifest takes its version from the solution', () => {
  let control: CodeComponent;
  beforeAll(async () => {
    control = await readBuiltControl(await writeBuiltControlFixture(await tempDir('pcf')), 'pcs');
  });
  const build = (version: string): ZipEntry[] =>
    generatePackage(
      defaultModel({ controls: [control] }, (config) => {
        config.solution.version = version;
      }),
      'managed',
    );
  const packagedVersion = (entries: readonly ZipEntry[]): string =>
    queryXml(entryData(entries, MANIFEST), (xml) => xml.value('/manifest/control/@version'));

  test('1.0.0.0 and 1.0.0.1 give two different, increasing control versions', () => {
    const [first, second] = [packagedVersion(build('1.0.0.0')), packagedVersion(build('1.0.0.1'))];
    expect([first, second]).toEqual(['1.0.0', '1.0.1']);
    expect(compare(first, second)).toBe(-1);
  });

  test('the rest of the manifest is unchanged, and the built manifest keeps its own version', () => {
    const built = control.files.find((file) => file.path === 'ControlManifest.xml')!.data;
    const packaged = entryData(build('2.3.0.17'), MANIFEST);
    expect(packagedVersion(build('2.3.0.17'))).toBe('2.3.17');
    expect(queryXml(built, (xml) => xml.value('/manifest/control/@version'))).toBe('1.0.0');
    const [before, after] = [manifestWithoutVersion(built), manifestWithoutVersion(packaged)];
    expect(after.elements.length).toBeGreaterThan(20);
    expect(after).toEqual(before);
  });

  test('the other control files are packaged byte for byte, and the build stays reproducible', () => {
    const [once, again] = [build('1.0.0.1'), build('1.0.0.1')];
    for (const file of control.files.filter((item) => item.path !== 'ControlManifest.xml')) {
      expect(entryData(once, `Controls/pcs_CoSell.PartnerCenterSection/${file.path}`)).toEqual(file.data);
    }
    expect(decodeText(entryData(again, MANIFEST))).toBe(decodeText(entryData(once, MANIFEST)));
  });

  test('the source manifest in pcf/ keeps version 1.0.0', async () => {
    const source = await readFile(path.join(PCF_SOURCE, 'ControlManifest.Input.xml'));
    expect(queryXml(source, (xml) => xml.value('/manifest/control/@version'))).toBe('1.0.0');
  });
});

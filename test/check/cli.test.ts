import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../scripts/cli.js';
import { writeZip } from '../../core/io/zip.js';
import { captureIo, tempDir } from '../support/cli.js';
import { APPROVALS, CONTOSO, fixtureEntries, REAL_SOLUTIONS, replaceIn } from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';

describeWithShared('cosell check (CLI)', () => {
  test('--json on a real export: one JSON document, exit 0 (no Critical/High)', async () => {
    const file = path.join(REAL_SOLUTIONS, CONTOSO);
    const io = captureIo(REAL_SOLUTIONS);
    expect(await runCli(['check', file, '--json'], io)).toBe(0);
    expect(io.stderr).toEqual([]);
    const report = JSON.parse(io.stdout.join('')) as {
      results: { file: string; findings: { rule: string; severity: string }[]; counts: Record<string, number> }[];
    };
    expect(report.results).toHaveLength(1);
    expect(report.results[0]).toEqual({
      file,
      findings: [
        expect.objectContaining({
          severity: 'Medium',
          rule: 'envvar-value-in-managed',
          entry: 'environmentvariabledefinitions/new_ContosoURL/environmentvariablevalues.json',
        }),
      ],
      counts: { critical: 0, high: 0, medium: 1, low: 0, informational: 0 },
    });
  });

  test('text mode with several zips: header per zip, findings worst first, summary lines; exit 1 when any has Critical', async () => {
    const dir = await tempDir('check');
    const broken = replaceIn(fixtureEntries(APPROVALS), 'solution.xml', '<Managed>0</Managed>', '<Managed>2</Managed>');
    await writeFile(path.join(dir, 'broken.zip'), writeZip(broken));
    const io = captureIo(dir);
    expect(await runCli(['check', path.join(REAL_SOLUTIONS, APPROVALS), 'broken.zip'], io)).toBe(1);
    const text = io.stdout.join('');
    expect(text).toContain(`== ${path.join(REAL_SOLUTIONS, APPROVALS)}\n`);
    expect(text).toContain('== broken.zip\n');
    expect(text).toContain('0 critical, 0 high, 2 medium, 0 low, 0 informational');
    expect(text).toContain('1 critical, 0 high, 2 medium, 0 low, 0 informational');
    const broke = text.slice(text.indexOf('== broken.zip'));
    expect(broke.indexOf('Critical      solution-managed')).toBeLessThan(broke.indexOf('Medium        name-prefix-mismatch'));
    expect(broke).toContain('fix: ');
  });
});

describe('cosell check on damaged input (CLI)', () => {
  test('random bytes: a clear message, exit 1, no stack trace', async () => {
    const dir = await tempDir('check');
    await writeFile(path.join(dir, 'damaged.zip'), Buffer.from('PK\u0003\u0004 truncated garbage that is not really a zip'));
    const io = captureIo(dir);
    expect(await runCli(['check', 'damaged.zip'], io)).toBe(1);
    const output = [...io.stdout, ...io.stderr].join('\n');
    expect(output).toContain('zip-unreadable');
    expect(output).toContain('damaged.zip is not a readable zip archive');
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(output).not.toContain('internal error');
  });

  test("a zip without solution.xml: exit 1 with Dataverse's root-entries message", async () => {
    const dir = await tempDir('check');
    await writeFile(path.join(dir, 'other.zip'), writeZip([{ name: 'notes.txt', data: new TextEncoder().encode('hello') }]));
    const io = captureIo(dir);
    expect(await runCli(['check', 'other.zip', '--json'], io)).toBe(1);
    const report = JSON.parse(io.stdout.join('')) as { results: { findings: { rule: string; severity: string; message: string }[] }[] };
    expect(report.results[0]?.findings).toEqual([
      expect.objectContaining({
        rule: 'root-entries',
        severity: 'Critical',
        message: expect.stringContaining(
          'must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml',
        ),
      }),
    ]);
  });

  test('a missing file or a folder: reported as unreadable, exit 1, no stack trace', async () => {
    const dir = await tempDir('check');
    await mkdir(path.join(dir, 'folder.zip'));
    const io = captureIo(dir);
    expect(await runCli(['check', 'nope.zip', 'folder.zip'], io)).toBe(1);
    const text = io.stdout.join('');
    expect(text).toContain('Critical      zip-unreadable\n    nope.zip does not exist\n');
    expect(text).toContain('Critical      zip-unreadable\n    folder.zip is a folder, not a .zip file\n');
    expect(io.stderr).toEqual([]);
  });

  test('no file given: commander usage error, non-zero exit', async () => {
    const io = captureIo(await tempDir('check'));
    expect(await runCli(['check'], io)).not.toBe(0);
    expect(io.stderr.join('')).toContain("missing required argument 'zip'");
  });
});

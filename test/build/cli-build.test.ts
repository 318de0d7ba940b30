import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../scripts/cli.js';
import { captureIo, tempDir } from '../support/cli.js';
import { writeProjectControl } from '../pcf/support.js';
import { writeProjectConfig } from '../support/model.js';

/** A project folder: the default test configuration and a built PCF control where `cosell build` looks for them. */
async function project(): Promise<string> {
  const dir = await tempDir('build');
  await writeProjectConfig(dir);
  await writeProjectControl(dir);
  return dir;
}

describe('cosell build', () => {
  test('writes the managed and unmanaged zips into out/', async () => {
    const dir = await project();
    const io = captureIo(dir);
    expect(await runCli(['build'], io)).toBe(0);
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['CoSellSync_1_0_0_0.zip', 'CoSellSync_1_0_0_0_managed.zip']);
    expect(io.stdout.join('\n')).toMatch(/^managed {3}out\/CoSellSync_1_0_0_0_managed\.zip {2}\d+ bytes {2}sha256 [0-9a-f]{64}/m);
  });

  test('--package-type managed builds only the managed zip', async () => {
    const dir = await project();
    expect(await runCli(['build', '--package-type', 'managed', '--out', 'dist-zips'], captureIo(dir))).toBe(0);
    expect(await readdir(path.join(dir, 'dist-zips'))).toEqual(['CoSellSync_1_0_0_0_managed.zip']);
  });

  test('a bad config exits non-zero with the field and fix, and leaves out/ untouched', async () => {
    const dir = await project();
    expect(await runCli(['build'], captureIo(dir))).toBe(0);
    const before = await readFile(path.join(dir, 'out', 'CoSellSync_1_0_0_0_managed.zip'));
    const config = JSON.parse(await readFile(path.join(dir, 'pac.config.json'), 'utf8'));
    config.publisher.customizationPrefix = 'mscrm';
    config.solution.version = '1.0.0.1';
    await writeFile(path.join(dir, 'pac.config.json'), JSON.stringify(config));
    const io = captureIo(dir);
    expect(await runCli(['build'], io)).toBe(1);
    const message = io.stderr.join('\n');
    expect(message).toContain('pac.config.json /publisher/customizationPrefix: "mscrm" must match pattern');
    expect(message).toContain('fix: use 2–8 lower-case letters or digits');
    expect(message).not.toMatch(/\n\s+at /);
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['CoSellSync_1_0_0_0.zip', 'CoSellSync_1_0_0_0_managed.zip']);
    expect((await readFile(path.join(dir, 'out', 'CoSellSync_1_0_0_0_managed.zip'))).equals(before)).toBe(true);
  });

  test('--out naming a file, a path below a file, or a zip name taken by a folder: a clear error, no stack trace', async () => {
    const dir = await project();
    await writeFile(path.join(dir, 'taken'), 'mine');
    const cases: Array<[string[], string]> = [
      [['--out', 'taken'], 'error: taken: is a file, not a folder\n  fix: give --out a folder path (it is created when missing)'],
      [
        ['--out', 'taken/zips'],
        'error: taken/zips: cannot be created: taken is a file, not a folder\n  fix: give --out a path whose folders',
      ],
    ];
    for (const [args, message] of cases) {
      const io = captureIo(dir);
      expect(await runCli(['build', ...args], io)).toBe(1);
      expect(io.stderr.join('\n')).toContain(message);
      expect(io.stderr.join('\n')).not.toMatch(/internal error|\n\s+at /);
    }
    expect(await readFile(path.join(dir, 'taken'), 'utf8')).toBe('mine');

    await mkdir(path.join(dir, 'out', 'CoSellSync_1_0_0_0_managed.zip'), { recursive: true });
    const io = captureIo(dir);
    expect(await runCli(['build'], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('error: out/CoSellSync_1_0_0_0_managed.zip: is a folder\n  fix: move that folder away');
    expect(await readdir(path.join(dir, 'out'))).toEqual(['CoSellSync_1_0_0_0_managed.zip']);
  });

  test('--config naming a folder says so and names the file inside it', async () => {
    const dir = await project();
    const io = captureIo(dir);
    expect(await runCli(['build', '--config', '.'], io)).toBe(1);
    expect(io.stderr.join('\n')).toBe(
      'error: .: is a folder, not a configuration file\n  fix: pass the file itself: --config pac.config.json',
    );
  });

  test('every subcommand has --help', async () => {
    for (const command of ['build', 'check', 'unpack', 'pack', 'simulate']) {
      const io = captureIo(process.cwd());
      expect(await runCli([command, '--help'], io)).toBe(0);
      expect(io.stdout.join('')).toContain(`Usage: cosell ${command}`);
    }
  });
});

describe('cosell build runs check before writing', () => {
  test('a flow using an undeclared connection reference stops the build and writes nothing', async () => {
    const { buildSolution } = await import('../../packaging/build-solution.js');
    const { componentId } = await import('../../solution/ids.js');
    const dir = await project();
    const flow = {
      id: componentId('workflow', 'bad-flow'),
      name: 'Bad Flow',
      description: '',
      document: {
        properties: {
          connectionReferences: {
            shared_x: {
              runtimeSource: 'embedded',
              connection: { connectionReferenceLogicalName: 'pcs_Missing' },
              api: { name: 'shared_x' },
            },
          },
          definition: { triggers: {}, actions: {} },
        },
        schemaVersion: '1.0.0.0',
      },
    };
    const options = {
      configFile: path.join(dir, 'pac.config.json'),
      outDir: path.join(dir, 'out'),
      types: ['managed'] as const,
      extensions: { flows: [flow] },
    };
    await expect(buildSolution(options)).rejects.toThrow(/would reject[\s\S]*connection-reference-undeclared[\s\S]*pcs_Missing/);
    await expect(readdir(path.join(dir, 'out'))).rejects.toThrow(/ENOENT/);
    const written = await buildSolution({ ...options, check: false });
    expect(written).toHaveLength(1);
  });
});

describe('cosell build refuses a flow that would fail in Power Automate', () => {
  test('an expression error names the flow, the action path and the problem; nothing is written', async () => {
    const { buildSolution } = await import('../../packaging/build-solution.js');
    const { componentId } = await import('../../solution/ids.js');
    const dir = await project();
    const flow = {
      id: componentId('workflow', 'broken-expression'),
      name: 'Broken Expression',
      description: '',
      document: {
        properties: {
          connectionReferences: {},
          definition: {
            $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
            contentVersion: '1.0.0.0',
            parameters: {},
            triggers: { manual: { type: 'Request', kind: 'Button', inputs: { schema: { type: 'object', properties: {} } } } },
            actions: {
              Compose_name: { type: 'Compose', runAfter: {}, inputs: "@concat('a', body('Not_there'))" },
              Broken: { type: 'Compose', runAfter: { Compose_name: ['Succeeded'] }, inputs: "@concat('it's')" },
            },
          },
        },
        schemaVersion: '1.0.0.0',
      },
    };
    const error = await buildSolution({
      configFile: path.join(dir, 'pac.config.json'),
      outDir: path.join(dir, 'out'),
      types: ['managed'],
      extensions: { flows: [flow] },
    }).then(
      () => undefined,
      (caught: Error) => caught,
    );
    expect(error?.message).toMatch(
      /flow-reference-unknown: Workflows\/BrokenExpression-[0-9A-F-]+\.json \$\.properties\.definition\.actions\.Compose_name\.inputs/,
    );
    expect(error?.message).toMatch(/flow-expression-syntax: .*\$\.properties\.definition\.actions\.Broken\.inputs/);
    expect(error?.message).toContain('Broken Expression');
    await expect(readdir(path.join(dir, 'out'))).rejects.toThrow(/ENOENT/);
  });
});

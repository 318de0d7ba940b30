import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from '../../scripts/cli.js';
import { decodeText, encodeText, readZip, writeZip } from '../../core/io/zip.js';
import { captureIo, FIXTURES, listTree, normalizedXml, rebuildZip, syntheticZip, tempDir } from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';
import { queryXml } from '../support/xpath.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const run = async (args: string[]) => {
  const io = captureIo(dir);
  const code = await runCli(args, io);
  return { code, out: io.outText(), err: io.errText() };
};

/** The synthetic zip with its customizations.xml edited. */
function editedZip(edit: (customizations: string) => string, extra: Array<{ name: string; data: Uint8Array }> = []): Uint8Array {
  const entries = readZip(syntheticZip(), 'synthetic.zip').map((entry) =>
    entry.name === 'customizations.xml' ? { name: entry.name, data: encodeText(edit(decodeText(entry.data))) } : entry,
  );
  return rebuildZip([...entries, ...extra]);
}

const WEB_RESOURCES =
  '<WebResources>\r\n    <WebResource>\r\n      <Name>pcc_/scripts/form.js</Name>\r\n    </WebResource>\r\n  </WebResources>\r\n  ';

describe('cosell unpack / pack through the CLI', () => {
  it('round-trips a zip of ours byte-identical', async () => {
    const zip = syntheticZip();
    await writeFile(path.join(dir, 'in.zip'), zip);
    const unpacked = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src']);
    expect(unpacked).toMatchObject({ code: 0, err: '' });
    expect(unpacked.out).toContain('unpacked in.zip into src (24 files)');
    const tree = await listTree(path.join(dir, 'src'));
    expect(tree.has('Other/Solution.xml')).toBe(true);
    expect(tree.has('[Content_Types].xml')).toBe(false);

    // The synthetic zip exercises the layout, not importability (check refuses it: its components have no
    // root components), so this round trip skips check; test/unpack/pack-check.test.ts covers check.
    const packed = await run(['pack', '--folder', 'src', '--zipfile', 'out/out.zip', '--no-check']);
    expect(packed).toMatchObject({ code: 0, err: '' });
    const bytes = await readFile(path.join(dir, 'out', 'out.zip'));
    expect(bytes.equals(Buffer.from(zip))).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['in.zip', 'out', 'src']);
  });

  it('accepts the pac short options -z and -f', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    expect((await run(['unpack', '-z', 'in.zip', '-f', 'src'])).code).toBe(0);
    expect((await run(['pack', '-f', 'src', '-z', 'again.zip', '--no-check'])).code).toBe(0);
  });

  it('refuses a non-empty folder without --allow-overwrite and leaves it untouched', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'keep.txt'), 'mine');
    const result = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('error: src: is not empty');
    expect(result.err).toContain('--allow-overwrite');
    expect([...(await listTree(path.join(dir, 'src'))).keys()]).toEqual(['keep.txt']);
    expect((await readdir(dir)).sort()).toEqual(['in.zip', 'src']);
  });

  it('--allow-overwrite keeps .git and other dot entries, and replaces everything else', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    await mkdir(path.join(dir, 'src', '.git', 'refs'), { recursive: true });
    await writeFile(path.join(dir, 'src', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await writeFile(path.join(dir, 'src', '.gitignore'), '*.zip\n');
    await mkdir(path.join(dir, 'src', 'Other'));
    await writeFile(path.join(dir, 'src', 'Other', 'Stale.xml'), '<old />');
    await writeFile(path.join(dir, 'src', 'notes.txt'), 'mine');

    const refused = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('error: src: is not empty (it holds Other, notes.txt)');
    expect(refused.err).toContain('entries starting with "." such as .git are kept');

    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src', '--allow-overwrite'])).code).toBe(0);
    const tree = await listTree(path.join(dir, 'src'));
    expect(tree.get('.git/HEAD')?.toString()).toBe('ref: refs/heads/main\n');
    expect(tree.get('.gitignore')?.toString()).toBe('*.zip\n');
    expect(await readdir(path.join(dir, 'src', '.git'))).toEqual(['HEAD', 'refs']);
    expect(tree.has('Other/Stale.xml')).toBe(false);
    expect(tree.has('notes.txt')).toBe(false);
    expect(tree.has('Other/Customizations.xml')).toBe(true);
    expect(tree.size).toBe(24 + 2);
    expect((await readdir(dir)).sort()).toEqual(['in.zip', 'src']);
  });

  it('writes into a folder holding only dot entries (a fresh git repository) without --allow-overwrite', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    await mkdir(path.join(dir, 'src', '.git'), { recursive: true });
    await writeFile(path.join(dir, 'src', '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src'])).code).toBe(0);
    const tree = await listTree(path.join(dir, 'src'));
    expect(tree.has('.git/HEAD')).toBe(true);
    expect(tree.has('Other/Solution.xml')).toBe(true);
  });

  it('replaces the whole folder with --allow-overwrite', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    await mkdir(path.join(dir, 'src', 'Stale'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'Stale', 'old.xml'), '<old />');
    const result = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src', '--allow-overwrite']);
    expect(result.code).toBe(0);
    const tree = await listTree(path.join(dir, 'src'));
    expect(tree.has('Stale/old.xml')).toBe(false);
    expect(tree.has('Other/Customizations.xml')).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['in.zip', 'src']);
  });

  it('writes into an existing empty folder', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    await mkdir(path.join(dir, 'src'));
    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src'])).code).toBe(0);
    expect((await listTree(path.join(dir, 'src'))).size).toBe(24);
  });

  it('creates missing parent folders, and refuses a --folder that is a file', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'a/b/src'])).code).toBe(0);
    expect((await listTree(path.join(dir, 'a', 'b', 'src'))).size).toBe(24);
    const result = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'in.zip']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('in.zip: contains the zip being unpacked');
    await writeFile(path.join(dir, 'file.txt'), 'x');
    const onFile = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'file.txt']);
    expect(onFile.err).toContain('error: file.txt: is a file, not a folder\n  fix: give --folder a folder path');
    const underFile = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'file.txt/src']);
    expect(underFile.code).toBe(1);
    expect(underFile.err).toContain('error: file.txt/src: cannot be created: file.txt is a file, not a folder');
    expect(underFile.err).not.toMatch(/\n\s+at /);
  });

  it('gives a clear error for a damaged zip and leaves the target folder untouched', async () => {
    const zip = Buffer.from(syntheticZip());
    await writeFile(path.join(dir, 'bad.zip'), zip.subarray(0, Math.floor(zip.length / 2)));
    await mkdir(path.join(dir, 'src'));
    await writeFile(path.join(dir, 'src', 'keep.txt'), 'mine');
    const result = await run(['unpack', '--zipfile', 'bad.zip', '--folder', 'src', '--allow-overwrite']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: bad\.zip: is not a readable zip archive/);
    expect(result.err).not.toMatch(/\n\s+at /); // no stack trace
    expect([...(await listTree(path.join(dir, 'src'))).keys()]).toEqual(['keep.txt']);
    expect((await readdir(dir)).sort()).toEqual(['bad.zip', 'src']);
  });

  it('refuses a zip that is not a solution', async () => {
    await writeFile(path.join(dir, 'other.zip'), writeZip([{ name: 'readme.txt', data: encodeText('hello') }]));
    const result = await run(['unpack', '--zipfile', 'other.zip', '--folder', 'src']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('other.zip: is not a Dataverse solution zip: solution.xml and customizations.xml missing');
    expect(await readdir(dir)).toEqual(['other.zip']);
  });

  it('refuses a zip file that does not exist', async () => {
    const result = await run(['unpack', '--zipfile', 'missing.zip', '--folder', 'src']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('error: missing.zip: does not exist');
    await mkdir(path.join(dir, 'folder.zip'));
    const onFolder = await run(['unpack', '--zipfile', 'folder.zip', '--folder', 'src']);
    expect(onFolder.code).toBe(1);
    expect(onFolder.err).toContain('error: folder.zip: is a folder, not a .zip file');
  });

  it('refuses an unsupported component type, naming it, and writes nothing', async () => {
    await writeFile(
      path.join(dir, 'in.zip'),
      editedZip((xml) => xml.replace('<CustomControls>', `${WEB_RESOURCES}<CustomControls>`)),
    );
    const result = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('in.zip customizations.xml <WebResources>: holds 1 item of component type WebResources (web resources)');
    expect(await readdir(dir)).toEqual(['in.zip']);
  });

  it('refuses a zip entry in an unknown folder, naming the component type', async () => {
    await writeFile(
      path.join(dir, 'in.zip'),
      editedZip((xml) => xml, [{ name: 'CanvasApps/pcc_app.msapp', data: encodeText('x') }]),
    );
    const result = await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'in.zip CanvasApps/pcc_app.msapp: is in the zip folder CanvasApps/ (component type CanvasApps: canvas apps), which cosell unpack does not support',
    );
    expect(await readdir(dir)).toEqual(['in.zip']);
  });

  it('refuses a folder that would swallow the zip or the current folder', async () => {
    await mkdir(path.join(dir, 'work'));
    await writeFile(path.join(dir, 'work', 'in.zip'), syntheticZip());
    const result = await run(['unpack', '--zipfile', 'work/in.zip', '--folder', 'work', '--allow-overwrite']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('work: contains the zip being unpacked or the current folder');
    expect(await readdir(path.join(dir, 'work'))).toEqual(['in.zip']);
    expect((await run(['unpack', '--zipfile', 'work/in.zip', '--folder', '.', '--allow-overwrite'])).code).toBe(1);
  });

  it('pack: names the missing Other/Solution.xml and how to fix it', async () => {
    await mkdir(path.join(dir, 'src', 'Other'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'Other', 'Customizations.xml'), '<ImportExportXml />');
    const result = await run(['pack', '--folder', 'src', '--zipfile', 'out.zip']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('error: src/Other/Solution.xml: is missing, so this is not an unpacked solution folder');
    expect(result.err).toContain('fix: point --folder at the folder written by `cosell unpack`');
    expect(await readdir(dir)).toEqual(['src']);
  });

  it('pack: refuses a folder that does not exist', async () => {
    const result = await run(['pack', '--folder', 'nope', '--zipfile', 'out.zip']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('nope: does not exist or is not a folder');
  });

  it('pack: a --zipfile that is a folder, or below a file, is a clear error before anything is read', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src'])).code).toBe(0);
    await mkdir(path.join(dir, 'zips'));
    const onFolder = await run(['pack', '--folder', 'src', '--zipfile', 'zips', '--no-check']);
    expect(onFolder.code).toBe(1);
    expect(onFolder.err).toBe('error: zips: is a folder\n  fix: give --zipfile the path of the file to write, not a folder');
    const belowFile = await run(['pack', '--folder', 'src', '--zipfile', 'in.zip/out.zip', '--no-check']);
    expect(belowFile.code).toBe(1);
    expect(belowFile.err).toContain('error: in.zip/out.zip: cannot be created: in.zip is a file, not a folder');
    expect(await readdir(path.join(dir, 'zips'))).toEqual([]);
  });

  it('pack: refuses files outside the supported layout and unsupported components in Customizations.xml', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src'])).code).toBe(0);
    await mkdir(path.join(dir, 'src', 'WebResources'));
    await writeFile(path.join(dir, 'src', 'WebResources', 'form.js'), '//');
    const unknownFile = await run(['pack', '--folder', 'src', '--zipfile', 'out.zip']);
    expect(unknownFile.code).toBe(1);
    expect(unknownFile.err).toContain(
      'src/WebResources/form.js: is not part of the unpacked layout cosell packs (unknown component folder)',
    );
    await rm(path.join(dir, 'src', 'WebResources'), { recursive: true });

    const customizations = path.join(dir, 'src', 'Other', 'Customizations.xml');
    const original = await readFile(customizations, 'utf8');
    await writeFile(customizations, original.replace('<CustomControls />', `${WEB_RESOURCES}<CustomControls />`));
    const inline = await run(['pack', '--folder', 'src', '--zipfile', 'out.zip']);
    expect(inline.code).toBe(1);
    expect(inline.err).toContain(
      'src/Other/Customizations.xml <WebResources>: holds 1 item of component type WebResources (web resources)',
    );
    expect((await readdir(dir)).sort()).toEqual(['in.zip', 'src']);
  });

  it('pack: refuses a flow side file whose JSON is missing', async () => {
    await writeFile(path.join(dir, 'in.zip'), syntheticZip());
    expect((await run(['unpack', '--zipfile', 'in.zip', '--folder', 'src'])).code).toBe(0);
    const flows = (await readdir(path.join(dir, 'src', 'Workflows'))).filter((name) => name.endsWith('.json'));
    await rm(path.join(dir, 'src', 'Workflows', flows[0] as string));
    const result = await run(['pack', '--folder', 'src', '--zipfile', 'out.zip']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`refers to /Workflows/${flows[0]}, which is not in the folder`);
  });

  it('prints --help for both verbs', async () => {
    const unpackHelp = await run(['unpack', '--help']);
    expect(unpackHelp.out).toContain('--zipfile <zip>');
    expect(unpackHelp.out).toContain('--allow-overwrite');
    expect(unpackHelp.out).toContain('.git stays');
    expect(unpackHelp.out).not.toContain('(default: false)');
    expect(unpackHelp.out).toContain('Other/Relationships.xml');
    const packHelp = await run(['pack', '--help']);
    expect(packHelp.out).toContain('--folder <dir>');
    expect(packHelp.out).toContain('[Content_Types].xml');
    expect(packHelp.out).toContain('--no-check');
    expect(packHelp.out).toContain('nothing is written');
  });
});

describeWithShared('real SolutionPackager and Dataverse material', () => {
  it('packs the approvals-kit source tree once its "Both" managed form variant is removed', async () => {
    const source = path.join(dir, 'kit');
    await cp(path.join(FIXTURES, 'approvals-kit-unpacked'), source, { recursive: true });
    // The fixture leaves out the control's script code (its README says so); pack needs the file its manifest names.
    await writeFile(path.join(source, 'Controls', 'cat_PowerCAT.Panel', 'bundle.js'), '/* placeholder for the omitted bundle */\n');
    const both = await run(['pack', '--folder', 'kit', '--zipfile', 'kit.zip']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('_managed.xml: is the managed variant of a form');

    const formFolder = path.join(source, 'Entities', 'cat_BusinessApprovalCondition', 'FormXml', 'main');
    for (const name of await readdir(formFolder)) if (name.endsWith('_managed.xml')) await rm(path.join(formFolder, name));
    // The fixture is a subset of the kit's source tree (its README says so), so check would refuse the zip.
    const packed = await run(['pack', '--folder', 'kit', '--zipfile', 'kit.zip', '--no-check']);
    expect(packed).toMatchObject({ code: 0, err: '' });

    const entries = readZip(await readFile(path.join(dir, 'kit.zip')), 'kit.zip');
    const customizations = decodeText(entries.find((entry) => entry.name === 'customizations.xml')?.data ?? new Uint8Array());
    // Exports have no declaration before <ImportExportXml>; pack writes none.
    expect(customizations.slice(0, '<ImportExportXml '.length)).toBe('<ImportExportXml ');
    const flows = (await readdir(path.join(source, 'Workflows'))).filter((name) => name.endsWith('.json'));
    queryXml(customizations, (xml) => {
      const condition = '/ImportExportXml/Entities/Entity[Name="cat_BusinessApprovalCondition"]';
      expect(xml.values(`${condition}/FormXml/forms[@type="main"]/systemform/formid`)).toEqual(['{7f86bdb2-e6d7-45db-9daf-e6efe4ebbcb8}']);
      expect(xml.values('/ImportExportXml/Workflows/Workflow/JsonFileName').sort()).toEqual(
        flows.map((name) => `/Workflows/${name}`).sort(),
      );
      // The side files' own xsi declaration does not travel into customizations.xml.
      expect(xml.declarations('/ImportExportXml/Workflows/Workflow')).toEqual(flows.map(() => ({})));
      expect(xml.values('/ImportExportXml/CustomControls/CustomControl/Name')).toEqual(['cat_PowerCAT.Panel']);
    });

    const unpacked = await run(['unpack', '--zipfile', 'kit.zip', '--folder', 'again']);
    expect(unpacked.code).toBe(0);
    const sourceFiles = await listTree(source);
    const againFiles = await listTree(path.join(dir, 'again'));
    expect([...againFiles.keys()].sort()).toEqual([...sourceFiles.keys()].sort());
    for (const [name, data] of sourceFiles) {
      const again = againFiles.get(name) ?? Buffer.alloc(0);
      const isSplitXml =
        name.endsWith('.xml') && !name.startsWith('environmentvariabledefinitions/') && !name.endsWith('ControlManifest.xml');
      if (isSplitXml) expect(normalizedXml(again)).toEqual(normalizedXml(data));
      else expect(again.equals(data)).toBe(true);
    }
  });

  it('refuses the SecondaryRecordSource export because of its web resource, naming the type', async () => {
    const folder = path.join(FIXTURES, 'SecondaryRecordSource_managed');
    const entries = await Promise.all(
      ['customizations.xml', '[Content_Types].xml', 'solution.xml'].map(async (name) => ({
        name,
        data: new Uint8Array(await readFile(path.join(folder, name))),
      })),
    );
    await writeFile(path.join(dir, 'srs.zip'), writeZip(entries));
    const result = await run(['unpack', '--zipfile', 'srs.zip', '--folder', 'src']);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'srs.zip customizations.xml <WebResources>: holds 1 item of component type WebResources (web resources), which cosell unpack/pack does not support',
    );
    expect(await readdir(dir)).toEqual(['srs.zip']);
  });
});

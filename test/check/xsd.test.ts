import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XmlBufferInputProvider, XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';
import { loadPatchedMicrosoftXsds, loadValidators, MICROSOFT_XSD_VERSION, validateXml, xsdFolder } from '../../packaging/check/xsd.js';
import { patchXsd, XSD_PATCHES, type XsdPatch } from '../../packaging/check/xsd-patches.js';
import { encodeText } from '../../core/io/zip.js';
import { SHARED_SCHEMAS } from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';

const vendored = path.join(xsdFolder(), MICROSOFT_XSD_VERSION);
const xsdFiles = (folder: string): string[] =>
  readdirSync(folder)
    .filter((name) => name.endsWith('.xsd'))
    .sort();

describeWithShared('vendored Microsoft schemas', () => {
  test('are byte-identical to ../shared/schemas', () => {
    expect(xsdFiles(vendored)).toEqual(xsdFiles(SHARED_SCHEMAS));
    for (const name of xsdFiles(SHARED_SCHEMAS)) {
      expect({ name, same: readFileSync(path.join(vendored, name)).equals(readFileSync(path.join(SHARED_SCHEMAS, name))) }).toEqual({
        name,
        same: true,
      });
    }
  });

  test('every patch finds its target in the pristine file it names, and changes that file', async () => {
    const patched = await loadPatchedMicrosoftXsds();
    expect(Object.keys(patched).sort()).toEqual(xsdFiles(vendored));
    for (const patch of XSD_PATCHES) {
      const pristine = readFileSync(path.join(vendored, patch.file), 'utf8');
      const found = pristine.split(patch.find).length - 1;
      expect({ patch: patch.id, found }).toEqual({ patch: patch.id, found: patch.occurrences ?? 1 });
      expect({ patch: patch.id, changed: patched[patch.file] !== pristine }).toEqual({ patch: patch.id, changed: true });
    }
  });

  test('patch ids are unique and every patch says why', () => {
    const ids = XSD_PATCHES.map((patch) => patch.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const patch of XSD_PATCHES) expect(patch.why.length).toBeGreaterThan(20);
  });

  test('a patch whose target text is missing throws, naming the patch', () => {
    const patch: XsdPatch = { id: 'demo', file: 'X.xsd', why: 'demo', find: '<a/>', replace: '<b/>' };
    expect(() => patchXsd('X.xsd', '<schema />', [patch])).toThrow(
      /XSD patch demo: expected 1 occurrence\(s\) of its target text in X\.xsd, found 0/,
    );
    expect(() => patchXsd('X.xsd', '<a/><a/>', [patch])).toThrow(/found 2/);
    expect(patchXsd('X.xsd', '<x><a/></x>', [patch])).toBe('<x><b/></x>');
  });

  test('a region patch checks the sha256 of what it replaces', () => {
    const patch: XsdPatch = {
      id: 'region',
      file: 'X.xsd',
      why: 'demo',
      find: '<a>',
      through: '</a>',
      regionSha256: '0'.repeat(64),
      replace: '<b/>',
    };
    expect(() => patchXsd('X.xsd', '<a>changed</a>', [patch])).toThrow(/XSD patch region: the region it replaces in X\.xsd changed/);
  });

  test('the pristine CustomizationsSolution.xsd does not compile under libxml2 (why the patches exist)', () => {
    const base = 'cosell-check-pristine:/';
    const buffers = Object.fromEntries(
      xsdFiles(vendored).map((name) => [`${base}${name}`, new Uint8Array(readFileSync(path.join(vendored, name)))]),
    );
    xmlRegisterInputProvider(new XmlBufferInputProvider(buffers));
    const doc = XmlDocument.fromBuffer(buffers[`${base}CustomizationsSolution.xsd`]!, { url: `${base}CustomizationsSolution.xsd` });
    try {
      let details = '';
      try {
        XsdValidator.fromDoc(doc).dispose();
      } catch (error) {
        details = (error as XmlLibError).details.map((detail) => detail.message).join('\n');
      }
      expect(details).toContain(
        "(?![cC][rR][mM]_)([A-Za-z0-9])+([_])+([A-Za-z0-9_])*' of the facet 'pattern' is not a valid regular expression",
      );
    } finally {
      doc.dispose();
    }
  });
});

describe('compiled validators', () => {
  test('are compiled once per process', async () => {
    expect(await loadValidators()).toBe(await loadValidators());
  });

  test('report line and message for an invalid customizations.xml', async () => {
    const { customizations } = await loadValidators();
    const xml = '<ImportExportXml>\n  <Entities />\n  <Bogus />\n</ImportExportXml>';
    const issues = validateXml(customizations, encodeText(xml), 'customizations.xml');
    expect(issues).toEqual([
      expect.objectContaining({ line: 3, message: expect.stringContaining("Element 'Bogus': This element is not expected.") }),
    ]);
  });

  test('accept a patched modern element (Workflow/JsonFileName) and a minimal solution.xml', async () => {
    const { customizations, solutionManifest } = await loadValidators();
    const flow =
      '<ImportExportXml><Workflows><Workflow WorkflowId="{79cc39cc-595a-ee11-be6f-6045bd033774}" Name="F"><JsonFileName>/Workflows/F.json</JsonFileName><Type>1</Type><IntroducedVersion>1.0.0.0</IntroducedVersion></Workflow></Workflows></ImportExportXml>';
    expect(validateXml(customizations, encodeText(flow), 'customizations.xml')).toEqual([]);
    const solution =
      '<ImportExportXml version="9.2.1.1" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive"><SolutionManifest><UniqueName>S</UniqueName><LocalizedNames /><Version>1.0</Version><Managed>1</Managed><Publisher><UniqueName>p</UniqueName><LocalizedNames /><CustomizationPrefix>pcc</CustomizationPrefix><CustomizationOptionValuePrefix>10000</CustomizationOptionValuePrefix></Publisher><RootComponents /></SolutionManifest></ImportExportXml>';
    expect(validateXml(solutionManifest, encodeText(solution), 'solution.xml')).toEqual([]);
  });
});

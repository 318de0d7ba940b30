import { UserError } from '../../core/errors.js';
import { decodeText, encodeText, readZip, type ZipEntry } from '../../core/io/zip.js';
import { packSolution, unpackSolution } from '../../packaging/unpack/index.js';
import { syntheticZip } from './helpers.js';

const base = (): ZipEntry[] => readZip(syntheticZip(), 'in.zip');

function withCustomizations(edit: (xml: string) => string, extra: ZipEntry[] = []): ZipEntry[] {
  return [
    ...base().map((entry) =>
      entry.name === 'customizations.xml' ? { name: entry.name, data: encodeText(edit(decodeText(entry.data))) } : entry,
    ),
    ...extra,
  ];
}

const unpackError = (entries: ZipEntry[]): string => {
  try {
    unpackSolution(entries, 'in.zip');
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('unpack refuses what it cannot place, naming it', () => {
  it.each([
    ['Roles', '<Roles>\r\n    <Role id="{1}" name="Sales" />\r\n  </Roles>', 'component type Roles (security roles)'],
    ['CanvasApps', '<CanvasApps>\r\n    <CanvasApp />\r\n  </CanvasApps>', 'component type CanvasApps (canvas apps)'],
    ['an unknown element', '<Roles />\r\n  <Gadgets>\r\n    <Gadget />\r\n  </Gadgets>', 'component type Gadgets'],
  ])('a non-empty %s element', (_what, replacement, expected) => {
    expect(unpackError(withCustomizations((xml) => xml.replace('<Roles />', replacement)))).toContain(expected);
  });

  it('keeps empty unsupported elements inline', () => {
    const files = unpackSolution(
      withCustomizations((xml) => xml.replace('<Roles />', '<Roles />\r\n  <CanvasApps />')),
      'in.zip',
    );
    expect(decodeText(files.find((file) => file.path === 'Other/Customizations.xml')?.data ?? new Uint8Array())).toContain(
      '<CanvasApps />',
    );
  });

  it.each([
    ['PluginAssemblies/x.dll', 'component type PluginAssemblies: plug-in assemblies'],
    ['readme.txt', 'is a file at the zip root'],
    ['Workflows/x.json.data.xml', 'reserves for the metadata of Workflows'],
    ['../evil.txt', 'not a plain relative path'],
    ['Controls/loose.js', 'directly under Controls/'],
  ])('the zip entry %s', (name, expected) => {
    expect(unpackError([...base(), { name, data: encodeText('x') }])).toContain(expected);
  });

  it('an element in a split container that is not a component', () => {
    expect(unpackError(withCustomizations((xml) => xml.replace('<optionsets>', '<optionsets>\r\n    <Gadget />')))).toContain(
      'holds a <Gadget> where only <optionset> elements are expected',
    );
  });

  it('a name that would escape the folder', () => {
    expect(unpackError(withCustomizations((xml) => xml.replace('>pcc_Referral</Name>', '>../pcc_Referral</Name>')))).toContain(
      'entity <Name> "../pcc_Referral" cannot be used as a file name',
    );
  });

  it('two components on the same file, letter case aside', () => {
    expect(
      unpackError(withCustomizations((xml) => xml.replace('<optionset Name="pcc_referralstatus"', '<optionset Name="PCC_DEALSTAGE"'))),
    ).toContain('both map to the file');
  });

  it('a workflow without JsonFileName', () => {
    expect(unpackError(withCustomizations((xml) => xml.replace(/<JsonFileName>[^<]*<\/JsonFileName>/, '')))).toContain(
      '<JsonFileName> (or <XamlFileName>) is missing',
    );
  });

  it('a zip without customizations.xml', () => {
    expect(unpackError(base().filter((entry) => entry.name !== 'customizations.xml'))).toContain(
      'in.zip: is not a Dataverse solution zip: customizations.xml missing',
    );
  });
});

describe('pack restores the canonical order', () => {
  const roundTrip = (entries: ZipEntry[]): string => {
    const files = new Map(unpackSolution(entries, 'in.zip').map((file) => [file.path, file.data]));
    const packed = packSolution(files, 'src');
    return decodeText(packed.find((entry) => entry.name === 'customizations.xml')?.data ?? new Uint8Array());
  };

  it('sorts entities, workflows and option sets by name but keeps relationships in their listed order', () => {
    const swapped = withCustomizations((xml) => {
      const [before, rest] = xml.split('<optionsets>') as [string, string];
      const [sets, after] = rest.split('</optionsets>') as [string, string];
      const [first, second] = sets.split(/(?=<optionset Name="pcc_referralstatus")/) as [string, string];
      return `${before}<optionsets>\r\n    ${second.trimEnd()}\r\n    ${first.trim()}\r\n  </optionsets>${after}`;
    });
    const source = decodeText(swapped.find((entry) => entry.name === 'customizations.xml')?.data ?? new Uint8Array());
    expect(source.indexOf('"pcc_referralstatus"')).toBeLessThan(source.indexOf('"pcc_dealstage"'));
    const packed = roundTrip(swapped);
    expect(packed.indexOf('"pcc_dealstage"')).toBeLessThan(packed.indexOf('"pcc_referralstatus"'));
    expect(packed.indexOf('"pcc_referral_opportunity"')).toBeLessThan(packed.indexOf('"pcc_contact_referral"'));
    expect(packed.indexOf('"pcc_contact_referral"')).toBeLessThan(packed.indexOf('"pcc_account_opportunity"'));
    expect(packed.indexOf('>Opportunity</Name>')).toBeLessThan(packed.indexOf('>pcc_Referral</Name>'));
  });

  it('pack refuses a relationship listed in Relationships.xml but defined nowhere', () => {
    const files = new Map(unpackSolution(base(), 'in.zip').map((file) => [file.path, file.data]));
    files.delete('Other/Relationships/pcc_Referral.xml');
    expect(() => packSolution(files, 'src/')).toThrow(
      'src/Other/Relationships.xml <EntityRelationship Name="pcc_contact_referral">: is listed, but no file in Other/Relationships/ defines it',
    );
  });

  it('pack refuses form files of an entity without Entity.xml', () => {
    const files = new Map(unpackSolution(base(), 'in.zip').map((file) => [file.path, file.data]));
    files.delete('Entities/Opportunity/Entity.xml');
    expect(() => packSolution(files, 'src')).toThrow('src/Entities/Opportunity/Entity.xml: is missing');
  });
});

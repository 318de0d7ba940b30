import { packSolution, unpackSolution } from '../../packaging/unpack/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { readZip, writeZip } from '../../core/io/zip.js';
import { defaultModel } from '../support/model.js';

describe('unpack → pack of our own build', () => {
  test.each(['managed', 'unmanaged'] as const)('the %s zip comes back byte for byte', (type) => {
    const model = defaultModel(undefined, (config) => {
      config.solution.displayName = 'Co-sell <&"\'> 🤝 共同銷售';
    });
    const [built] = buildPackages(model, [type]);
    const files = unpackSolution(readZip(built!.bytes, 'built'), 'built');
    expect(files.map((file) => file.path)).toEqual(
      expect.arrayContaining([
        'Other/Solution.xml',
        'Other/Customizations.xml',
        'Entities/Opportunity/Entity.xml',
        'Entities/pcs_PartnerCenterSolution/Entity.xml',
        'OptionSets/pcs_howcanmicrosofthelp.xml',
        'Other/Relationships/Opportunity.xml',
        'environmentvariabledefinitions/pcs_Checkmark/environmentvariabledefinition.xml',
      ]),
    );
    const repacked = writeZip(packSolution(new Map(files.map((file) => [file.path, file.data])), 'folder'));
    expect(Buffer.from(repacked).equals(Buffer.from(built!.bytes))).toBe(true);
  });
});

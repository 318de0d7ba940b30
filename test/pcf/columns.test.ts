import { readFile } from 'node:fs/promises';
import { PCF_COLUMNS_FILE, pcfColumnsSource } from '../../scripts/pcf-columns.js';
import { DEFAULT_CONFIG, defaultConfigCopy } from '../../solution/default-config.js';
import { buildCoSellModel, OpportunityColumn, SECTION_CONTROL_COLUMNS, SectionLookupProperty } from '../../solution/cosell.js';
import { projectFile } from '../../core/paths.js';
import { defaultConfig } from '../support/model.js';

describe('pcf/PartnerCenterSection/generated/columns.ts', () => {
  test('is in sync with the solution model (run `npm run pcf:columns` when this fails)', async () => {
    const committed = await readFile(projectFile(...PCF_COLUMNS_FILE), 'utf8');
    expect(committed).toBe(pcfColumnsSource(DEFAULT_CONFIG));
  });

  test('does not depend on the configuration a user edits: the built-in default is the fixture default', () => {
    expect(DEFAULT_CONFIG).toEqual({ ...defaultConfig(), environments: undefined });
  });

  test('lists every bound property with the column it binds', () => {
    const source = pcfColumnsSource(defaultConfigCopy());
    for (const stem of SECTION_CONTROL_COLUMNS) expect(source).toContain(`"${stem}": "pcs_${OpportunityColumn[stem].toLowerCase()}"`);
    for (const [property, column] of Object.entries(SectionLookupProperty)) expect(source).toContain(`"${property}": "${column}"`);
  });

  test('choice options by offset, with both languages, as the model numbers them', () => {
    const model = buildCoSellModel(defaultConfigCopy());
    const source = pcfColumnsSource(defaultConfigCopy());
    for (const choice of model.choices) {
      for (const option of choice.options) {
        expect(source).toContain(`"key": "${option.key}",\n      "offset": ${option.value % 10000}`);
        expect(source).toContain(JSON.stringify(option.label[1028]));
      }
    }
  });

  test('another prefix changes the generated default names, not the stems', () => {
    const config = defaultConfigCopy();
    config.publisher.customizationPrefix = 'abc';
    const source = pcfColumnsSource(config);
    expect(source).toContain('export const DEFAULT_PREFIX = "abc";');
    expect(source).toContain('"Audit": "abc_audit"');
    expect(source).toContain('"Audit": "Audit"');
  });
});

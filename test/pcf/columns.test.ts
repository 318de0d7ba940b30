import { readFile } from 'node:fs/promises';
import { PCF_COLUMNS_FILE, pcfColumnsSource, shippedConfig } from '../../scripts/pcf-columns.js';
import { buildCoSellModel, OpportunityColumn, SECTION_CONTROL_COLUMNS, SectionLookupProperty } from '../../solution/cosell.js';
import { projectFile } from '../../core/paths.js';

describe('pcf/PartnerCenterSection/generated/columns.ts', () => {
  test('is in sync with the solution model (run `npm run pcf:columns` when this fails)', async () => {
    const committed = await readFile(projectFile(...PCF_COLUMNS_FILE), 'utf8');
    expect(committed).toBe(pcfColumnsSource(shippedConfig()));
  });

  test('lists every bound property with the column it binds', () => {
    const source = pcfColumnsSource(shippedConfig());
    for (const stem of SECTION_CONTROL_COLUMNS) expect(source).toContain(`"${stem}": "pcs_${OpportunityColumn[stem].toLowerCase()}"`);
    for (const [property, column] of Object.entries(SectionLookupProperty)) expect(source).toContain(`"${property}": "${column}"`);
  });

  test('choice options by offset, with both languages, as the model numbers them', () => {
    const model = buildCoSellModel(shippedConfig());
    const source = pcfColumnsSource(shippedConfig());
    for (const choice of model.choices) {
      for (const option of choice.options) {
        expect(source).toContain(`"key": "${option.key}",\n      "offset": ${option.value % 10000}`);
        expect(source).toContain(JSON.stringify(option.label[1028]));
      }
    }
  });

  test('another prefix changes the generated default names, not the stems', () => {
    const config = shippedConfig();
    config.publisher.customizationPrefix = 'abc';
    const source = pcfColumnsSource(config);
    expect(source).toContain('export const DEFAULT_PREFIX = "abc";');
    expect(source).toContain('"Audit": "abc_audit"');
    expect(source).toContain('"Audit": "Audit"');
  });
});

import { writeZip } from '../../core/io/zip.js';
import { checkSolutionZip } from '../../packaging/check/check-solution.js';
import {
  AI_BUILDER,
  APPROVALS,
  blocking,
  check,
  CONTOSO,
  fixtureEntries,
  realZipNames,
  secondaryRecordSourceEntries,
  summary,
} from './helpers.js';
import { describeWithShared } from '../support/fixtures.js';

/**
 * Every real Dataverse export imported fine, so the checker must find nothing Critical or High in
 * any of them. What lower findings remain, and why they are right:
 * - ApprovalsConnectorSetup (unmanaged): 2 × name-prefix-mismatch (Medium). Its connection reference
 *   and environment variable use `powercat_` while the publisher prefix is `cat`; it imported, so this
 *   is only worth a look (solution-format §4.3).
 * - Contoso_sample (managed): envvar-value-in-managed (Medium). It ships environmentvariablevalues.json,
 *   whose current value overrides each environment's own setting (D2: ship only the default).
 * - AIBuilderPromptsDataverse (managed): nothing.
 * - SecondaryRecordSource (managed diff forms on account): nothing.
 */
describeWithShared('real exports pass the check', () => {
  test('the fixture folder still holds the three real zips this test knows', () => {
    expect(realZipNames()).toEqual([AI_BUILDER, APPROVALS, CONTOSO]);
  });

  test.each([AI_BUILDER, APPROVALS, CONTOSO])('%s has no Critical or High finding', async (zip) => {
    const findings = await check(fixtureEntries(zip));
    expect(blocking(findings)).toEqual([]);
  });

  test('exactly the expected lower findings remain on each real zip', async () => {
    expect(summary(await check(fixtureEntries(APPROVALS)))).toEqual(['name-prefix-mismatch/Medium', 'name-prefix-mismatch/Medium']);
    expect(summary(await check(fixtureEntries(CONTOSO)))).toEqual(['envvar-value-in-managed/Medium']);
    expect(summary(await check(fixtureEntries(AI_BUILDER)))).toEqual([]);
  });

  test('SecondaryRecordSource (diff forms of a managed export), zipped in memory, has no finding at all', async () => {
    const bytes = writeZip(secondaryRecordSourceEntries());
    expect(await checkSolutionZip(bytes, 'SecondaryRecordSource_managed.zip')).toEqual([]);
  });

  test('without the web resource file the fixture omits, that file is reported (why the test restores a placeholder)', async () => {
    const entries = secondaryRecordSourceEntries().filter((entry) => !entry.name.startsWith('WebResources/'));
    expect(summary(await check(entries))).toEqual(['web-resource-file-missing/Critical']);
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readZip } from '../../core/io/zip.js';
import { checkSolutionZip } from '../../packaging/check/check-solution.js';
import { describeWithShared, REAL_SOLUTIONS_CORPUS, requireShared } from '../support/fixtures.js';
import { blocking, check, replaceIn, summary } from './helpers.js';

/**
 * ../shared/fixtures/real-solutions-corpus: 42 real exports (Microsoft samples, kits, course material,
 * community solutions; SOURCES.tsv gives each one's origin). Every one imported into a real org (that is how it
 * was exported), so `cosell check` must find nothing Critical or High in any of them. On failure the
 * assertion lists, per zip, the blocking findings that remain (rule/severity, entry, where, message).
 */
const CORPUS_SIZE = 42;

const corpusBytes = (zip: string): Uint8Array => (requireShared(), new Uint8Array(readFileSync(path.join(REAL_SOLUTIONS_CORPUS, zip))));

const corpusZips = (): string[] => (
  requireShared(),
  readdirSync(REAL_SOLUTIONS_CORPUS)
    .filter((name) => name.endsWith('.zip'))
    .sort()
);

describeWithShared('the corpus of real exports passes the check', () => {
  test(`the corpus folder holds its ${CORPUS_SIZE} zips`, () => {
    expect(corpusZips()).toHaveLength(CORPUS_SIZE);
  });

  test('no corpus export has a Critical or High finding', async () => {
    const remaining: Record<string, string[]> = {};
    for (const zip of corpusZips()) {
      const found = blocking(await checkSolutionZip(corpusBytes(zip), zip));
      if (found.length > 0) remaining[zip] = found.map((f) => `${f.rule}/${f.severity} ${f.entry ?? ''} ${f.where ?? ''}: ${f.message}`);
    }
    expect(remaining).toEqual({});
  }, 120_000);

  // What the corpus made the checker accept, next to the defect it must still catch.
  test('SalesHub_Customization (managed): a site map diff is accepted, an unknown solutionaction on it is not', async () => {
    const zip = 'SalesHub_Customization_1_0_0_1_managed.zip';
    const entries = readZip(corpusBytes(zip), zip);
    expect(summary(blocking(await check(entries)))).toEqual([]);
    const renamed = replaceIn(
      entries,
      'customizations.xml',
      'ordinalvalue="1" solutionaction="Modified">',
      'ordinalvalue="1" solutionaction="Renamed">',
    );
    expect(summary(blocking(await check(renamed)))).toEqual(['customizations-xsd/Critical']);
    // The same site map diff in an unmanaged solution is what Dataverse rejects (Celedon-Autonumber-RTM#25).
    const unmanaged = replaceIn(entries, 'solution.xml', '<Managed>1</Managed>', '<Managed>0</Managed>');
    const findings = blocking(await check(unmanaged));
    expect(new Set(summary(findings))).toEqual(new Set(['customizations-xsd/Critical']));
    expect(findings[0]?.message).toContain("'The 'ordinalvalue' attribute is not declared.'");
  });

  test('PermitManagement: a plug-in step may list SdkMessageId first, but a child twice is still rejected', async () => {
    const zip = 'PermitManagement_1_0_0_13.zip';
    const entries = readZip(corpusBytes(zip), zip);
    expect(summary(blocking(await check(entries)))).toEqual([]);
    const twice = replaceIn(entries, 'customizations.xml', '<Rank>1</Rank>', '<Rank>1</Rank><Rank>2</Rank>');
    expect(summary(blocking(await check(twice)))).toEqual(['customizations-xsd/Critical']);
  });

  test('PermitManagement: a code component bound by <data-set name> is accepted only with a data-set name of its manifest', async () => {
    const zip = 'PermitManagement_1_0_0_13.zip';
    const entries = readZip(corpusBytes(zip), zip);
    expect(summary(blocking(await check(entries))).filter((rule) => rule.startsWith('form-control'))).toEqual([]);
    const renamed = replaceIn(entries, 'customizations.xml', /<data-set name="timelineDataSet">/g, '<data-set name="otherDataSet">');
    const findings = blocking(await check(renamed)).filter((f) => f.rule === 'form-control-property-unknown');
    expect(findings).toHaveLength(3);
    expect(findings[0]?.message).toContain(
      '<data-set name="otherDataSet"> is not a data-set of Controls/contoso_contoso.timelinecontrol/ControlManifest.xml (it has timelineDataSet)',
    );
  });
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readZip } from '../../core/io/zip.js';
import { loadPackage } from '../../core/package/reader.js';
import { diffSolutions } from '../../packaging/diff/diff.js';
import { describeWithShared, REAL_SOLUTIONS_CORPUS, requireShared } from '../support/fixtures.js';

/**
 * Every real export of ../shared/fixtures/real-solutions-corpus (Dataverse's own writing of flows, XAML
 * workflows, forms, views, env vars, controls) diffed against itself: no change and no crash.
 */
describeWithShared('cosell diff on the real exports of the corpus', () => {
  test('each export against itself reports nothing changed, nothing foreign', () => {
    requireShared();
    const zips = readdirSync(REAL_SOLUTIONS_CORPUS).filter((name) => name.endsWith('.zip'));
    expect(zips.length).toBeGreaterThan(40);
    let components = 0;
    for (const zip of zips) {
      const pkg = loadPackage(readZip(readFileSync(path.join(REAL_SOLUTIONS_CORPUS, zip)), zip), zip);
      const report = diffSolutions(pkg, pkg, pkg);
      expect({
        zip,
        conflicts: report.conflicts,
        changes: report.changes,
        foreign: report.foreign,
        notInExport: report.notInExport,
      }).toEqual({
        zip,
        conflicts: [],
        changes: [],
        foreign: [],
        notInExport: 0,
      });
      components += report.unchanged;
    }
    // All component kinds the corpus holds were read (a reader that found nothing would pass the above).
    expect(components).toBeGreaterThan(2000);
  });
});

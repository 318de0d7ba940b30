import { readFileSync } from 'node:fs';
import { describe, expect, test } from '@jest/globals';
import { connectorContracts } from '../../contracts/index.js';
import { contractFactsMarkdown, README_MARKERS, withContractFacts } from '../../contracts/readme.js';
import { projectFile } from '../../core/paths.js';

describe("README's connector contract table", () => {
  test('is exactly what the contract files generate (run `npm run docs:contracts` after changing them)', () => {
    const readme = readFileSync(projectFile('README.md'), 'utf8');
    const start = readme.indexOf(README_MARKERS.start);
    const end = readme.indexOf(README_MARKERS.end) + README_MARKERS.end.length;
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start, end)).toBe(contractFactsMarkdown(connectorContracts()));
  });

  test('lists every operation and every unsettled fact, with PatchReferralById carrying no if-match', () => {
    const table = contractFactsMarkdown(connectorContracts());
    const operations = connectorContracts().flatMap((contract) => contract.operations);
    for (const operation of operations) expect(table).toContain(`| ${operation.operationId} |`);
    expect(table).toMatch(
      /\| PatchReferralById \| PATCH `\/referrals\/\{id\}` \| `id`\* \(path\), `Referral`\* \(body\), `MS-CorrelationId` \(header\) \|/,
    );
    expect(table).toContain('The help attribute type HelpType');
  });

  test('a README without the markers gets an error that says where to add them', () => {
    expect(() => withContractFacts('# readme\n', connectorContracts())).toThrow(/markers .* are missing/);
  });
});

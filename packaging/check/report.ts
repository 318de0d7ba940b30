import { countBySeverity, isBlocking, sortFindings, type Finding, type SeverityCounts } from './types.js';

/** The result for one zip, as `--json` prints it. */
export interface CheckResult {
  file: string;
  findings: Finding[];
  counts: SeverityCounts;
}

export const toResult = (file: string, findings: readonly Finding[]): CheckResult => ({
  file,
  findings: sortFindings(findings),
  counts: countBySeverity(findings),
});

/** Exit code of `cosell check`: 1 when any zip has a Critical or High finding. */
export const exitCodeOf = (results: readonly CheckResult[]): number => (results.some((result) => result.findings.some(isBlocking)) ? 1 : 0);

export const formatJson = (results: readonly CheckResult[]): string => `${JSON.stringify({ results }, null, 2)}\n`;

export const summaryLine = (counts: SeverityCounts): string =>
  `${counts.critical} critical, ${counts.high} high, ${counts.medium} medium, ${counts.low} low, ${counts.informational} informational`;

/** Text report: per zip a header, the findings worst first, then the summary line. */
export function formatText(results: readonly CheckResult[]): string {
  return results
    .map((result) => {
      const lines = [`== ${result.file}`];
      if (result.findings.length === 0) lines.push('  no findings');
      for (const item of result.findings) {
        const place = [item.entry, item.where].filter((part) => part !== undefined && part !== '').join(' ');
        lines.push(`  ${item.severity.padEnd(13)} ${item.rule}${place ? `  ${place}` : ''}`);
        lines.push(`    ${item.message}`);
        if (item.fix) lines.push(`    fix: ${item.fix}`);
      }
      lines.push(summaryLine(result.counts));
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

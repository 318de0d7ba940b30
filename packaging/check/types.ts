/** Severities in the order `pac solution check` uses, worst first. */
export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Informational'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One problem found in a solution zip. */
export interface Finding {
  severity: Severity;
  /** Stable id of the rule that found it, e.g. `root-entries`. */
  rule: string;
  /** The zip entry the problem is in, when there is one. */
  entry?: string;
  /** Element path (with line) or JSON path inside the entry. */
  where?: string;
  message: string;
  fix?: string;
}

export type SeverityCounts = Record<'critical' | 'high' | 'medium' | 'low' | 'informational', number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = { critical: 0, high: 0, medium: 0, low: 0, informational: 0 };
  for (const finding of findings) counts[severityKey(finding.severity)] += 1;
  return counts;
}

const severityKey = (severity: Severity): keyof SeverityCounts => severity.toLowerCase() as keyof SeverityCounts;

/** Critical and High findings are the ones Dataverse rejects: they fail the check. */
export const isBlocking = (finding: Finding): boolean => finding.severity === 'Critical' || finding.severity === 'High';

/** Worst severity first, then by rule and entry; within those, the order the rules found them (document order). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (severity: Severity): number => SEVERITIES.indexOf(severity);
  return [...findings].sort(
    (a, b) => rank(a.severity) - rank(b.severity) || compare(a.rule, b.rule) || compare(a.entry ?? '', b.entry ?? ''),
  );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

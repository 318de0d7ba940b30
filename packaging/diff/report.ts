import type { ComponentDiff, DiffReport, SolutionInfo } from './diff.js';
import type { Change } from './types.js';

const MAX_VALUE = 160;
const SIGN: Record<Change['change'], string> = { added: '+', removed: '-', changed: '~', moved: '↷' };

/** A value on one line: strings quoted, JSON compact, long values cut with an ellipsis (--json has them whole). */
export function showValue(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export function changeLine(change: Change): string {
  const head = `${SIGN[change.change]} ${change.subject}${change.path ? ` ${change.path}` : ''}${change.note ? ` (${change.note})` : ''}`;
  const hasBefore = 'before' in change;
  const hasAfter = 'after' in change;
  if (hasBefore && hasAfter) return `${head}: ${showValue(change.before)} → ${showValue(change.after)}`;
  if (hasAfter) return `${head}: ${showValue(change.after)}`;
  // A removed action or form element is named, not printed whole; a removed value is shown.
  if (hasBefore && change.path !== undefined) return `${head}: was ${showValue(change.before)}`;
  return head;
}

const describeSolution = (info: SolutionInfo): string =>
  [
    info.label,
    info.uniqueName && `${info.uniqueName} ${info.version ?? '(no version)'}`,
    info.managed === undefined ? undefined : info.managed ? 'managed' : 'unmanaged',
  ]
    .filter(Boolean)
    .join(', ');

function componentLines(diff: ComponentDiff): string[] {
  const lines = [`  ${diff.kind} ${diff.name} (${diff.key})`, '    customer:', ...diff.customer.map((c) => `      ${changeLine(c)}`)];
  if (diff.ours.length > 0) lines.push('    our next version:', ...diff.ours.map((c) => `      ${changeLine(c)}`));
  lines.push(`    ${diff.ours.length > 0 ? 'what to do' : 'upgrade'}: ${diff.advice}`);
  return lines;
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export function formatDiffText(report: DiffReport): string {
  const lines = [
    `export   ${describeSolution(report.export)}`,
    `base     ${describeSolution(report.base)}`,
    `against  ${describeSolution(report.against)}`,
    '',
  ];
  if (report.conflicts.length > 0) {
    lines.push(
      `${count(report.conflicts.length, 'CONFLICT', 'CONFLICTS')}: changed by the customer and by our next version; resolve before upgrading`,
    );
    for (const diff of report.conflicts) lines.push(...componentLines(diff));
    lines.push('');
  }
  if (report.changes.length > 0) {
    lines.push(`${count(report.changes.length, 'component', 'components')} of ours changed by the customer, not by our next version`);
    for (const diff of report.changes) lines.push(...componentLines(diff));
    lines.push('');
  }
  if (report.foreign.length > 0) {
    lines.push(`${count(report.foreign.length, 'component', 'components')} not ours, untouched by upgrades`);
    for (const item of report.foreign) lines.push(`  ${item.kind} ${item.name} (${item.key})`);
    lines.push('');
  }
  lines.push(
    `${count(report.conflicts.length, 'conflict', 'conflicts')}, ${count(report.changes.length, 'other changed component', 'other changed components')}, ` +
      `${report.foreign.length} not ours, ${report.unchanged} of ours unchanged, ${report.notInExport} of ours not in the export`,
  );
  return lines.join('\n');
}

export const formatDiffJson = (report: DiffReport): string => JSON.stringify(report, null, 2);

import { formatDuration } from '../../core/duration.js';
import { formatRun } from '../runtime/format.js';
import type { ScenarioResult } from './run.js';

/** One line of a scenario's timeline: what happened, on which side, at which virtual time. */
interface TimelineLine {
  at: string;
  order: number;
  text: string;
}

const time = (iso: string): string => iso.slice(11, 23);

/** The timeline of a scenario: flow runs with their status, and the API calls each side answered. */
function timeline(result: ScenarioResult): string[] {
  const lines: TimelineLine[] = [];
  let order = 0;
  for (const run of result.runs) {
    lines.push({
      at: run.startTime,
      order: order++,
      text: `flow   ${run.status.padEnd(9)} ${run.flowName} (${run.actions.filter((action) => action.status !== 'Skipped').length} actions)`,
    });
  }
  for (const call of result.connectorCalls) {
    lines.push({
      at: call.at,
      order: order++,
      text: `${call.api === 'Dataverse' ? 'dv   ' : 'pc   '}  ${String(call.statusCode).padEnd(9)} ${call.operationId}`,
    });
  }
  lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return lines.map((line) => `${time(line.at)}  ${line.text}`);
}

export function formatResult(result: ScenarioResult, options: { verbose: boolean }): string {
  const out: string[] = [];
  out.push(`${result.passed ? 'PASS' : 'FAIL'}  ${result.scenario.name}: ${result.scenario.title}`);
  for (const expectation of result.expectations) {
    out.push(
      `  ${expectation.pass ? '✓' : '✗'} ${expectation.description}${expectation.pass ? '' : ` (saw: ${expectation.actual ?? '?'})`}`,
    );
  }
  if (result.error) out.push(`  ✗ the scenario stopped: ${result.error}`);
  const pc = result.connectorCalls.filter((call) => call.api === 'Partner Center').length;
  const dv = result.connectorCalls.length - pc;
  out.push(
    `  ${result.runs.length} flow runs, ${pc} Partner Center and ${dv} Dataverse calls from flows, ${formatDuration(result.virtualMs)} of virtual time`,
  );
  if (options.verbose) {
    out.push('  timeline:');
    for (const line of timeline(result)) out.push(`    ${line}`);
    for (const run of result.runs.filter((candidate) => candidate.status !== 'Succeeded')) out.push(formatRun(run).replace(/^/gm, '    '));
  }
  return out.join('\n');
}

export function summaryLine(results: readonly ScenarioResult[]): string {
  const passed = results.filter((result) => result.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
}

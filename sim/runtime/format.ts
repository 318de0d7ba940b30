/**
 * A readable text view of a run, like the maker portal's run page: a header (flow, run id, status, time),
 * the trigger, the run error and response when present, then one line per action with a status mark, its
 * path (iterations as `[#n]`), its duration and a short error.
 */
import type { ActionRun, FlowRun } from '../contracts.js';
import { formatDuration } from '../../core/duration.js';

const MARKS: Readonly<Record<ActionRun['status'] | FlowRun['status'], string>> = {
  Succeeded: '✓',
  Failed: '✗',
  Skipped: '–',
  TimedOut: '⌛',
  Cancelled: '⊘',
};

const ERROR_WIDTH = 160;
const PATH_WIDTH = 72;

const span = (start: string, end: string): number => Date.parse(end) - Date.parse(start);

function shorten(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

function brief(value: unknown): string {
  if (value === undefined) return '';
  return shorten(typeof value === 'string' ? value : JSON.stringify(value), ERROR_WIDTH);
}

export function formatRun(run: FlowRun): string {
  const lines: string[] = [];
  lines.push(
    `${MARKS[run.status]} ${run.flowName} — run ${run.runId} ${run.status} (${formatDuration(span(run.startTime, run.endTime))}, ${run.startTime} → ${run.endTime})`,
  );
  lines.push(`  trigger ${run.trigger.name}`);
  if (run.error) lines.push(`  error ${run.error.code}: ${shorten(run.error.message, ERROR_WIDTH)}`);
  if (run.response) lines.push(`  response ${run.response.statusCode} ${brief(run.response.body)}`);
  const labels = run.actions.map((action) => `${action.path}${action.iteration !== undefined ? ` [#${action.iteration}]` : ''}`);
  const depthOf = (action: ActionRun): number => action.path.split('/').length - 1;
  const width = Math.min(PATH_WIDTH, Math.max(0, ...labels.map((label, index) => label.length + depthOf(run.actions[index]!) * 2)));
  run.actions.forEach((action, index) => {
    const depth = depthOf(action);
    const label = labels[index]!;
    const duration = action.status === 'Skipped' ? '' : formatDuration(span(action.startTime, action.endTime));
    const error =
      action.error && action.status !== 'Succeeded' ? `  ${action.error.code}: ${shorten(action.error.message, ERROR_WIDTH)}` : '';
    lines.push(
      `  ${'  '.repeat(depth)}${MARKS[action.status]} ${label.padEnd(Math.max(0, width - depth * 2))}  ${duration.padStart(9)}${error}`.trimEnd(),
    );
  });
  return lines.join('\n');
}

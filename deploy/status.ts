/**
 * What an environment holds of the solution, read with GETs only: installed version, the deployment record's
 * hash, environment variable values, connection references bound or not, each cloud flow on or off, and the
 * webhook registration as far as Dataverse can tell.
 *
 * The webhook registration itself lives in Partner Center, which the application user cannot read. The best
 * evidence Dataverse holds is the cloud flow run history (flowrun table; Learn: "Manage cloud flow run history in
 * Dataverse", kept 28 days by default): the last run of the registration flow, when and how it ended.
 */
import { Column, EntitySet, FlowRunRunning, FlowRunSucceeded, WorkflowCategory, WorkflowState } from './constants.js';
import type { DeployPackage } from './package-info.js';
import { installedSolution } from './sequence.js';
import type { WebApi } from './web-api.js';
import { webhookSteps } from './webhook.js';
import { readCustomisations, type CustomisationStatus, type LayerInput } from './layers.js';

/** What the run history says of the webhook registration. */
export interface WebhookStatus {
  registrationFlow: string;
  /** `succeeded`/`failed`/`running`: the last run's outcome; `never run`: no run in the history; `unknown`: unreadable. */
  state: 'succeeded' | 'failed' | 'running' | 'never run' | 'not installed' | 'unknown';
  lastRun: {
    startTime: string | null;
    endTime: string | null;
    status: string;
    errorCode: string | null;
    errorMessage: string | null;
  } | null;
  /** Why the history could not be read (state `unknown`). */
  reason?: string;
  /** The steps that register it (deploy prints the same), when it never ran or failed. */
  fix?: string[];
}

export interface EnvironmentStatus {
  environment: string;
  orgUrl: string;
  solution: string;
  installedVersion: string | null;
  managed: boolean | null;
  /** SHA-256 of the zip the deployment record says was deployed here (null when none recorded). */
  sha256: string | null;
  environmentVariables: Array<{ schemaName: string; value: string | null; defaultValue: string | null }>;
  connectionReferences: Array<{ logicalName: string; bound: boolean; connectionId: string | null }>;
  flows: Array<{ id: string; name: string; on: boolean; reason?: string }>;
  /** Read when the package is known (it names the registration flow); not part of `healthy`. */
  webhook?: WebhookStatus;
  /**
   * Our flows, forms and env var definitions that carry an unmanaged (Active) layer, read when the package's
   * components are given. Not part of `healthy`: the environment works as it is; the layer hides our next upgrade.
   */
  customisations?: CustomisationStatus;
  healthy: boolean;
}

export async function readStatus(
  api: WebApi,
  environment: string,
  uniqueName: string,
  prefix: string,
  sha256: string | null,
  pkg?: DeployPackage,
  layers?: LayerInput,
): Promise<EnvironmentStatus> {
  const installed = await installedSolution(api, uniqueName);
  const d = Column.envVarDefinition;
  const v = Column.envVarValue;
  const r = Column.connectionReference;
  const w = Column.workflow;
  const definitions = (await api.get(
    `${EntitySet.environmentVariableDefinitions}?$select=${d.id},${d.schemaName},${d.defaultValue}&$expand=${d.values}($select=${v.id},${v.value})`,
    'reading environment variables',
  )) as {
    value: Array<{ [d.id]: string; schemaname: string; defaultvalue: string | null; [d.values]: Array<{ value: string }> }>;
  };
  const references = (await api.get(
    `${EntitySet.connectionReferences}?$select=${r.id},${r.logicalName},${r.connectionId}`,
    'reading connection references',
  )) as {
    value: Array<{ connectionreferencelogicalname: string; connectionid: string | null }>;
  };
  const flows = (await api.get(
    `${EntitySet.workflows}?$select=${w.id},${w.name},${w.stateCode},${w.statusCode}&$filter=${w.category} eq ${WorkflowCategory.ModernFlow}`,
    'reading the cloud flows',
  )) as {
    value: Array<{ workflowid: string; name: string; statecode: number }>;
  };
  const ours = (name: string): boolean => name.toLowerCase().startsWith(`${prefix.toLowerCase()}_`);
  const flowIds = pkg ? new Set(pkg.flows.map((flow) => flow.id)) : undefined;
  const flowRows = flows.value.filter((row) => (flowIds ? flowIds.has(row.workflowid.toLowerCase()) : true));
  const status: EnvironmentStatus = {
    environment,
    orgUrl: api.orgUrl,
    solution: uniqueName,
    installedVersion: installed?.version ?? null,
    managed: installed ? installed.ismanaged : null,
    sha256,
    environmentVariables: definitions.value
      .filter((row) => ours(row.schemaname))
      .map((row) => ({ schemaName: row.schemaname, value: row[d.values][0]?.value ?? null, defaultValue: row.defaultvalue ?? null })),
    connectionReferences: references.value
      .filter((row) => ours(row.connectionreferencelogicalname))
      .map((row) => ({
        logicalName: row.connectionreferencelogicalname,
        bound: Boolean(row.connectionid),
        connectionId: row.connectionid ?? null,
      })),
    flows: flowRows.map((row) => ({
      id: row.workflowid,
      name: row.name,
      on: row.statecode === WorkflowState.Activated,
      ...(row.statecode === WorkflowState.Activated
        ? {}
        : { reason: row.statecode === 2 ? 'suspended' : 'off (turned off, or never turned on: run deploy again)' }),
    })),
    healthy: false,
  };
  status.healthy =
    status.installedVersion !== null &&
    status.flows.length > 0 &&
    status.flows.every((flow) => flow.on) &&
    status.connectionReferences.every((reference) => reference.bound);
  const webhook = pkg ? await readWebhook(api, pkg, status) : undefined;
  if (webhook) status.webhook = webhook;
  if (layers) {
    const definitionIds = new Map(definitions.value.map((row) => [row.schemaname.toLowerCase(), row[d.id]]));
    status.customisations = await readCustomisations(api, layers, status.installedVersion, definitionIds);
  }
  return status;
}

/** The last run of the package's webhook registration flow in the environment's run history. */
async function readWebhook(api: WebApi, pkg: DeployPackage, status: EnvironmentStatus): Promise<WebhookStatus | undefined> {
  const steps = webhookSteps(pkg, api.orgUrl);
  if (!steps?.registrationFlow || !steps.registrationFlowId) return undefined;
  const flowId = steps.registrationFlowId.toLowerCase();
  const base = { registrationFlow: steps.registrationFlow };
  if (!status.flows.some((flow) => flow.id.toLowerCase() === flowId)) return { ...base, state: 'not installed', lastRun: null };
  const f = Column.flowRun;
  let rows: Array<Record<string, unknown>>;
  try {
    const answer = (await api.get(
      `${EntitySet.flowRuns}?$select=${f.startTime},${f.endTime},${f.status},${f.errorCode},${f.errorMessage}&$filter=${f.workflow} eq ${flowId}&$orderby=${f.startTime} desc&$top=1`,
      'reading the run history of the webhook registration flow',
    )) as { value: Array<Record<string, unknown>> };
    rows = answer.value;
  } catch (error) {
    // An environment without the run history table (or the right to read it) still gets the rest of its status.
    return { ...base, state: 'unknown', lastRun: null, reason: error instanceof Error ? error.message : String(error), fix: steps.steps };
  }
  const row = rows[0];
  if (!row) return { ...base, state: 'never run', lastRun: null, fix: steps.steps };
  const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
  const runStatus = text(row[f.status]) ?? '';
  const state = (FlowRunSucceeded as readonly string[]).includes(runStatus)
    ? 'succeeded'
    : (FlowRunRunning as readonly string[]).includes(runStatus)
      ? 'running'
      : 'failed';
  return {
    ...base,
    state,
    lastRun: {
      startTime: text(row[f.startTime]),
      endTime: text(row[f.endTime]),
      status: runStatus,
      errorCode: text(row[f.errorCode]),
      errorMessage: text(row[f.errorMessage]),
    },
    ...(state === 'failed' ? { fix: steps.steps } : {}),
  };
}

export function formatStatus(statuses: readonly EnvironmentStatus[]): string {
  const lines: string[] = [];
  for (const status of statuses) {
    lines.push(
      `${status.environment} (${status.orgUrl}): ${status.solution} ${status.installedVersion ?? 'not installed'}${status.sha256 ? `  sha256 ${status.sha256}` : ''}  ${status.healthy ? 'healthy' : 'NOT healthy'}`,
    );
    for (const variable of status.environmentVariables)
      lines.push(`  env var    ${variable.schemaName} = ${variable.value ?? `(default) ${variable.defaultValue ?? ''}`}`);
    for (const reference of status.connectionReferences)
      lines.push(`  connection ${reference.logicalName}: ${reference.bound ? `bound (${reference.connectionId})` : 'NOT bound'}`);
    for (const flow of status.flows)
      lines.push(`  flow       ${flow.on ? 'on ' : 'OFF'} ${flow.name}${flow.reason ? ` (${flow.reason})` : ''}`);
    if (status.webhook) lines.push(...formatWebhook(status.webhook));
    if (status.customisations) lines.push(...formatCustomisations(status.customisations));
  }
  return lines.join('\n');
}

function formatCustomisations(layers: CustomisationStatus): string[] {
  if (layers.unreadable) return [`  layers     unknown: the solution layers could not be read (${layers.unreadable})`];
  if (layers.customised.length === 0)
    return [`  layers     no unmanaged layer on our ${layers.checked} flows, forms and env var definitions`];
  const lines = layers.customised.map((component) => {
    const mark = component.conflict === true ? 'CONFLICT   ' : 'customised ';
    const changes =
      component.conflict === true ? `; ${layers.next?.version ?? 'the next version'} changes it: ${component.ourChanges!.join(', ')}` : '';
    return `  ${mark}${component.kind} "${component.name}" has an unmanaged (Active) layer${changes}`;
  });
  lines.push(`             ${layers.warning}`);
  if (layers.conflictsUnknown) lines.push(`             conflicts unknown: ${layers.conflictsUnknown}`);
  else if (layers.next && !layers.customised.some((component) => component.conflict))
    lines.push(`             ${layers.next.label} changes none of them`);
  return lines;
}

function formatWebhook(webhook: WebhookStatus): string[] {
  const run = webhook.lastRun;
  const head =
    webhook.state === 'never run'
      ? `NEVER RUN: "${webhook.registrationFlow}" has no run in the flow run history (kept 28 days), so Partner Center may not know this environment's webhook URL`
      : webhook.state === 'not installed'
        ? `"${webhook.registrationFlow}" is not installed`
        : webhook.state === 'unknown'
          ? `unknown: the flow run history could not be read (${webhook.reason ?? ''})`
          : `last run of "${webhook.registrationFlow}" ${run?.startTime ?? ''}: ${webhook.state === 'failed' ? 'FAILED' : webhook.state} (${run?.status ?? ''}${run?.errorCode ? `, ${run.errorCode}` : ''}${run?.errorMessage ? `: ${run.errorMessage}` : ''})`;
  const lines = [`  webhook    ${head}`];
  if (webhook.fix) lines.push(...webhook.fix.map((step, index) => `             ${index + 1}. ${step}`));
  return lines;
}

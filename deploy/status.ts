/**
 * What an environment holds of the solution, read with GETs only: installed version, the deployment record's
 * hash, environment variable values, connection references bound or not, each cloud flow on or off.
 */
import { Column, EntitySet, WorkflowCategory, WorkflowState } from './constants.js';
import type { DeployPackage } from './package-info.js';
import { installedSolution } from './sequence.js';
import type { WebApi } from './web-api.js';

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
  healthy: boolean;
}

export async function readStatus(
  api: WebApi,
  environment: string,
  uniqueName: string,
  prefix: string,
  sha256: string | null,
  pkg?: DeployPackage,
): Promise<EnvironmentStatus> {
  const installed = await installedSolution(api, uniqueName);
  const d = Column.envVarDefinition;
  const v = Column.envVarValue;
  const r = Column.connectionReference;
  const w = Column.workflow;
  const definitions = (await api.get(
    `${EntitySet.environmentVariableDefinitions}?$select=${d.id},${d.schemaName},${d.defaultValue}&$expand=${d.values}($select=${v.id},${v.value})`,
    'reading environment variables',
  )) as { value: Array<{ schemaname: string; defaultvalue: string | null; [d.values]: Array<{ value: string }> }> };
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
  return status;
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
  }
  return lines.join('\n');
}

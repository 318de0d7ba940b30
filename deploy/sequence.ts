/**
 * The deploy sequence against one environment (../shared/docs/alm.md §2 and §5):
 *
 *   plan (installed solution, an import already running) → StageSolution → ImportSolutionAsync or
 *   StageAndUpgradeAsync with the settings as ComponentParameters → poll the asyncoperation (growing interval;
 *   429 waits Retry-After in WebApi) → RetrieveSolutionImportResult + the import job's per-component results →
 *   turn the cloud flows on, children first (flows/activation.ts) → report.
 *
 * Re-running after an interruption finishes the job: an import still running is waited for instead of started
 * twice, the same version is not imported again (its settings are put in place directly), flows already on
 * are left alone.
 */
import { randomUUID } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { activationOrder, childFlowIds } from '../flows/activation.js';
import {
  Action,
  AsyncState,
  AsyncStatus,
  Column,
  EntitySet,
  OPERATION_PASSED,
  STAGE_PASSED,
  WebApiFunction,
  WorkflowCategory,
  WorkflowState,
  WorkflowStatus,
} from './constants.js';
import { failedComponents, type ComponentFailure } from './import-log.js';
import { normalizeId, type DeployPackage } from './package-info.js';
import { planDeploy, type DeployPlan, type InstalledSolution } from './plan.js';
import { componentParameters, type DeploymentSettings } from './settings.js';
import { WebApiError, type WebApi } from './web-api.js';

export interface DeployOptions {
  api: WebApi;
  pkg: DeployPackage;
  /** Validated against the package (settings.ts). */
  settings: DeploymentSettings;
  sleep: (ms: number) => Promise<void>;
  /** Progress lines, one per step. */
  progress?: (line: string) => void;
  dryRun?: boolean;
  /** First poll interval (default 5 s); it grows ×1.5 up to `maxPollIntervalMs` (default 30 s). */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  /** Give up waiting for an import after this long (default 60 min, pac's default). */
  maxWaitMs?: number;
  /** Id generator for ImportJobId (tests make it deterministic). */
  newId?: () => string;
}

export interface FlowOutcome {
  id: string;
  name: string;
  on: boolean;
  /** True when this run turned it on. */
  turnedOn: boolean;
  reason?: string;
}

export interface DeployResult {
  plan: DeployPlan;
  dryRun: boolean;
  asyncOperationId?: string;
  importJobId?: string;
  componentFailures: ComponentFailure[];
  settingsChanged: string[];
  flows: FlowOutcome[];
  ok: boolean;
}

const q = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Reads what the plan needs: the installed solution, or undefined. */
export async function installedSolution(api: WebApi, uniqueName: string): Promise<InstalledSolution | undefined> {
  const c = Column.solution;
  const body = (await api.get(
    `${EntitySet.solutions}?$select=${c.id},${c.uniqueName},${c.version},${c.isManaged}&$filter=${c.uniqueName} eq ${q(uniqueName)}`,
    `reading solution ${uniqueName}`,
  )) as { value: InstalledSolution[] };
  return body.value[0];
}

async function runningImport(api: WebApi, uniqueName: string): Promise<{ importjobid: string; startedon: string } | undefined> {
  const c = Column.importJob;
  const body = (await api.get(
    `${EntitySet.importJobs}?$select=${c.id},${c.startedOn},${c.progress}&$filter=${c.solutionName} eq ${q(uniqueName)} and ${c.completedOn} eq null`,
    `looking for a running import of ${uniqueName}`,
  )) as { value: Array<{ importjobid: string; startedon: string }> };
  return body.value[0];
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const { api, pkg } = options;
  const say = options.progress ?? (() => undefined);
  const newId = options.newId ?? randomUUID;

  say(`plan: reading ${pkg.uniqueName} in ${api.orgUrl}`);
  const running = await runningImport(api, pkg.uniqueName);
  if (running && !options.dryRun) {
    say(
      `plan: an import of ${pkg.uniqueName} is already running (started ${running.startedon}); waiting for it instead of starting another`,
    );
    await waitForImportJob(options, running.importjobid);
  }
  const plan = planDeploy(pkg, await installedSolution(api, pkg.uniqueName));
  const result: DeployResult = { plan, dryRun: options.dryRun === true, componentFailures: [], settingsChanged: [], flows: [], ok: false };
  if (plan.action === 'refuse') throw new UserError(undefined, undefined, plan.refusal!.problem, plan.refusal!.fix);
  say(
    `plan: ${plan.action === 'install' ? 'first install' : plan.action === 'upgrade' ? `upgrade ${plan.installedVersion} → ${plan.version}` : `${plan.version} already installed`}${running && options.dryRun ? ` (an import is running now: started ${running.startedon})` : ''}`,
  );
  if (options.dryRun) {
    result.ok = true;
    return result;
  }

  if (plan.action === 'install' || plan.action === 'upgrade') {
    say(`StageSolution: uploading ${pkg.label} (${pkg.bytes.length} bytes)`);
    const staged = (await api.post(
      Action.StageSolution,
      { CustomizationFile: Buffer.from(pkg.bytes).toString('base64') },
      'StageSolution',
    )) as {
      StageSolutionResults: StageResults;
    };
    const uploadId = checkStaged(staged.StageSolutionResults, pkg);
    const importJobId = newId();
    const action = plan.action === 'install' ? Action.ImportSolutionAsync : Action.StageAndUpgradeAsync;
    say(
      `${action}: ${pkg.uniqueName} ${plan.version} with ${options.settings.ConnectionReferences.length} connection references and ${options.settings.EnvironmentVariables.length} environment variable values`,
    );
    const started = (await api.post(
      action,
      {
        OverwriteUnmanagedCustomizations: false,
        PublishWorkflows: true,
        ImportJobId: importJobId,
        ComponentParameters: componentParameters(options.settings),
        SolutionParameters: { StageSolutionUploadId: uploadId },
      },
      action,
    )) as { AsyncOperationId: string; ImportJobKey: string };
    result.asyncOperationId = started.AsyncOperationId;
    result.importJobId = started.ImportJobKey;
    const operation = await pollOperation(options, started.AsyncOperationId);
    say(`RetrieveSolutionImportResult: import job ${started.ImportJobKey}`);
    const outcome = (await api.get(
      `${WebApiFunction.RetrieveSolutionImportResult}(ImportJobId=${started.ImportJobKey})`,
      'RetrieveSolutionImportResult',
    )) as {
      SolutionOperationResult: { Status: string; ErrorMessages?: string[]; WarningMessages?: string[] };
    };
    const job = (await api.get(
      `${EntitySet.importJobs}(${started.ImportJobKey})?$select=${Column.importJob.progress},${Column.importJob.completedOn},${Column.importJob.data}`,
      'reading the import job',
    )) as {
      data: string | null;
    };
    result.componentFailures = failedComponents(job.data ?? '');
    const status = outcome.SolutionOperationResult.Status;
    if (operation.statuscode !== AsyncStatus.Succeeded || status !== OPERATION_PASSED) {
      const messages = [...(outcome.SolutionOperationResult.ErrorMessages ?? []), operation.message ?? ''].filter(
        (text, index, all) => text && all.indexOf(text) === index,
      );
      throw new UserError(
        undefined,
        undefined,
        `the import of ${pkg.uniqueName} ${pkg.version} failed (operation status ${operation.statuscode}, result ${status}): ${messages.join(' / ') || 'no message'}`,
        'read the message; nothing was changed by a failed import. Fix the cause and run the same command again',
      );
    }
    if (result.componentFailures.length > 0) {
      throw new UserError(
        undefined,
        undefined,
        `the import of ${pkg.uniqueName} ${pkg.version} reported success but ${result.componentFailures.length} component(s) failed: ${result.componentFailures
          .map((failure) => `${failure.kind} "${failure.name}": ${failure.errorText}`)
          .join('; ')}`,
        'the environment now has this version with those components missing or old; fix the cause and deploy a higher version (raise solution.version)',
      );
    }
    say(`import: ${pkg.uniqueName} ${pkg.version} installed`);
  } else {
    result.settingsChanged = await reconcileSettings(options);
    say(result.settingsChanged.length > 0 ? `settings: updated ${result.settingsChanged.join(', ')}` : 'settings: already in place');
  }

  result.flows = await turnFlowsOn(options);
  result.ok = result.flows.every((flow) => flow.on);
  return result;
}

interface StageResults {
  StageSolutionUploadId: string;
  StageSolutionStatus: string;
  MissingDependencies?: Array<Record<string, unknown>>;
  SolutionValidationResults?: Array<{ Message?: string }>;
}

function checkStaged(results: StageResults, pkg: DeployPackage): string {
  if (results.StageSolutionStatus === STAGE_PASSED) return results.StageSolutionUploadId;
  const missing = (results.MissingDependencies ?? []).map(
    (dependency) =>
      `${text(dependency.RequiredComponentSchemaName ?? dependency.RequiredComponentDisplayName)} (type ${text(dependency.RequiredComponentType)}${dependency.RequiredSolutionName ? `, from solution ${text(dependency.RequiredSolutionName)}` : ''})`,
  );
  const messages = (results.SolutionValidationResults ?? []).map((result) => result.Message).filter(Boolean);
  throw new UserError(
    pkg.label,
    undefined,
    `StageSolution did not pass (${results.StageSolutionStatus})${missing.length > 0 ? `; the environment lacks: ${missing.join(', ')}` : ''}${messages.length > 0 ? `; ${messages.join(' / ')}` : ''}`,
    'install the solutions named above in the environment first (for Dynamics 365 tables: the Sales app); nothing was imported',
  );
}

interface OperationRow {
  statecode: number;
  statuscode: number;
  message: string | null;
  completedon: string | null;
}

async function pollOperation(options: DeployOptions, id: string): Promise<OperationRow> {
  const { api } = options;
  const say = options.progress ?? (() => undefined);
  const c = Column.asyncOperation;
  let interval = options.pollIntervalMs ?? 5000;
  const maxInterval = options.maxPollIntervalMs ?? 30_000;
  let waited = 0;
  for (;;) {
    const row = (await api.get(
      `${EntitySet.asyncOperations}(${id})?$select=${c.stateCode},${c.statusCode},${c.message},${c.friendlyMessage},${c.completedOn}`,
      'polling the import',
    )) as OperationRow;
    if (row.statecode === AsyncState.Completed) return row;
    if (waited >= (options.maxWaitMs ?? 3_600_000)) {
      throw new UserError(
        undefined,
        undefined,
        `the import (async operation ${id}) is still running after ${Math.round(waited / 60_000)} min`,
        'it goes on in Dataverse: run the same command again later and it waits for it instead of starting another',
      );
    }
    say(`poll: import running (status ${row.statuscode}); next check in ${Math.round(interval / 1000)} s`);
    await options.sleep(interval);
    waited += interval;
    interval = Math.min(maxInterval, Math.round(interval * 1.5));
  }
}

/** Waits for an import started by an earlier (interrupted) run, by its import job. */
async function waitForImportJob(options: DeployOptions, importJobId: string): Promise<void> {
  const c = Column.importJob;
  let interval = options.pollIntervalMs ?? 5000;
  let waited = 0;
  for (;;) {
    const job = (await options.api.get(
      `${EntitySet.importJobs}(${importJobId})?$select=${c.progress},${c.completedOn}`,
      'polling the running import',
    )) as { completedon: string | null };
    if (job.completedon) return;
    if (waited >= (options.maxWaitMs ?? 3_600_000)) {
      throw new UserError(
        undefined,
        undefined,
        `an earlier import (job ${importJobId}) is still running`,
        'run the same command again later',
      );
    }
    await options.sleep(interval);
    waited += interval;
    interval = Math.min(options.maxPollIntervalMs ?? 30_000, Math.round(interval * 1.5));
  }
}

/** Same version installed: the settings file's values and connections written directly where they differ. */
async function reconcileSettings(options: DeployOptions): Promise<string[]> {
  const { api, settings } = options;
  const d = Column.envVarDefinition;
  const v = Column.envVarValue;
  const r = Column.connectionReference;
  const changed: string[] = [];
  const definitions = (await api.get(
    `${EntitySet.environmentVariableDefinitions}?$select=${d.id},${d.schemaName}&$expand=${d.values}($select=${v.id},${v.value})`,
    'reading environment variables',
  )) as {
    value: Array<{
      environmentvariabledefinitionid: string;
      schemaname: string;
      [d.values]: Array<{ environmentvariablevalueid: string; value: string }>;
    }>;
  };
  for (const entry of settings.EnvironmentVariables) {
    const definition = definitions.value.find((row) => row.schemaname.toLowerCase() === entry.SchemaName.toLowerCase());
    if (!definition) continue;
    const current = definition[d.values][0];
    if (current?.value === entry.Value) continue;
    if (current)
      await api.patch(
        `${EntitySet.environmentVariableValues}(${current.environmentvariablevalueid})`,
        { [v.value]: entry.Value },
        `setting ${entry.SchemaName}`,
      );
    else {
      await api.post(
        EntitySet.environmentVariableValues,
        {
          [v.schemaName]: entry.SchemaName,
          [v.value]: entry.Value,
          'EnvironmentVariableDefinitionId@odata.bind': `/${EntitySet.environmentVariableDefinitions}(${definition.environmentvariabledefinitionid})`,
        },
        `setting ${entry.SchemaName}`,
      );
    }
    changed.push(entry.SchemaName);
  }
  const references = (await api.get(
    `${EntitySet.connectionReferences}?$select=${r.id},${r.logicalName},${r.connectionId}`,
    'reading connection references',
  )) as {
    value: Array<{ connectionreferenceid: string; connectionreferencelogicalname: string; connectionid: string | null }>;
  };
  for (const entry of settings.ConnectionReferences) {
    const row = references.value.find(
      (candidate) => candidate.connectionreferencelogicalname.toLowerCase() === entry.LogicalName.toLowerCase(),
    );
    if (!row || row.connectionid === entry.ConnectionId) continue;
    await api.patch(
      `${EntitySet.connectionReferences}(${row.connectionreferenceid})`,
      { [r.connectionId]: entry.ConnectionId },
      `setting the connection of ${entry.LogicalName}`,
    );
    changed.push(entry.LogicalName);
  }
  return changed;
}

/** Every cloud flow of the package on, children first; a flow that stays off is reported with its reason. */
export async function turnFlowsOn(options: DeployOptions): Promise<FlowOutcome[]> {
  const { api, pkg } = options;
  const say = options.progress ?? (() => undefined);
  const w = Column.workflow;
  const rows = (await api.get(
    `${EntitySet.workflows}?$select=${w.id},${w.name},${w.stateCode},${w.statusCode}&$filter=${w.category} eq ${WorkflowCategory.ModernFlow}`,
    'reading the cloud flows',
  )) as { value: Array<{ workflowid: string; name: string; statecode: number }> };
  const byId = new Map(rows.value.map((row) => [normalizeId(row.workflowid), row]));
  const outcomes = new Map<string, FlowOutcome>();
  for (const flow of activationOrder(pkg.flows)) {
    const row = byId.get(flow.id);
    const offChild = childFlowIds(flow.document)
      .map((child) => outcomes.get(child))
      .find((child) => child && !child.on);
    let outcome: FlowOutcome;
    if (!row)
      outcome = {
        id: flow.id,
        name: flow.name,
        on: false,
        turnedOn: false,
        reason: 'not in the environment: the import did not create it',
      };
    else if (row.statecode === WorkflowState.Activated) outcome = { id: flow.id, name: flow.name, on: true, turnedOn: false };
    else if (offChild)
      outcome = { id: flow.id, name: flow.name, on: false, turnedOn: false, reason: `its child flow "${offChild.name}" is off` };
    else {
      try {
        await api.patch(
          `${EntitySet.workflows}(${flow.id})`,
          { [w.stateCode]: WorkflowState.Activated, [w.statusCode]: WorkflowStatus.Activated },
          `turning on "${flow.name}"`,
        );
        outcome = { id: flow.id, name: flow.name, on: true, turnedOn: true };
      } catch (error) {
        if (!(error instanceof WebApiError)) throw error;
        outcome = {
          id: flow.id,
          name: flow.name,
          on: false,
          turnedOn: false,
          reason: `${error.code ? `${error.code}: ` : ''}${error.serviceMessage}`,
        };
      }
    }
    say(`flow: ${outcome.name}: ${outcome.on ? (outcome.turnedOn ? 'turned on' : 'already on') : `left off (${outcome.reason})`}`);
    outcomes.set(flow.id, outcome);
  }
  return [...outcomes.values()];
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '?');

/**
 * The solution lifecycle of an emulated environment (CONTRACT.md, section L): StageSolution, ImportSolutionAsync,
 * StageAndUpgradeAsync, the asyncoperation and importjob they leave, RetrieveSolutionImportResult, and the tables an
 * import writes (solutions, workflows, environment variable definitions and values, connection references), with
 * cloud flows turned on by updating their workflow row. It fails the documented ways: missing dependencies on
 * staging, a lower version, a concurrent import, settings that do not fit, 429 throttling, and a component failure
 * inside an import job whose operation still says it succeeded.
 *
 * Its names come from Microsoft's public reference (cited in CONTRACT.md), never from the deploy client.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Clock } from '../../contracts.js';
import { readZip } from '../../../core/io/zip.js';
import { DataverseError, notSupported, recordNotFound, requireObject } from '../errors.js';
import type { Result } from '../web-api.js';
import { checkOptions, matches, parseFilter, selectColumns, type AlmRow } from './query.js';
import { readSolutionZip, type StagedSolution } from './solution-zip.js';
import { importJobXml } from './import-job.js';
import { compareVersions } from '../../../core/version.js';
import { FlowRunTable } from './flow-runs.js';
import { ComponentLayerTable, LayerComponentName, type LayeredComponent } from './component-layers.js';

const API = /^\/api\/data\/v9\.\d+\/([A-Za-z_]+)(?:\((.*)\))?$/s;

/** The resources this module answers; every other path goes to the row store. */
const RESOURCES = new Set([
  'StageSolution',
  'ImportSolutionAsync',
  'StageAndUpgradeAsync',
  'RetrieveSolutionImportResult',
  'asyncoperations',
  'importjobs',
  'solutions',
  'workflows',
  'environmentvariabledefinitions',
  'environmentvariablevalues',
  'connectionreferences',
  'flowruns',
  'msdyn_componentlayers',
]);

export interface MissingDependencyFault {
  requiredType: number;
  requiredSchemaName: string;
  requiredSolution: string;
}

interface Operation {
  id: string;
  importJobId: string;
  solution: StagedSolution;
  parameters: ComponentParameter[];
  upgrade: boolean;
  finishAt: number;
  done: boolean;
  failure?: string;
}

interface ImportJob {
  importjobid: string;
  solutionname: string;
  startedon: string;
  completedon: string | null;
  progress: number;
  data: string;
  errors: string[];
  warnings: string[];
}

interface ComponentParameter {
  type: 'connectionreference' | 'environmentvariablevalue';
  row: Record<string, unknown>;
}

export interface AlmOptions {
  clock: Clock;
  /** Virtual (or real) time an import takes (default 30 s). */
  importDurationMs?: number;
}

const ENV_VAR_VALUE_TYPE = 'Microsoft.Dynamics.CRM.environmentvariablevalue';
const CONNECTION_REFERENCE_TYPE = 'Microsoft.Dynamics.CRM.connectionreference';

export class AlmEnvironment {
  readonly solutions = new Map<string, AlmRow>();
  readonly workflows = new Map<string, AlmRow>();
  readonly envVarDefinitions = new Map<string, AlmRow>();
  readonly envVarValues = new Map<string, AlmRow>();
  readonly connectionReferences = new Map<string, AlmRow>();
  /** Connections that exist in the environment (made by a maker): id → connector id (`/providers/…/apis/shared_x`). */
  readonly connections = new Map<string, string>();
  /** The cloud flow run history (`flowruns`); tests seed runs with `flowRuns.add`. */
  readonly flowRuns = new FlowRunTable((id) => this.workflows.get(id)?.name as string | undefined);
  /** The solution layers of the imported components (`msdyn_componentlayers`); `customize` adds an unmanaged one. */
  readonly layers: ComponentLayerTable;
  private readonly staged = new Map<string, StagedSolution>();
  private readonly operations = new Map<string, Operation>();
  private readonly importJobs = new Map<string, ImportJob>();
  private readonly clock: Clock;
  /** Time an import takes (virtual with a virtual clock); settable for servers on the real clock. */
  importDurationMs: number;
  private authorize: ((authorization: string | undefined) => boolean) | undefined;
  private throttled = { count: 0, retryAfterSeconds: 0 };
  private missingDependencies: MissingDependencyFault[] = [];
  private componentFailure: { workflowName: string; errorText: string } | undefined;

  constructor(options: AlmOptions) {
    this.clock = options.clock;
    this.importDurationMs = options.importDurationMs ?? 30_000;
    this.layers = new ComponentLayerTable(options.clock);
  }

  // Set-up and faults (test hooks).

  /** Requests must carry `Authorization: Bearer <token>` that `accepts` approves; 401 otherwise (every path). */
  requireAuthorization(accepts: (authorization: string | undefined) => boolean): void {
    this.authorize = accepts;
  }

  /** A connection a maker created in the environment. */
  addConnection(connectionId: string, connectorId: string): void {
    this.connections.set(connectionId, connectorId);
  }

  /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds`. */
  throttleNext(count: number, retryAfterSeconds: number): void {
    this.throttled = { count, retryAfterSeconds };
  }

  /** StageSolution reports these components as missing from the environment (and the stage fails). */
  lackComponents(dependencies: MissingDependencyFault[]): void {
    this.missingDependencies = dependencies;
  }

  /** The next import's job fails this flow's component while the operation still succeeds. */
  failComponentOnNextImport(workflowName: string, errorText: string): void {
    this.componentFailure = { workflowName, errorText };
  }

  /**
   * A maker's edit in the maker portal of an imported workflow, form or environment variable definition (by its id):
   * an unmanaged (Active) layer on top of the managed one, holding `changes` (the changed properties).
   */
  customize(componentId: string, changes: Record<string, unknown>): LayeredComponent {
    return this.layers.customize(componentId, changes);
  }

  /** The answer to a request on a lifecycle resource, or undefined when the path is not one (the row store answers it). */
  answer(method: string, url: URL, headers: IncomingHttpHeaders, body: unknown): Result | undefined {
    if (this.authorize && !this.authorize(headerValue(headers.authorization))) {
      return { status: 401, headers: { 'WWW-Authenticate': 'Bearer' }, changes: [] };
    }
    const match = API.exec(url.pathname);
    if (!match || !RESOURCES.has(match[1]!)) return undefined;
    if (this.throttled.count > 0) {
      this.throttled.count -= 1;
      const error = new DataverseError(429, '0x80072322', 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.');
      return { status: 429, headers: { 'Retry-After': String(this.throttled.retryAfterSeconds) }, body: error.toJSON(), changes: [] };
    }
    this.advance();
    const resource = match[1]!;
    const key = match[2];
    const result = this.route(method, resource, key, url.searchParams, body);
    return {
      status: result.status,
      headers: result.headers ?? {},
      ...(result.body !== undefined ? { body: result.body } : {}),
      changes: [],
    };
  }

  private route(
    method: string,
    resource: string,
    key: string | undefined,
    query: URLSearchParams,
    body: unknown,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const post = method === 'POST';
    switch (resource) {
      case 'StageSolution':
        if (!post) throw methodNotAllowed(method);
        return { status: 200, body: this.stage(requireObject(body)) };
      case 'ImportSolutionAsync':
      case 'StageAndUpgradeAsync':
        if (!post) throw methodNotAllowed(method);
        return { status: 200, body: this.startImport(requireObject(body), resource === 'StageAndUpgradeAsync') };
      case 'RetrieveSolutionImportResult':
        if (method !== 'GET') throw methodNotAllowed(method);
        return { status: 200, body: this.importResult(key ?? '') };
      case 'asyncoperations':
        return { status: 200, body: this.getById('asyncoperation', key, query, (id) => this.operationRow(id)) };
      case 'importjobs':
        if (key === undefined) return { status: 200, body: this.list('importjob', [...this.importJobs.values()].map(importJobRow), query) };
        return {
          status: 200,
          body: this.getById('importjob', key, query, (id) => {
            const job = this.importJobs.get(id);
            return job ? importJobRow(job) : undefined;
          }),
        };
      case 'solutions':
        return { status: 200, body: this.list('solution', [...this.solutions.values()], query) };
      case 'workflows':
        if (method === 'PATCH') return this.updateWorkflow(key, requireObject(body));
        if (key !== undefined) return { status: 200, body: this.getById('workflow', key, query, (id) => this.workflows.get(id)) };
        return { status: 200, body: this.list('workflow', [...this.workflows.values()], query) };
      case 'environmentvariabledefinitions':
        return { status: 200, body: this.list('environmentvariabledefinition', [...this.envVarDefinitions.values()], query, true) };
      case 'environmentvariablevalues':
        if (method === 'PATCH') return this.patchRow(this.envVarValues, 'environmentvariablevalue', key, requireObject(body), ['value']);
        if (post) return this.createValue(requireObject(body));
        return { status: 200, body: this.list('environmentvariablevalue', [...this.envVarValues.values()], query) };
      case 'connectionreferences':
        if (method === 'PATCH')
          return this.patchRow(this.connectionReferences, 'connectionreference', key, requireObject(body), ['connectionid']);
        return { status: 200, body: this.list('connectionreference', [...this.connectionReferences.values()], query) };
      case 'flowruns':
        return this.flowRuns.answer(method, key, query);
      case 'msdyn_componentlayers':
        return this.layers.answer(method, key, query);
      default:
        throw notSupported(resource);
    }
  }

  /** StageSolution: the zip read and checked, kept under an upload id for ImportSolutionAsync. */
  private stage(body: Record<string, unknown>): unknown {
    const solution = this.readCustomizationFile(body.CustomizationFile);
    const uploadId = randomUUID();
    this.staged.set(uploadId, solution);
    const missing = this.missingDependencies.map((dependency) => ({
      RequiredComponentSchemaName: dependency.requiredSchemaName,
      RequiredComponentType: dependency.requiredType,
      RequiredSolutionName: dependency.requiredSolution,
      DependentComponentSchemaName: solution.uniqueName,
    }));
    const installed = this.solutions.get(solution.uniqueName.toLowerCase());
    return {
      '@odata.context': '$metadata#Microsoft.Dynamics.CRM.StageSolutionResponse',
      StageSolutionResults: {
        StageSolutionUploadId: uploadId,
        StageSolutionStatus: missing.length > 0 ? 'Failed' : 'Passed',
        MissingDependencies: missing,
        SolutionValidationResults: missing.map((dependency) => ({
          SolutionValidationResultType: 'Error',
          Message: `The solution requires ${dependency.RequiredComponentSchemaName} from ${dependency.RequiredSolutionName}, which the environment does not have.`,
          ErrorCode: -2147188703,
        })),
        SolutionDetails: {
          SolutionUniqueName: solution.uniqueName,
          SolutionFriendlyName: solution.friendlyName,
          SolutionVersion: solution.version,
          IsManaged: solution.managed,
          ExistingSolutionVersion: installed ? installed.version : null,
        },
        SolutionComponentsDetails: [
          ...solution.envVars.map((variable) => ({
            ComponentTypeName: 'Environment Variable Definition',
            ComponentSchemaName: variable.schemaName,
          })),
          ...solution.connectionReferences.map((reference) => ({
            ComponentTypeName: 'Connection Reference',
            ComponentSchemaName: reference.logicalName,
          })),
        ],
      },
    };
  }

  private startImport(body: Record<string, unknown>, upgrade: boolean): unknown {
    for (const name of ['OverwriteUnmanagedCustomizations', 'PublishWorkflows']) {
      if (typeof body[name] !== 'boolean')
        throw new DataverseError(400, '0x0', `The parameter '${name}' is required and must be a boolean.`);
    }
    const uploadId = (body.SolutionParameters as { StageSolutionUploadId?: unknown } | undefined)?.StageSolutionUploadId;
    let solution: StagedSolution;
    if (body.CustomizationFile !== undefined) solution = this.readCustomizationFile(body.CustomizationFile);
    else if (typeof uploadId === 'string' && this.staged.has(uploadId)) solution = this.staged.get(uploadId)!;
    else
      throw new DataverseError(
        400,
        '0x80048d19',
        'Either CustomizationFile or SolutionParameters.StageSolutionUploadId of a staged solution is required.',
      );
    const running = [...this.operations.values()].find(
      (operation) => !operation.done && operation.solution.uniqueName === solution.uniqueName,
    );
    if (running) {
      throw new DataverseError(
        400,
        '0x80071151',
        'Cannot start another [Import] because there is a previous [Import] running at this moment. Use Solution History for more details. -- ' +
          'The solution installation or removal failed due to the installation or removal of another solution at the same time. Please try again later.',
      );
    }
    const parameters = readComponentParameters(body.ComponentParameters);
    const id = randomUUID();
    const importJobId = typeof body.ImportJobId === 'string' ? body.ImportJobId : randomUUID();
    const now = this.clock.now();
    const installed = this.solutions.get(solution.uniqueName.toLowerCase());
    const operation: Operation = {
      id,
      importJobId,
      solution,
      parameters,
      upgrade,
      finishAt: now.getTime() + this.importDurationMs,
      done: false,
    };
    if (upgrade && !installed) operation.failure = `The solution ${solution.uniqueName} is not installed, so it cannot be upgraded.`;
    else if (installed && compareVersions(solution.version, installed.version as string) < 0) {
      operation.failure = 'The import solution must have a higher version than the existing solution it is upgrading.';
    } else if (installed && installed.ismanaged === true && compareVersions(solution.version, installed.version as string) === 0) {
      operation.failure = `The solution ${solution.uniqueName} version ${solution.version} is already installed; a managed solution of the same version cannot be imported again.`;
    } else operation.failure = this.settingsProblem(solution, parameters);
    this.operations.set(id, operation);
    this.importJobs.set(importJobId, {
      importjobid: importJobId,
      solutionname: solution.uniqueName,
      startedon: now.toISOString(),
      completedon: null,
      progress: 0,
      data: '',
      errors: [],
      warnings: [],
    });
    return {
      '@odata.context': '$metadata#Microsoft.Dynamics.CRM.ImportSolutionAsyncResponse',
      AsyncOperationId: id,
      ImportJobKey: importJobId,
    };
  }

  /** What a ComponentParameters item gets wrong for this solution and environment, if anything. */
  private settingsProblem(solution: StagedSolution, parameters: ComponentParameter[]): string | undefined {
    for (const parameter of parameters) {
      if (parameter.type === 'environmentvariablevalue') {
        const schemaName = text(parameter.row.schemaname);
        if (
          !solution.envVars.some((variable) => variable.schemaName.toLowerCase() === schemaName.toLowerCase()) &&
          !this.definitionBySchema(schemaName)
        ) {
          return `Environment variable definition '${schemaName}' was not found.`;
        }
        if (typeof parameter.row.value !== 'string' || parameter.row.value === '')
          return `Environment variable value can't be an empty string (${schemaName}).`;
      } else {
        const logicalName = text(parameter.row.connectionreferencelogicalname);
        const reference = solution.connectionReferences.find(
          (candidate) => candidate.logicalName.toLowerCase() === logicalName.toLowerCase(),
        );
        if (!reference) return `Connection reference '${logicalName}' is not part of solution ${solution.uniqueName}.`;
        const connectionId = text(parameter.row.connectionid);
        const connector = this.connections.get(connectionId);
        if (!connector) return `Connection '${connectionId}' for connection reference '${logicalName}' was not found in the environment.`;
        if (connector.toLowerCase() !== reference.connectorId.toLowerCase()) {
          return `Connection '${connectionId}' is a connection of ${connector}, but connection reference '${logicalName}' uses ${reference.connectorId}.`;
        }
      }
    }
    return undefined;
  }

  /** Finishes the imports whose time has come: the rows written (or not), the job's data and result filled. */
  private advance(): void {
    const now = this.clock.now();
    for (const operation of this.operations.values()) {
      if (operation.done || operation.finishAt > now.getTime()) continue;
      operation.done = true;
      const job = this.importJobs.get(operation.importJobId)!;
      job.completedon = now.toISOString();
      job.progress = 100;
      const failure = operation.failure;
      let failedFlow: { name: string; id: string; errorText: string } | undefined;
      if (!failure) {
        const fault = this.componentFailure;
        this.componentFailure = undefined;
        const flow = fault ? operation.solution.flows.find((candidate) => candidate.name === fault.workflowName) : undefined;
        if (fault && flow) failedFlow = { name: flow.name, id: flow.id, errorText: fault.errorText };
        this.apply(operation, failedFlow?.id);
      } else job.errors.push(failure);
      job.data = importJobXml(operation.solution, now, failure, failedFlow);
    }
  }

  /** The import's effect: the solution row, its flows (off), definitions, and the component parameters' values. */
  private apply(operation: Operation, skippedFlowId: string | undefined): void {
    const { solution } = operation;
    const key = solution.uniqueName.toLowerCase();
    const existing = this.solutions.get(key);
    this.solutions.set(key, {
      solutionid: existing?.solutionid ?? randomUUID(),
      uniquename: solution.uniqueName,
      friendlyname: solution.friendlyName,
      version: solution.version,
      ismanaged: solution.managed,
      installedon: existing?.installedon ?? this.clock.now().toISOString(),
      modifiedon: this.clock.now().toISOString(),
    });
    for (const flow of solution.flows) {
      if (flow.id === skippedFlowId) continue;
      const previous = this.workflows.get(flow.id);
      this.workflows.set(flow.id, {
        workflowid: flow.id,
        name: flow.name,
        category: 5,
        // An update keeps a flow's state; a first install leaves it off (Learn: flows in solutions are imported off).
        statecode: previous?.statecode ?? 0,
        statuscode: previous?.statuscode ?? 1,
        solutionname: solution.uniqueName,
        connectionreferencelogicalnames: flow.connectionReferences.join(','),
        childworkflowids: flow.children.join(','),
      });
    }
    for (const variable of solution.envVars) {
      const definition = this.definitionBySchema(variable.schemaName);
      const id = (definition?.environmentvariabledefinitionid as string | undefined) ?? randomUUID();
      this.envVarDefinitions.set(id, {
        environmentvariabledefinitionid: id,
        schemaname: variable.schemaName,
        type: variable.type,
        defaultvalue: variable.defaultValue ?? null,
      });
    }
    this.recordLayers(solution, skippedFlowId);
    for (const reference of solution.connectionReferences) {
      const current = [...this.connectionReferences.values()].find((row) =>
        same(row.connectionreferencelogicalname, reference.logicalName),
      );
      const id = (current?.connectionreferenceid as string | undefined) ?? randomUUID();
      this.connectionReferences.set(id, {
        connectionreferenceid: id,
        connectionreferencelogicalname: reference.logicalName,
        connectorid: reference.connectorId,
        connectionid: current?.connectionid ?? null,
      });
    }
    for (const parameter of operation.parameters) {
      if (parameter.type === 'connectionreference') {
        const row = [...this.connectionReferences.values()].find((candidate) =>
          same(candidate.connectionreferencelogicalname, parameter.row.connectionreferencelogicalname),
        );
        if (row) row.connectionid = parameter.row.connectionid;
      } else {
        const definition = this.definitionBySchema(String(parameter.row.schemaname));
        if (!definition) continue;
        const current = [...this.envVarValues.values()].find(
          (row) => row._environmentvariabledefinitionid_value === definition.environmentvariabledefinitionid,
        );
        const id = (current?.environmentvariablevalueid as string | undefined) ?? randomUUID();
        this.envVarValues.set(id, {
          environmentvariablevalueid: id,
          schemaname: definition.schemaname,
          value: parameter.row.value,
          _environmentvariabledefinitionid_value: definition.environmentvariabledefinitionid,
        });
      }
    }
  }

  private recordLayers(solution: StagedSolution, skippedFlowId: string | undefined): void {
    const components: LayeredComponent[] = [
      ...solution.flows
        .filter((flow) => flow.id !== skippedFlowId)
        .map((flow) => ({ componentName: LayerComponentName.workflow, id: flow.id, name: flow.name })),
      ...solution.forms.map((form) => ({ componentName: LayerComponentName.form, id: form.id, name: form.name })),
      ...solution.envVars.map((variable) => ({
        componentName: LayerComponentName.envVarDefinition,
        id: String(this.definitionBySchema(variable.schemaName)!.environmentvariabledefinitionid),
        name: variable.schemaName,
      })),
    ];
    this.layers.recordImport(solution, components);
  }

  private definitionBySchema(schemaName: string): AlmRow | undefined {
    return [...this.envVarDefinitions.values()].find((row) => same(row.schemaname, schemaName));
  }

  private operationRow(id: string): AlmRow | undefined {
    const operation = this.operations.get(id);
    if (!operation) return undefined;
    const job = this.importJobs.get(operation.importJobId)!;
    const succeeded = operation.done && !operation.failure;
    return {
      asyncoperationid: id,
      name: operation.upgrade ? 'StageAndUpgradeAsync' : 'ImportSolutionAsync',
      statecode: operation.done ? 3 : 2,
      statuscode: operation.done ? (succeeded ? 30 : 31) : 20,
      message: operation.done && operation.failure ? operation.failure : null,
      friendlymessage: operation.done && operation.failure ? operation.failure : null,
      startedon: job.startedon,
      completedon: job.completedon,
    };
  }

  private importResult(key: string): unknown {
    const match = /^ImportJobId=([0-9a-fA-F-]{36})$/.exec(key.trim());
    if (!match)
      throw new DataverseError(400, '0x0', `The function RetrieveSolutionImportResult requires the parameter ImportJobId, got '${key}'.`);
    const job = this.importJobs.get(match[1]!.toLowerCase()) ?? this.importJobs.get(match[1]!);
    if (!job) throw recordNotFound('importjob', match[1]!);
    if (job.completedon === null) throw new DataverseError(400, '0x0', 'The import job has not completed yet.');
    return {
      '@odata.context': '$metadata#Microsoft.Dynamics.CRM.RetrieveSolutionImportResultResponse',
      SolutionOperationResult: {
        Status: job.errors.length > 0 ? 'Failed' : 'Passed',
        ErrorMessages: job.errors,
        WarningMessages: job.warnings,
      },
    };
  }

  private updateWorkflow(key: string | undefined, body: Record<string, unknown>): { status: number } {
    const id = idOf(key);
    const row = this.workflows.get(id);
    if (!row) throw recordNotFound('workflow', id);
    for (const name of Object.keys(body)) {
      if (name !== 'statecode' && name !== 'statuscode') throw notSupported(`updating the workflow column '${name}'`);
    }
    const state = body.statecode ?? row.statecode;
    if (state === 1 && row.statecode !== 1) {
      for (const logicalName of String(row.connectionreferencelogicalnames).split(',').filter(Boolean)) {
        const reference = [...this.connectionReferences.values()].find((candidate) =>
          same(candidate.connectionreferencelogicalname, logicalName),
        );
        const connectionId = reference?.connectionid as string | null | undefined;
        if (!connectionId || !this.connections.has(connectionId)) {
          throw new DataverseError(
            400,
            'XrmConnectionReferenceMissingConnection',
            `Flow '${String(row.name)}' cannot be turned on: connection reference '${logicalName}' has no connection. Set a connection on it, then turn the flow on.`,
          );
        }
      }
      for (const child of String(row.childworkflowids).split(',').filter(Boolean)) {
        const childRow = this.workflows.get(child);
        if (childRow && childRow.statecode !== 1) {
          throw new DataverseError(
            400,
            'ChildFlowNotActivated',
            `Flow '${String(row.name)}' calls child flow '${String(childRow.name)}', which is off. Turn the child flow on first.`,
          );
        }
      }
    }
    row.statecode = state;
    row.statuscode = body.statuscode ?? (state === 1 ? 2 : 1);
    return { status: 204 };
  }

  private patchRow(
    table: Map<string, AlmRow>,
    entity: string,
    key: string | undefined,
    body: Record<string, unknown>,
    columns: string[],
  ): { status: number } {
    const id = idOf(key);
    const row = table.get(id);
    if (!row) throw recordNotFound(entity, id);
    for (const [name, value] of Object.entries(body)) {
      if (!columns.includes(name)) throw notSupported(`updating the ${entity} column '${name}'`);
      row[name] = value;
    }
    return { status: 204 };
  }

  /** A value row for a definition (`EnvironmentVariableDefinitionId@odata.bind`); one per definition. */
  private createValue(body: Record<string, unknown>): { status: number; headers: Record<string, string> } {
    const bind = /^\/?environmentvariabledefinitions\(([0-9a-fA-F-]{36})\)$/.exec(text(body['EnvironmentVariableDefinitionId@odata.bind']));
    const definition = bind ? this.envVarDefinitions.get(bind[1]!.toLowerCase()) : undefined;
    if (!definition)
      throw new DataverseError(
        400,
        '0x0',
        'EnvironmentVariableDefinitionId@odata.bind must name an existing environmentvariabledefinitions row.',
      );
    if (
      [...this.envVarValues.values()].some(
        (row) => row._environmentvariabledefinitionid_value === definition.environmentvariabledefinitionid,
      )
    ) {
      throw new DataverseError(412, '0x80040237', 'A record with matching key values already exists.');
    }
    const id = randomUUID();
    this.envVarValues.set(id, {
      environmentvariablevalueid: id,
      schemaname: definition.schemaname,
      value: body.value,
      _environmentvariabledefinitionid_value: definition.environmentvariabledefinitionid,
    });
    return { status: 204, headers: { 'OData-EntityId': `environmentvariablevalues(${id})` } };
  }

  private getById(entity: string, key: string | undefined, query: URLSearchParams, find: (id: string) => AlmRow | undefined): unknown {
    checkOptions(query, ['$select']);
    const id = idOf(key);
    const row = find(id);
    if (!row) throw recordNotFound(entity, id);
    return selectColumns(row, query.get('$select'), entity);
  }

  private list(entity: string, rows: AlmRow[], query: URLSearchParams, expandValues = false): unknown {
    checkOptions(query, ['$select', '$filter', ...(expandValues ? ['$expand'] : [])]);
    const filter = query.get('$filter');
    const comparisons = filter ? parseFilter(filter) : [];
    const expand = query.get('$expand');
    const expandName = 'environmentvariabledefinition_environmentvariablevalue';
    if (expand && !expand.startsWith(expandName)) throw notSupported(`$expand=${expand}`);
    const value = rows
      .filter((row) => matches(row, comparisons, entity))
      .map((row) => {
        const selected = selectColumns(row, query.get('$select'), entity);
        if (expand) {
          selected[expandName] = [...this.envVarValues.values()]
            .filter((value) => value._environmentvariabledefinitionid_value === row.environmentvariabledefinitionid)
            .map((value) => ({ environmentvariablevalueid: value.environmentvariablevalueid, value: value.value }));
        }
        return selected;
      });
    return { value };
  }

  private readCustomizationFile(file: unknown): StagedSolution {
    if (typeof file !== 'string' || file === '')
      throw new DataverseError(400, '0x0', 'The parameter CustomizationFile (Edm.Binary, base64) is required.');
    try {
      return readSolutionZip(readZip(Buffer.from(file, 'base64'), 'CustomizationFile'));
    } catch (error) {
      throw new DataverseError(400, '0x80048060', `The solution file is invalid. ${error instanceof Error ? error.message : ''}`.trim());
    }
  }
}

function readComponentParameters(value: unknown): ComponentParameter[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new DataverseError(400, '0x0', 'ComponentParameters must be a collection.');
  return value.map((item: unknown) => {
    const row = requireObject(item);
    const type = row['@odata.type'];
    if (type === ENV_VAR_VALUE_TYPE) return { type: 'environmentvariablevalue', row };
    if (type === CONNECTION_REFERENCE_TYPE) return { type: 'connectionreference', row };
    throw new DataverseError(400, '0x0', `ComponentParameters: unsupported @odata.type '${String(type)}'.`);
  });
}

function importJobRow(job: ImportJob): AlmRow {
  return {
    importjobid: job.importjobid,
    solutionname: job.solutionname,
    progress: job.progress,
    startedon: job.startedon,
    completedon: job.completedon,
    data: job.data,
  };
}

const same = (a: unknown, b: unknown): boolean => typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();

function idOf(key: string | undefined): string {
  const id = (key ?? '')
    .trim()
    .replace(/^\{|\}$/g, '')
    .toLowerCase();
  if (!/^[0-9a-f-]{36}$/.test(id))
    throw new DataverseError(400, '0x0', `Bad Request - Error in query syntax: the key '${key ?? ''}' is not a GUID.`);
  return id;
}

const methodNotAllowed = (method: string): DataverseError =>
  new DataverseError(405, '0x0', `The requested resource does not support http method '${method}'.`);

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** A string or number as text; anything else as ''. */
const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/**
 * Every name the deploy commands send to or read from Dataverse, in one place: Web API actions and functions,
 * entity sets, columns and the codes of their choices. Sources: Microsoft Learn's Web API reference (each
 * action's page), the table references, and ../shared/docs/alm.md §2.
 */
import { EnvironmentVariableTypeCode } from '../core/package/component-types.js';

/** `<org URL>` + this = the Web API root. */
export const WEB_API_PATH = '/api/data/v9.2';

export const Action = {
  StageSolution: 'StageSolution',
  ImportSolutionAsync: 'ImportSolutionAsync',
  StageAndUpgradeAsync: 'StageAndUpgradeAsync',
} as const;

export const WebApiFunction = {
  RetrieveSolutionImportResult: 'RetrieveSolutionImportResult',
} as const;

export const EntitySet = {
  solutions: 'solutions',
  asyncOperations: 'asyncoperations',
  importJobs: 'importjobs',
  workflows: 'workflows',
  environmentVariableDefinitions: 'environmentvariabledefinitions',
  environmentVariableValues: 'environmentvariablevalues',
  connectionReferences: 'connectionreferences',
  flowRuns: 'flowruns',
  /** Virtual table of a component's solution layers (Learn: msdyn_componentlayer table reference). */
  componentLayers: 'msdyn_componentlayers',
} as const;

export const Column = {
  solution: { id: 'solutionid', uniqueName: 'uniquename', version: 'version', isManaged: 'ismanaged', friendlyName: 'friendlyname' },
  asyncOperation: {
    id: 'asyncoperationid',
    stateCode: 'statecode',
    statusCode: 'statuscode',
    message: 'message',
    friendlyMessage: 'friendlymessage',
    completedOn: 'completedon',
  },
  importJob: {
    id: 'importjobid',
    solutionName: 'solutionname',
    progress: 'progress',
    startedOn: 'startedon',
    completedOn: 'completedon',
    data: 'data',
  },
  workflow: { id: 'workflowid', name: 'name', category: 'category', stateCode: 'statecode', statusCode: 'statuscode' },
  envVarDefinition: {
    id: 'environmentvariabledefinitionid',
    schemaName: 'schemaname',
    type: 'type',
    defaultValue: 'defaultvalue',
    values: 'environmentvariabledefinition_environmentvariablevalue',
  },
  envVarValue: { id: 'environmentvariablevalueid', schemaName: 'schemaname', value: 'value' },
  connectionReference: {
    id: 'connectionreferenceid',
    logicalName: 'connectionreferencelogicalname',
    connectorId: 'connectorid',
    connectionId: 'connectionid',
  },
  /** Cloud flow run history (flowrun table reference; Learn: "Manage cloud flow run history in Dataverse"). */
  flowRun: {
    workflow: '_workflow_value',
    startTime: 'starttime',
    endTime: 'endtime',
    status: 'status',
    errorCode: 'errorcode',
    errorMessage: 'errormessage',
  },
  componentLayer: {
    componentId: 'msdyn_componentid',
    componentName: 'msdyn_solutioncomponentname',
    solutionName: 'msdyn_solutionname',
    order: 'msdyn_order',
    overwriteTime: 'msdyn_overwritetime',
  },
} as const;

/** `msdyn_solutioncomponentname` per kind of our components that a maker may edit (CONTRACT.md §L [L16]). */
export const LayerComponentName = {
  flow: 'Workflow',
  form: 'SystemForm',
  'env var': 'environmentvariabledefinition',
} as const;

/** `msdyn_solutionname` of the unmanaged layer on top of a component's stack. */
export const ACTIVE_LAYER = 'Active';

/** flowrun `status` values that end a run well or badly (the Logic Apps run statuses Power Automate writes). */
export const FlowRunSucceeded = ['Succeeded', 'Success'] as const;
export const FlowRunRunning = ['Running', 'Waiting'] as const;

/** `@odata.type` of the ComponentParameters items (ImportSolutionAsync reference; Microsoft's staging sample). */
export const ODataType = {
  envVarValue: 'Microsoft.Dynamics.CRM.environmentvariablevalue',
  connectionReference: 'Microsoft.Dynamics.CRM.connectionreference',
} as const;

/** asyncoperation statecode / statuscode (asyncoperation table reference). */
export const AsyncState = { Ready: 0, Suspended: 1, Locked: 2, Completed: 3 } as const;
export const AsyncStatus = { WaitingForResources: 0, Waiting: 10, InProgress: 20, Succeeded: 30, Failed: 31, Canceled: 32 } as const;

/** workflow category / statecode / statuscode (workflow table reference). */
export const WorkflowCategory = { ModernFlow: 5 } as const;
export const WorkflowState = { Draft: 0, Activated: 1 } as const;
export const WorkflowStatus = { Draft: 1, Activated: 2 } as const;

/** StageSolutionStatus and SolutionOperationStatus as the Web API writes them (enum member names). */
export const STAGE_PASSED = 'Passed';
export const OPERATION_PASSED = 'Passed';

/** Environment variable definition `type` codes: the ones the package writes (core/package/component-types.ts). */
export const EnvVarType = EnvironmentVariableTypeCode;
export type EnvVarTypeName = keyof typeof EnvVarType;

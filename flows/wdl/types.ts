/** The JSON shapes of a Power Automate flow file (`Workflows/<Name>-<GUID>.json`), as exports write them. */

export type RunStatus = 'Succeeded' | 'Failed' | 'Skipped' | 'TimedOut';
export type RunAfter = Record<string, RunStatus[]>;
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface RetryPolicy {
  type: 'none' | 'fixed' | 'exponential';
  count?: number;
  interval?: string;
  minimumInterval?: string;
  maximumInterval?: string;
}

/** Any action: `type` plus its members; `runAfter` is filled by the container it is added to. */
export interface ActionDefinition {
  type: string;
  runAfter?: RunAfter;
  description?: string;
  [member: string]: unknown;
}

export interface TriggerDefinition {
  type: string;
  kind?: string;
  description?: string;
  [member: string]: unknown;
}

export interface ParameterDefinition {
  type: 'String' | 'SecureString' | 'Int' | 'Float' | 'Bool' | 'Array' | 'Object' | 'SecureObject';
  defaultValue?: Json;
  metadata?: { schemaName?: string; description?: string };
}

export interface ConnectionReferenceUse {
  runtimeSource: 'embedded' | 'invoker';
  connection: { connectionReferenceLogicalName: string };
  api: { name: string };
}

interface WorkflowDefinition {
  $schema: string;
  contentVersion: string;
  parameters: Record<string, ParameterDefinition>;
  triggers: Record<string, TriggerDefinition>;
  actions: Record<string, ActionDefinition>;
  outputs: Record<string, Json>;
}

export interface FlowDocument {
  properties: {
    connectionReferences: Record<string, ConnectionReferenceUse>;
    definition: WorkflowDefinition;
    templateName: null;
  };
  schemaVersion: '1.0.0.0';
}

export const WORKFLOW_SCHEMA = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';

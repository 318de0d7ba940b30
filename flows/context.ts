import { ConnectionReferenceName, EnvironmentVariableName, OpportunityColumn } from '../solution/cosell.js';
import { componentId } from '../solution/ids.js';
import type { CustomTable, SolutionModel } from '../solution/model.js';
import { ownColumn } from './mapping.js';
import type { FlowBuilder } from './wdl/builder.js';
import type { Expr } from './wdl/expr.js';

/** The flows, by stable key (ids derive from it) and display name (Microsoft's names, for familiarity). */
export const Flow = {
  WebhookRegistration: { key: 'webhook-registration', name: 'Partner Center Webhook Registration' },
  CreateCoSellReferral: { key: 'create-cosell-referral', name: 'Create Co-sell Referral – Dynamics 365 to Partner Center' },
  MicrosoftUpdates: { key: 'microsoft-referral-updates', name: 'Partner Center Microsoft Co-sell Referral Updates to Dynamics 365' },
  PartnerCenterToDynamics: { key: 'partner-center-to-dynamics', name: 'Partner Center to Dynamics 365' },
  DynamicsToPartnerCenter: { key: 'dynamics-to-partner-center', name: 'Dynamics 365 to Partner Center' },
  OpportunityToPartnerCenter: { key: 'opportunity-to-partner-center', name: 'Dynamics 365 Opportunity to Partner Center' },
  SolutionsToPartnerCenter: { key: 'solutions-to-partner-center', name: 'Dynamics 365 Microsoft Solutions to Partner Center' },
  CreateOrGetDetails: { key: 'customize-create-or-get-details', name: '[Customize] Create or Get Details from Dynamics 365' },
  Reconciliation: { key: 'reconciliation', name: 'Partner Center Reconciliation' },
} as const;

export type FlowKey = keyof typeof Flow;

/** The workflow id of a flow, known before the flow is built (parents call children by id). */
export const flowId = (flow: FlowKey): string => componentId('workflow', Flow[flow].key);

/** Entity set names of the standard tables the flows touch. */
export const EntitySet = {
  opportunity: 'opportunities', account: 'accounts', contact: 'contacts', lead: 'leads', transactioncurrency: 'transactioncurrencies',
} as const;

/** Names from the model every flow needs, resolved once. */
export class FlowContext {
  readonly prefix: string;
  readonly solutions: CustomTable;

  constructor(readonly model: SolutionModel) {
    this.prefix = model.publisher.prefix;
    const solutions = model.tables.find((table): table is CustomTable => table.kind === 'custom');
    if (!solutions) throw new Error('the model has no Partner Center solutions table');
    this.solutions = solutions;
  }

  /** Logical name of one of our opportunity columns. */
  column(stem: keyof typeof OpportunityColumn): string {
    return ownColumn(this.prefix, stem);
  }

  /** Logical name of a column of the solutions table, by stem. */
  solutionColumn(stem: string): string {
    return `${this.prefix}_${stem}`.toLowerCase();
  }

  connection(builder: FlowBuilder, name: keyof typeof ConnectionReferenceName): string {
    const logicalName = `${this.prefix}_${ConnectionReferenceName[name]}`;
    const reference = this.model.connectionReferences.find((candidate) => candidate.logicalName === logicalName);
    if (!reference) throw new Error(`connection reference ${logicalName} is not in the model`);
    return builder.connection(reference);
  }

  environmentVariable(builder: FlowBuilder, name: keyof typeof EnvironmentVariableName): Expr {
    const schemaName = `${this.prefix}_${EnvironmentVariableName[name]}`;
    const variable = this.model.environmentVariables.find((candidate) => candidate.schemaName === schemaName);
    if (!variable) throw new Error(`environment variable ${schemaName} is not in the model`);
    return builder.environmentVariable(variable);
  }
}

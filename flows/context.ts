import { ConnectionReferenceName, EnvironmentVariableName, OpportunityColumn } from '../solution/cosell.js';
import { UserError } from '../core/errors.js';
import { componentId } from '../solution/ids.js';
import type { CustomTable, SolutionModel } from '../solution/model.js';
import { CONFIG_FILE_NAME } from '../solution/config/config.js';
import {
  ACCOUNT_MAP,
  choiceOf,
  CONTACT_MAP,
  OPPORTUNITY_MAP,
  outbound,
  ownColumn,
  PARTNER_CENTER_ENUMS,
  type FieldMap,
} from './mapping.js';
import { FlowBuilder } from './wdl/builder.js';
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
  ReferralDecision: { key: 'referral-decision', name: "Send the Seller's Decision to Partner Center" },
  LeadReferralDecision: { key: 'lead-referral-decision', name: "Send the Seller's Decision on a Lead to Partner Center" },
} as const;

export type FlowKey = keyof typeof Flow;

/** A builder for one of the flows, with its stable key and display name. */
export const newFlow = (flow: FlowKey, description: string): FlowBuilder =>
  new FlowBuilder({ key: Flow[flow].key, name: Flow[flow].name, description });

/** The workflow id of a flow, known before the flow is built (parents call children by id). */
export const flowId = (flow: FlowKey): string => componentId('workflow', Flow[flow].key);

/** Entity set names of the standard tables the flows touch. */
export const EntitySet = {
  opportunity: 'opportunities',
  account: 'accounts',
  contact: 'contacts',
  lead: 'leads',
  transactioncurrency: 'transactioncurrencies',
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
    validateMapping(model);
  }

  /** Logical name of one of our opportunity columns (the model must define it). */
  column(stem: keyof typeof OpportunityColumn): string {
    const name = ownColumn(this.prefix, stem);
    if (!opportunityColumns(this.model).has(name)) {
      throw new UserError(
        MAPPING_SOURCE,
        stem,
        `names opportunity column ${name}, which the solution model does not define`,
        'add the column to solution/cosell.ts or correct the flow',
      );
    }
    return name;
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

const MAPPING_SOURCE = 'flows/mapping.ts';

const opportunityColumns = (model: SolutionModel): Set<string> =>
  new Set(
    model.tables
      .filter((table) => table.logicalName === 'opportunity')
      .flatMap((table) => table.columns.map((column) => column.logicalName)),
  );

/**
 * The mapping refers to the model: our own columns must exist, and a value map must have an option
 * for every Partner Center enum value, or the build stops here instead of a flow failing at run time.
 */
function validateMapping(model: SolutionModel): void {
  const columns = opportunityColumns(model);
  const check = (table: string, map: readonly FieldMap[]): void => {
    for (const field of map) {
      if ('own' in field.target) {
        const name = ownColumn(model.publisher.prefix, field.target.own);
        if (!columns.has(name)) {
          throw new UserError(
            MAPPING_SOURCE,
            `${table} ${field.key}`,
            `maps ${field.path.join('.')} to ${name}, a column the solution model does not define`,
            'add the column to the opportunity table in solution/cosell.ts or map to an existing one',
          );
        }
      }
      if (field.choice) {
        const choice = choiceOf(model, field.choice);
        for (const value of PARTNER_CENTER_ENUMS[field.choice]) {
          if (!choice.options.some((option) => option.key === value)) {
            throw new UserError(
              MAPPING_SOURCE,
              `${table} ${field.key}`,
              `value map to ${choice.schemaName} has no option for the Partner Center value "${value}"`,
              `add an option with key "${value}" to the ${choice.schemaName} choice`,
            );
          }
        }
      }
    }
  };
  check('OPPORTUNITY_MAP', OPPORTUNITY_MAP);
  check('ACCOUNT_MAP', ACCOUNT_MAP);
  check('CONTACT_MAP', CONTACT_MAP);
  checkPartnerRows(model);
}

/**
 * Referral properties the sync itself sends: the built-in outbound fields, the close (status, substatus) and the
 * CRM id the create writes. A partner row sending one too would make two PATCH operations on one path.
 */
const SENT_BY_THE_SYNC: ReadonlyMap<string, string> = new Map([
  ...outbound(OPPORTUNITY_MAP).map((field): [string, string] => [`/${field.path.join('/')}`, `the built-in field "${field.key}"`]),
  ['/status', 'the close of a won or lost deal'],
  ['/substatus', 'the close of a won or lost deal'],
  ['/externalReferenceId', 'the referral create (the opportunity id)'],
]);

function checkPartnerRows(model: SolutionModel): void {
  (model.partnerMappings?.rows ?? []).forEach((row, index) => {
    const owner = SENT_BY_THE_SYNC.get(row.referralPath);
    if (owner && row.direction !== 'toDynamics') {
      throw new UserError(
        CONFIG_FILE_NAME,
        `/mappings/rows/${index}/direction`,
        `sends ${row.referralPath} to Partner Center, which the sync already sends (${owner})`,
        `set "direction" to "toDynamics" to copy ${row.referralPath} into ${row.column}, or map another referral property`,
      );
    }
  });
}

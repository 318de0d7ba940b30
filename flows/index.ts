import type { CloudFlow, SolutionModel } from '../solution/model.js';
import { FlowContext, type FlowKey } from './context.js';
import { buildCreateCoSellReferralFlow } from './definitions/create-cosell-referral.js';
import { buildCreateOrGetDetailsFlow } from './definitions/create-or-get-details.js';
import { buildDynamicsToPartnerCenterFlow } from './definitions/dynamics-to-partner-center.js';
import { buildMicrosoftReferralUpdatesFlow } from './definitions/microsoft-referral-updates.js';
import { buildOpportunityToPartnerCenterFlow } from './definitions/opportunity-to-partner-center.js';
import { buildPartnerCenterToDynamicsFlow } from './definitions/partner-center-to-dynamics.js';
import { buildReconciliationFlow } from './definitions/reconciliation.js';
import { buildLeadReferralDecisionFlow, buildReferralDecisionFlow } from './definitions/referral-decision.js';
import { buildSolutionsToPartnerCenterFlow } from './definitions/solutions-to-partner-center.js';
import { buildWebhookRegistrationFlow } from './definitions/webhook-registration.js';

export { Flow, flowId, type FlowKey } from './context.js';

/**
 * Every flow, in activation order: child flows before the flows that call them (a parent cannot be
 * turned on while its child is off), as Microsoft's connector documents its own order.
 */
export const ACTIVATION_ORDER: ReadonlyArray<readonly [FlowKey, (ctx: FlowContext) => CloudFlow]> = [
  ['WebhookRegistration', buildWebhookRegistrationFlow],
  ['CreateOrGetDetails', buildCreateOrGetDetailsFlow],
  ['CreateCoSellReferral', buildCreateCoSellReferralFlow],
  ['MicrosoftUpdates', buildMicrosoftReferralUpdatesFlow],
  ['PartnerCenterToDynamics', buildPartnerCenterToDynamicsFlow],
  ['DynamicsToPartnerCenter', buildDynamicsToPartnerCenterFlow],
  ['OpportunityToPartnerCenter', buildOpportunityToPartnerCenterFlow],
  ['SolutionsToPartnerCenter', buildSolutionsToPartnerCenterFlow],
  ['ReferralDecision', buildReferralDecisionFlow],
  ['LeadReferralDecision', buildLeadReferralDecisionFlow],
  ['Reconciliation', buildReconciliationFlow],
];

/** Builds every flow from the model (names, labels and ids all come from it). */
export function buildFlows(model: SolutionModel): CloudFlow[] {
  const ctx = new FlowContext(model);
  return ACTIVATION_ORDER.map(([, build]) => build(ctx));
}

/** The model with its flows: what `build` packages. */
export const withFlows = (model: SolutionModel): SolutionModel => ({ ...model, flows: [...model.flows, ...buildFlows(model)] });

import type { FlowModel } from './model.js';
import type { ExpressionSite, SiteCall } from './sites.js';
import type { FlowValidationContext, RuleFinding } from './types.js';

/** What every rule family reads: the flow model, its parsed expressions and their calls, and the solution context. */
export interface RuleInput {
  readonly model: FlowModel;
  readonly sites: readonly ExpressionSite[];
  readonly calls: readonly SiteCall[];
  readonly context: FlowValidationContext;
}

/** A rule family: a pure function from the input to its findings, in document order. */
export type FlowRule = (input: RuleInput) => RuleFinding[];

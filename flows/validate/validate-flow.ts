import { checkConnections } from './connections.js';
import { checkExpressions } from './expressions.js';
import { readFlowModel } from './model.js';
import { checkParameters } from './parameters.js';
import { checkReferences } from './references.js';
import type { FlowRule, RuleInput } from './rule.js';
import { checkRunAfter } from './run-after.js';
import { callsOfSites, collectExpressionSites } from './sites.js';
import { checkStructure, definitionMissing } from './structure.js';
import type { FlowFinding, FlowValidationContext, RuleFinding } from './types.js';
import { checkVariables } from './variables.js';

export type { FlowFinding, FlowValidationContext } from './types.js';

/** The rule families, in the order their findings are listed. */
const RULES: readonly FlowRule[] = [
  checkStructure,
  checkRunAfter,
  checkExpressions,
  checkReferences,
  checkVariables,
  checkConnections,
  checkParameters,
];

/**
 * Static checks of one cloud flow file (`Workflows/<Name>-<GUID>.json`, already parsed): structure,
 * runAfter, expressions, references to actions and loops, variables, connections and parameters.
 * Pure; any JSON value is accepted (a document without `properties.definition` gets one finding).
 */
export function validateFlowDocument(document: unknown, context: FlowValidationContext): FlowFinding[] {
  const model = readFlowModel(document);
  let findings: RuleFinding[];
  if (model) {
    const sites = collectExpressionSites(model);
    const input: RuleInput = { model, sites, calls: callsOfSites(sites), context };
    findings = RULES.flatMap((rule) => rule(input));
  } else {
    findings = [definitionMissing()];
  }
  return findings.map((finding) => ({ flow: context.flowName, ...finding }));
}

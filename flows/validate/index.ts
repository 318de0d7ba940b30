/**
 * Static validation of cloud flow definitions. Rule ids by family (module):
 * - structure: definition-missing, schema, trigger-count, actions-missing, name-invalid, name-whitespace, trigger-type, action-type,
 *   member-missing, action-name-duplicate, response-without-request, initialize-variable-nested
 * - run-after: runafter-invalid, runafter-self, runafter-target, runafter-status, runafter-cycle
 * - expressions: expression-syntax, expression-too-long, expression-function-unknown, expression-arity
 * - references: reference-unknown, reference-order, reference-self, reference-enclosing, result-not-scope,
 *   items-outside-loop, item-outside-loop, iteration-indexes-outside-until
 * - variables: variable-unknown, variable-before-init, variable-duplicate, variable-operation-type
 * - connections: connection-undeclared, connection-reference-unknown (only with context.connectionReferences)
 * - parameters: parameter-type, parameter-undefined, parameter-envvar-undefined (only with context.environmentVariables)
 */
export { validateFlowDocument } from './validate-flow.js';
export type { FlowFinding, FlowValidationContext } from './types.js';

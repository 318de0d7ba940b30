/**
 * Errors the evaluator and the runtime raise. `TemplateError` is what Logic Apps reports as
 * `InvalidTemplate` (a bad expression, a type error in a function, a missing property…): it fails the
 * action, and a runAfter-Failed branch may handle it. `UnimplementedFunctionError` marks a gap of the
 * simulator itself (a catalogued function it does not implement): it stops the whole run, so a flow
 * never silently runs on a default value.
 */
export class TemplateError extends Error {
  readonly code: string = 'InvalidTemplate';

  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

export class UnimplementedFunctionError extends TemplateError {
  constructor(readonly functionName: string) {
    super(`The template language function '${functionName}' is in the WDL catalogue but not implemented by the flow simulator`);
    this.name = 'UnimplementedFunctionError';
  }
}

/** A flow definition the runtime cannot execute as written (unknown action type, broken runAfter…). */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

/** An action failure with a Logic-Apps-like code (ValidationFailed, BadRequest, ActionFailed…). */
export class ActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ActionError';
  }
}

/** A trigger whose concurrency limit and waiting queue are both full: the run is not started (an HTTP trigger answers 429). */
export class TriggerThrottledError extends Error {
  constructor(readonly flowName: string) {
    super(`${flowName}: the trigger's concurrency limit is reached and its waiting runs queue is full`);
    this.name = 'TriggerThrottledError';
  }
}

/**
 * A trigger call to a flow that is turned off: no run starts. The code and message are what Power Automate answers a
 * call to the HTTP trigger of a flow that is off (sim/runtime/README.md, "Turned off"); the state name is inferred.
 */
export class FlowOffError extends Error {
  readonly code = 'WorkflowTriggerIsNotEnabled';

  constructor(
    readonly flowId: string,
    triggerName: string,
  ) {
    super(`Could not execute workflow '${flowId}' trigger '${triggerName}' with state 'Disabled': trigger is not enabled.`);
    this.name = 'FlowOffError';
  }
}

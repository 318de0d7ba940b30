/** Public types of the flow validator, and the small JSON helpers every rule module shares. */

export interface FlowValidationContext {
  /** Shown in findings; the flow's display name. */
  flowName: string;
  /** Logical names of the connection references the solution defines; undefined = don't check. */
  connectionReferences?: ReadonlySet<string>;
  /** Schema names of the environment variables the solution defines; undefined = don't check. */
  environmentVariables?: ReadonlySet<string>;
}

export interface FlowFinding {
  flow: string;
  /** JSON path into the flow file, e.g. `$.properties.definition.actions.Try.actions.Get_row.inputs.parameters.recordId`. */
  path: string;
  /** Stable rule id, e.g. `runafter-target` (`cosell check` reports it as `flow-runafter-target`). */
  rule: string;
  message: string;
  fix: string;
}

/** What a rule module returns; `validateFlowDocument` adds the flow name. */
export type RuleFinding = Omit<FlowFinding, 'flow'>;

export type JsonObject = { readonly [key: string]: unknown };

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The value at `keys` below `value`, or undefined when a step is missing or not an object. */
export function valueAt(value: unknown, keys: readonly string[]): unknown {
  return keys.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), value);
}

export const objectAt = (value: unknown, keys: readonly string[]): JsonObject | undefined => {
  const found = valueAt(value, keys);
  return isObject(found) ? found : undefined;
};

export const lower = (value: string): string => value.toLowerCase();

export function ruleFinding(rule: string, path: string, message: string, fix: string): RuleFinding {
  return { path, rule, message, fix };
}

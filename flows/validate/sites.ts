import {
  callsIn,
  ExpressionSyntaxError,
  isTemplateExpression,
  parseTemplate,
  templateExpressions,
  type FunctionCall,
  type Template,
} from '../expressions/index.js';
import { jsonPath, type PathKey } from './json-path.js';
import { actionLabel, type ActionNode, type FlowModel, type TriggerNode } from './model.js';
import { isObject } from './types.js';

/**
 * Every JSON string value of a definition that holds an expression, parsed once for all rules. Values
 * the engine never evaluates (descriptions, metadata, runAfter, parameter declarations, static results)
 * are not sites; nested actions are sites of their own action, not of their container.
 */

export type SiteOwner =
  | { readonly kind: 'action'; readonly node: ActionNode }
  | { readonly kind: 'trigger'; readonly node: TriggerNode }
  /** `definition.outputs`, evaluated when the run ends. */
  | { readonly kind: 'definition' };

export interface ExpressionSite {
  readonly owner: SiteOwner;
  /** Keys from the owner object down to the value, e.g. `['inputs', 'parameters', 'recordId']`. */
  readonly keys: readonly PathKey[];
  readonly path: string;
  readonly value: string;
  /** Absent when the value does not parse (then `error` says why). */
  readonly template?: Template;
  readonly error?: ExpressionSyntaxError;
}

/** Members of an action that are data for the designer or hold nested actions, not evaluated inputs. */
const ACTION_SKIPPED_MEMBERS: ReadonlySet<string> = new Set([
  'type',
  'kind',
  'runAfter',
  'description',
  'metadata',
  'actions',
  'else',
  'cases',
  'default',
]);
const TRIGGER_SKIPPED_MEMBERS: ReadonlySet<string> = new Set(['type', 'kind', 'description', 'metadata']);
const DEFINITION_OUTPUTS = 'outputs';

export function collectExpressionSites(model: FlowModel): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  for (const node of model.triggers) {
    collectMembers(node.json, TRIGGER_SKIPPED_MEMBERS, { kind: 'trigger', node }, node.path, sites);
  }
  for (const node of model.actions) {
    collectMembers(node.json, ACTION_SKIPPED_MEMBERS, { kind: 'action', node }, node.path, sites);
  }
  const outputs = model.definition[DEFINITION_OUTPUTS];
  collectStrings(outputs, [DEFINITION_OUTPUTS], { kind: 'definition' }, jsonPath(model.definitionPath, DEFINITION_OUTPUTS), sites);
  return sites;
}

function collectMembers(json: unknown, skipped: ReadonlySet<string>, owner: SiteOwner, path: string, sites: ExpressionSite[]): void {
  if (!isObject(json)) return;
  for (const [member, value] of Object.entries(json)) {
    if (!skipped.has(member)) collectStrings(value, [member], owner, jsonPath(path, member), sites);
  }
}

function collectStrings(value: unknown, keys: readonly PathKey[], owner: SiteOwner, path: string, sites: ExpressionSite[]): void {
  if (typeof value === 'string') {
    if (isTemplateExpression(value)) sites.push(siteOf(value, keys, owner, path));
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectStrings(item, [...keys, index], owner, jsonPath(path, index), sites));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) collectStrings(item, [...keys, key], owner, jsonPath(path, key), sites);
  }
}

function siteOf(value: string, keys: readonly PathKey[], owner: SiteOwner, path: string): ExpressionSite {
  try {
    return { owner, keys, path, value, template: parseTemplate(value) };
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    return { owner, keys, path, value, error };
  }
}

/** `inputs` for a value under the action's inputs: the member of the owner that holds the value. */
export const memberOf = (site: ExpressionSite): string => String(site.keys[0] ?? '');

/** `action Try/Get_row`, `trigger manual` or `the flow outputs`, for messages. */
export function ownerLabel(owner: SiteOwner): string {
  if (owner.kind === 'action') return `action ${actionLabel(owner.node)}`;
  if (owner.kind === 'trigger') return `trigger ${owner.node.name}`;
  return 'the flow outputs';
}

/** A function call found in a site; `name` is lowercased, `literalArg` is its first argument when that is a string literal. */
export interface SiteCall {
  readonly site: ExpressionSite;
  readonly call: FunctionCall;
  readonly name: string;
  readonly literalArg: string | undefined;
}

/** Every function call of every parsed site, in document order. */
export function callsOfSites(sites: readonly ExpressionSite[]): SiteCall[] {
  return sites.flatMap((site) =>
    (site.template ? templateExpressions(site.template) : []).flatMap(callsIn).map((call) => {
      const first = call.args[0];
      return { site, call, name: call.name.toLowerCase(), literalArg: first?.kind === 'string' ? first.value : undefined };
    }),
  );
}

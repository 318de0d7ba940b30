import { jsonPath } from './json-path.js';
import { actionLabel, DEFINITION_PATH, type ActionNode, type FlowModel, type TriggerNode } from './model.js';
import type { RuleInput } from './rule.js';
import { isNonEmptyString, isObject, lower, ruleFinding, valueAt, type JsonObject, type RuleFinding } from './types.js';

/**
 * Rule family 1, structure: the definition's shape, names, types and the members each type needs
 * (flows-and-pcf §3.1–3.3). Types are compared case-insensitively, as the engine does.
 */

const ACCEPTED_SCHEMA_VERSIONS = ['2014-12-01-preview', '2015-08-01-preview', '2016-04-01-preview', '2016-06-01'];
const SCHEMA_URL = /^https:\/\/schema\.management\.azure\.com\/providers\/Microsoft\.Logic\/schemas\/([^/]+)\/workflowdefinition\.json#?$/i;
const CURRENT_SCHEMA = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';
const MAX_NAME_LENGTH = 80;
const WHITESPACE = /\s/;

/** Types seen in Power Automate and Logic Apps (Consumption) definitions; lowercased. */
const ACTION_TYPES: ReadonlySet<string> = new Set([
  'apiconnection',
  'apiconnectionwebhook',
  'apiconnectionnotification',
  'apimanagement',
  'appendtoarrayvariable',
  'appendtostringvariable',
  'compose',
  'decrementvariable',
  'expression',
  'flatfiledecoding',
  'flatfileencoding',
  'foreach',
  'function',
  'http',
  'httpwebhook',
  'if',
  'incrementvariable',
  'initializevariable',
  'integrationaccountartifactlookup',
  'javascriptcode',
  'join',
  'liquid',
  'openapiconnection',
  'openapiconnectionwebhook',
  'openapiconnectionnotification',
  'parsejson',
  'query',
  'response',
  'scope',
  'select',
  'sendtobatch',
  'serviceprovider',
  'setvariable',
  'switch',
  'table',
  'terminate',
  'until',
  'wait',
  'workflow',
  'xmlvalidation',
  'xslt',
]);
const TRIGGER_TYPES: ReadonlySet<string> = new Set([
  'request',
  'recurrence',
  'openapiconnection',
  'openapiconnectionwebhook',
  'openapiconnectionnotification',
  'apiconnection',
  'apiconnectionwebhook',
  'apiconnectionnotification',
  'http',
  'httpwebhook',
  'slidingwindow',
  'batch',
  'apimanagement',
  'serviceprovider',
]);

const REQUEST_TRIGGER = 'request';
const RESPONSE_ACTION = 'response';
const INITIALIZE_VARIABLE = 'initializevariable';

export function checkStructure({ model }: RuleInput): RuleFinding[] {
  return [
    ...checkSchema(model.definition),
    ...checkTriggerCount(model.definition),
    ...checkActionsObject(model.definition),
    ...model.triggers.flatMap(checkTrigger),
    ...model.actions.flatMap(checkAction),
    ...checkDuplicateNames(model.actions),
    ...checkResponses(model),
    ...checkInitializeVariablePlacement(model.actions),
  ];
}

/** Without `properties.definition` there is nothing else to check. */
export function definitionMissing(): RuleFinding {
  return ruleFinding(
    'definition-missing',
    DEFINITION_PATH,
    'the flow file has no properties.definition object',
    'the file must be { "properties": { "definition": { "$schema", "triggers", "actions", … } } }',
  );
}

function checkSchema(definition: JsonObject): RuleFinding[] {
  const path = jsonPath(DEFINITION_PATH, '$schema');
  const schema = definition.$schema;
  const version = typeof schema === 'string' ? SCHEMA_URL.exec(schema)?.[1] : undefined;
  if (version !== undefined && ACCEPTED_SCHEMA_VERSIONS.includes(version)) return [];
  const problem =
    schema === undefined
      ? 'the definition has no $schema'
      : `$schema ${JSON.stringify(schema)} is not a workflow definition schema the service accepts (${ACCEPTED_SCHEMA_VERSIONS.join(', ')})`;
  return [ruleFinding('schema', path, problem, `set "$schema": "${CURRENT_SCHEMA}"`)];
}

function checkTriggerCount(definition: JsonObject): RuleFinding[] {
  const triggers = definition.triggers;
  const count = isObject(triggers) ? Object.keys(triggers).length : 0;
  if (count === 1) return [];
  const problem = !isObject(triggers)
    ? 'the definition has no triggers object'
    : `a cloud flow has exactly one trigger; this one has ${count}`;
  return [ruleFinding('trigger-count', jsonPath(DEFINITION_PATH, 'triggers'), problem, 'keep exactly one entry in definition.triggers')];
}

function checkActionsObject(definition: JsonObject): RuleFinding[] {
  if (isObject(definition.actions)) return [];
  return [
    ruleFinding(
      'actions-missing',
      jsonPath(DEFINITION_PATH, 'actions'),
      'the definition has no actions object',
      'add "actions": { … } (an empty object is allowed)',
    ),
  ];
}

/**
 * name-invalid: empty or over 80 characters. name-whitespace: spaces, which the designer never writes
 * (it puts underscores) but the platform stores and runs: Microsoft's generated "ARC: Email 2 Case" flow
 * names its trigger and actions with spaces (corpus: CustomerServiceCS 1.0.0.19). A separate rule, so
 * `cosell check` can rate it below the ones Dataverse rejects.
 */
function nameProblems(name: string, path: string, what: string): RuleFinding[] {
  const problems: string[] = [];
  if (name === '') problems.push('is empty');
  if (name.length > MAX_NAME_LENGTH) problems.push(`is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`);
  const findings: RuleFinding[] = [];
  if (problems.length > 0) {
    findings.push(
      ruleFinding(
        'name-invalid',
        path,
        `the name of ${what} "${name}" ${problems.join(' and ')}`,
        `rename it: at most ${MAX_NAME_LENGTH} characters (and update every reference to it)`,
      ),
    );
  }
  if (WHITESPACE.test(name)) {
    findings.push(
      ruleFinding(
        'name-whitespace',
        path,
        `the name of ${what} "${name}" contains whitespace`,
        'rename it with underscores instead of spaces, as the designer does (and update every reference to it)',
      ),
    );
  }
  return findings;
}

function checkTrigger(trigger: TriggerNode): RuleFinding[] {
  const label = `trigger ${trigger.name}`;
  const findings = nameProblems(trigger.name, trigger.path, 'the trigger');
  const typeProblem = typeProblemOf(trigger.json, trigger.type, TRIGGER_TYPES);
  if (typeProblem) {
    findings.push(
      ruleFinding(
        'trigger-type',
        jsonPath(trigger.path, 'type'),
        `${label} ${typeProblem}`,
        'use a trigger type such as Request, Recurrence or OpenApiConnectionWebhook',
      ),
    );
  } else if (trigger.json && trigger.type) {
    findings.push(...missingMembers(trigger.json, TRIGGER_REQUIREMENTS[trigger.type] ?? [], trigger.path, label));
  }
  return findings;
}

function checkAction(action: ActionNode): RuleFinding[] {
  const label = `action ${actionLabel(action)}`;
  const findings = nameProblems(action.name, action.path, 'action');
  const typeProblem = typeProblemOf(action.json, action.type, ACTION_TYPES);
  if (typeProblem) {
    const path = action.json ? jsonPath(action.path, 'type') : action.path;
    findings.push(
      ruleFinding(
        'action-type',
        path,
        `${label} ${typeProblem}`,
        'use an action type from flows-and-pcf §3.3 (Compose, Scope, If, Foreach, OpenApiConnection, …)',
      ),
    );
  } else if (action.json && action.type) {
    findings.push(...missingMembers(action.json, ACTION_REQUIREMENTS[action.type] ?? [], action.path, label));
  }
  return findings;
}

function typeProblemOf(json: JsonObject | undefined, type: string | undefined, known: ReadonlySet<string>): string | undefined {
  if (!json) return 'is not a JSON object';
  if (type === undefined) return 'has no type';
  return known.has(type) ? undefined : `has the unknown type ${JSON.stringify(json.type)}`;
}

// --- members each type needs -------------------------------------------------------------------

/** A member an action or trigger of some type must have: where it is, how to test it, what it is for. */
interface Requirement {
  readonly keys: readonly string[];
  readonly test: (value: unknown) => boolean;
  readonly what: string;
}

const present = (value: unknown): boolean => value !== undefined;
const stringOrObject = (value: unknown): boolean => typeof value === 'string' || isObject(value);
const nonEmptyArray = (value: unknown): boolean => Array.isArray(value) && value.length > 0;
const need = (keys: readonly string[], test: (value: unknown) => boolean, what: string): Requirement => ({ keys, test, what });

const CONNECTOR_OPERATION = [
  need(['inputs', 'host', 'connectionName'], isNonEmptyString, 'the key of its connection in properties.connectionReferences'),
  need(['inputs', 'host', 'operationId'], isNonEmptyString, 'the connector operation to call'),
];
const ACTION_LIST = need(['actions'], isObject, 'the actions it contains (may be empty)');
const VARIABLE_NAME = need(['inputs', 'name'], isNonEmptyString, 'the variable it changes');
const VARIABLE_VALUE = need(['inputs', 'value'], present, 'the value to set or append');

const ACTION_REQUIREMENTS: Readonly<Record<string, readonly Requirement[]>> = {
  scope: [ACTION_LIST],
  foreach: [need(['foreach'], (value) => typeof value === 'string' || Array.isArray(value), 'the array to loop over ("@…")'), ACTION_LIST],
  if: [need(['expression'], stringOrObject, 'the condition'), ACTION_LIST],
  switch: [need(['expression'], present, 'the value to switch on'), need(['cases'], isObject, 'the cases')],
  until: [
    need(['expression'], stringOrObject, 'the condition that ends the loop'),
    need(['limit'], isObject, 'the loop limits { count, timeout }'),
    ACTION_LIST,
  ],
  openapiconnection: CONNECTOR_OPERATION,
  openapiconnectionwebhook: CONNECTOR_OPERATION,
  openapiconnectionnotification: CONNECTOR_OPERATION,
  workflow: [need(['inputs', 'host', 'workflowReferenceName'], isNonEmptyString, 'the id of the child flow')],
  http: [need(['inputs', 'method'], isNonEmptyString, 'the HTTP method'), need(['inputs', 'uri'], isNonEmptyString, 'the URI to call')],
  initializevariable: [need(['inputs', 'variables'], nonEmptyArray, 'the variable to create: [{ name, type, value? }]')],
  setvariable: [VARIABLE_NAME, VARIABLE_VALUE],
  incrementvariable: [VARIABLE_NAME],
  decrementvariable: [VARIABLE_NAME],
  appendtoarrayvariable: [VARIABLE_NAME, VARIABLE_VALUE],
  appendtostringvariable: [VARIABLE_NAME, VARIABLE_VALUE],
  compose: [need(['inputs'], present, 'the value to compose')],
  parsejson: [need(['inputs', 'content'], present, 'the JSON to parse'), need(['inputs', 'schema'], isObject, 'the JSON schema')],
  query: [need(['inputs', 'from'], present, 'the array to filter'), need(['inputs', 'where'], present, 'the condition on item()')],
  select: [need(['inputs', 'from'], present, 'the array to map'), need(['inputs', 'select'], present, 'the mapping of item()')],
  join: [need(['inputs', 'from'], present, 'the array to join'), need(['inputs', 'joinWith'], present, 'the separator')],
  table: [need(['inputs', 'from'], present, 'the array to tabulate'), need(['inputs', 'format'], isNonEmptyString, 'CSV or HTML')],
  terminate: [need(['inputs', 'runStatus'], isNonEmptyString, 'Succeeded, Failed or Cancelled')],
  response: [need(['inputs', 'statusCode'], present, 'the HTTP status code')],
  wait: [
    need(
      ['inputs'],
      (inputs) => isObject(inputs) && (isObject(inputs.interval) || isObject(inputs.until)),
      'interval { count, unit } or until { timestamp }',
    ),
  ],
};

const TRIGGER_REQUIREMENTS: Readonly<Record<string, readonly Requirement[]>> = {
  recurrence: [
    need(['recurrence', 'frequency'], isNonEmptyString, 'Second … Month'),
    need(['recurrence', 'interval'], present, 'how many frequency units between runs'),
  ],
  openapiconnection: CONNECTOR_OPERATION,
  openapiconnectionwebhook: CONNECTOR_OPERATION,
  openapiconnectionnotification: CONNECTOR_OPERATION,
};

/** Parts of branching actions that are optional but, when present, need their own members. */
function optionalPartRequirements(json: JsonObject): Array<{ keys: string[]; requirement: Requirement }> {
  const parts: Array<{ keys: string[]; requirement: Requirement }> = [];
  if (json.else !== undefined) parts.push({ keys: ['else'], requirement: ACTION_LIST });
  if (json.default !== undefined) parts.push({ keys: ['default'], requirement: ACTION_LIST });
  for (const caseName of Object.keys(isObject(json.cases) ? json.cases : {})) {
    parts.push({ keys: ['cases', caseName], requirement: need(['case'], present, 'the value this case matches') });
    parts.push({ keys: ['cases', caseName], requirement: ACTION_LIST });
  }
  return parts;
}

function missingMembers(json: JsonObject, requirements: readonly Requirement[], path: string, label: string): RuleFinding[] {
  const checks = [...requirements.map((requirement) => ({ keys: [] as string[], requirement })), ...optionalPartRequirements(json)];
  return checks
    .filter(({ keys, requirement }) => !requirement.test(valueAt(json, [...keys, ...requirement.keys])))
    .map(({ keys, requirement }) => {
      const memberPath = [...keys, ...requirement.keys];
      return ruleFinding(
        'member-missing',
        jsonPath(path, ...memberPath),
        `${label} (${String(json.type)}) lacks a valid ${memberPath.join('.')}: ${requirement.what}`,
        `add ${memberPath.join('.')} to ${label}`,
      );
    });
}

// --- names, Response, InitializeVariable ----------------------------------------------------------

/** Action names are unique in the whole definition, scopes included, ignoring case. */
function checkDuplicateNames(actions: readonly ActionNode[]): RuleFinding[] {
  const first = new Map<string, ActionNode>();
  const findings: RuleFinding[] = [];
  for (const action of actions) {
    const earlier = first.get(lower(action.name));
    if (!earlier) {
      first.set(lower(action.name), action);
      continue;
    }
    findings.push(
      ruleFinding(
        'action-name-duplicate',
        action.path,
        `action ${actionLabel(action)} has the same name as action ${actionLabel(earlier)}; names are unique in the whole flow (ignoring case)`,
        'rename one of them and update the references',
      ),
    );
  }
  return findings;
}

function checkResponses(model: FlowModel): RuleFinding[] {
  if (model.triggers.some((trigger) => trigger.type === REQUEST_TRIGGER)) return [];
  const only = model.triggers.length === 1 ? model.triggers[0] : undefined;
  const reason = only ? `its trigger ${only.name} is ${String(only.json?.type)}` : 'the flow has no Request trigger';
  return model.actions
    .filter((action) => action.type === RESPONSE_ACTION)
    .map((action) =>
      ruleFinding(
        'response-without-request',
        action.path,
        `action ${actionLabel(action)} is a Response, which answers the caller of a Request trigger, but ${reason}`,
        'remove the Response or use a Request trigger (manual, Power Apps or HTTP)',
      ),
    );
}

function checkInitializeVariablePlacement(actions: readonly ActionNode[]): RuleFinding[] {
  return actions
    .filter((action) => action.type === INITIALIZE_VARIABLE && action.container.owner !== undefined)
    .map((action) =>
      ruleFinding(
        'initialize-variable-nested',
        action.path,
        `action ${actionLabel(action)} initializes a variable inside ${action.container.owner!.name}; InitializeVariable is allowed only at the top level of the flow`,
        'move it to the top level, before the actions that use the variable (use SetVariable inside scopes and loops)',
      ),
    );
}

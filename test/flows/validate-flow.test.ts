import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateFlowDocument, type FlowFinding, type FlowValidationContext } from '../../flows/validate/index.js';
import { loadPackage } from '../../core/package/reader.js';
import { decodeText } from '../../core/io/zip.js';
import { AI_BUILDER, APPROVALS, fixtureEntries, REAL_SOLUTIONS } from '../check/helpers.js';
import { describeWithShared } from '../support/fixtures.js';
import type { Json } from '../support/json.js';

const SCHEMA = 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#';
const ENV_PARAMETER = 'Sync only co-sell (pcs_SyncOnlyCoSell)';
const DATAVERSE = {
  connectionName: 'shared_commondataserviceforapps',
  operationId: 'GetItem',
  apiId: '/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps',
};
const CONTEXT: FlowValidationContext = {
  flowName: 'Test flow',
  connectionReferences: new Set(['pcs_Dataverse']),
  environmentVariables: new Set(['pcs_SyncOnlyCoSell']),
};
const ACTIONS = '$.properties.definition.actions';

/**
 * A valid flow using every construct the rules look at: a top-level variable, a Try/Catch pair of scopes,
 * a connector action, a Foreach with items(), a Query with item() over result(), an If with an
 * object-form condition on an environment-variable parameter, and a Response under the Request trigger.
 */
function validFlow(): Json {
  return {
    properties: {
      connectionReferences: {
        shared_commondataserviceforapps: {
          runtimeSource: 'embedded',
          connection: { connectionReferenceLogicalName: 'pcs_Dataverse' },
          api: { name: 'shared_commondataserviceforapps' },
        },
      },
      definition: {
        $schema: SCHEMA,
        contentVersion: '1.0.0.0',
        parameters: {
          $connections: { defaultValue: {}, type: 'Object' },
          $authentication: { defaultValue: {}, type: 'SecureObject' },
          [ENV_PARAMETER]: { defaultValue: false, type: 'Bool', metadata: { schemaName: 'pcs_SyncOnlyCoSell' } },
        },
        triggers: {
          manual: { type: 'Request', kind: 'Http', inputs: { schema: { type: 'object', properties: { id: { type: 'string' } } } } },
        },
        actions: {
          Init_count: { type: 'InitializeVariable', runAfter: {}, inputs: { variables: [{ name: 'count', type: 'integer', value: 0 }] } },
          Try: {
            type: 'Scope',
            runAfter: { Init_count: ['Succeeded'] },
            actions: {
              Get_row: {
                type: 'OpenApiConnection',
                runAfter: {},
                inputs: {
                  host: { ...DATAVERSE },
                  parameters: { entityName: 'opportunities', recordId: "@triggerBody()?['id']" },
                  authentication: "@parameters('$authentication')",
                },
              },
              Each_line: {
                type: 'Foreach',
                foreach: "@body('Get_row')?['lines']",
                runAfter: { Get_row: ['Succeeded'] },
                actions: {
                  Count_line: { type: 'IncrementVariable', runAfter: {}, inputs: { name: 'count', value: 1 } },
                  Line_name: { type: 'Compose', runAfter: { Count_line: ['Succeeded'] }, inputs: "@items('Each_line')?['name']" },
                },
              },
            },
          },
          Catch: {
            type: 'Scope',
            runAfter: { Try: ['Failed', 'TimedOut'] },
            actions: {
              Failures: { type: 'Query', runAfter: {}, inputs: { from: "@result('Try')", where: "@equals(item()?['status'], 'Failed')" } },
            },
          },
          Check: {
            type: 'If',
            runAfter: { Try: ['Succeeded'] },
            expression: { and: [{ equals: [`@parameters('${ENV_PARAMETER}')`, true] }] },
            actions: { Report: { type: 'Compose', runAfter: {}, inputs: "Lines: @{variables('count')}, row @{body('Get_row')?['name']}" } },
            else: { actions: { Skip_report: { type: 'Compose', runAfter: {}, inputs: 'skipped' } } },
          },
          Respond: {
            type: 'Response',
            kind: 'Http',
            runAfter: { Check: ['Succeeded'] },
            inputs: { statusCode: 200, body: "@outputs('Get_row')" },
          },
        },
        outputs: {},
      },
    },
    schemaVersion: '1.0.0.0',
  };
}

const definitionOf = (flow: Json): Json => flow.properties.definition;
const actionsOf = (flow: Json): Json => definitionOf(flow).actions;

function validate(change: (flow: Json) => void, context: FlowValidationContext = CONTEXT): FlowFinding[] {
  const flow = validFlow();
  change(flow);
  return validateFlowDocument(flow, context);
}

/** Exactly one finding, of this rule at this path; returns it for message checks. */
function expectOnly(findings: readonly FlowFinding[], rule: string, path: string): FlowFinding {
  expect(findings.map((finding) => [finding.rule, finding.path])).toEqual([[rule, path]]);
  return findings[0]!;
}

describe('the valid reference flow', () => {
  test('has no finding, with the solution context given', () => {
    expect(validateFlowDocument(validFlow(), CONTEXT)).toEqual([]);
  });

  test('findings carry the flow name and a fix', () => {
    const [finding] = validate((flow) => {
      actionsOf(flow).Check.actions.Report.inputs = "@body('Nope')";
    });
    expect(finding).toMatchObject({
      flow: 'Test flow',
      rule: 'reference-unknown',
      fix: 'rename the reference to an existing action, or add the action Nope',
    });
  });
});

describe('broken definitions: one rule and path each', () => {
  test('unknown action referenced → reference-unknown', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@body('Nope')";
      }),
      'reference-unknown',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expect(finding.message).toContain("action Check/Report: body('Nope') refers to Nope, but the flow has no action of that name");
  });

  test('action referenced before it surely runs (parallel branch) → reference-order', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Side = { type: 'Compose', runAfter: { Init_count: ['Succeeded'] }, inputs: "@body('Get_row')" };
      }),
      'reference-order',
      `${ACTIONS}.Side.inputs`,
    );
    expect(finding.message).toMatch(/Side and Try are in parallel branches/);
  });

  test('action referenced that runs later → reference-order', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Init_count.inputs.variables[0].value = "@length(outputs('Respond'))";
      }),
      'reference-order',
      `${ACTIONS}.Init_count.inputs.variables[0].value`,
    );
    expect(finding.message).toMatch(/Respond runs after Init_count/);
  });

  test('items() outside its loop → items-outside-loop', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@items('Each_line')";
      }),
      'items-outside-loop',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
  });

  test('variable used before InitializeVariable runs → variable-before-init', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Early = { type: 'Compose', runAfter: {}, inputs: "@variables('count')" };
      }),
      'variable-before-init',
      `${ACTIONS}.Early.inputs`,
    );
    expect(finding.message).toContain('Init_count');
  });

  test('InitializeVariable inside a scope → initialize-variable-nested', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Try.actions.Init_inner = {
          type: 'InitializeVariable',
          runAfter: {},
          inputs: { variables: [{ name: 'inner', type: 'string' }] },
        };
      }),
      'initialize-variable-nested',
      `${ACTIONS}.Try.actions.Init_inner`,
    );
  });

  test('runAfter to a non-sibling → runafter-target', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Catch.actions.Failures.runAfter = { Get_row: ['Succeeded'] };
      }),
      'runafter-target',
      `${ACTIONS}.Catch.actions.Failures.runAfter.Get_row`,
    );
    expect(finding.message).toContain('not in the same container (it is action Try/Get_row');
  });

  test('bad runAfter status → runafter-status', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Catch.runAfter.Try = ['Failed', 'Errored'];
      }),
      'runafter-status',
      `${ACTIONS}.Catch.runAfter.Try[1]`,
    );
  });

  test('runAfter cycle → runafter-cycle (one finding for the whole cycle)', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Init_count.runAfter = { Respond: ['Succeeded'] };
      }),
      'runafter-cycle',
      `${ACTIONS}.Init_count.runAfter`,
    );
    expect(finding.message).toContain('Init_count, Try, Check, Respond');
  });

  test('runAfter naming the action itself → runafter-self', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.else.actions.Skip_report.runAfter = { Skip_report: ['Succeeded'] };
      }),
      'runafter-self',
      `${ACTIONS}.Check.else.actions.Skip_report.runAfter.Skip_report`,
    );
  });

  test('unknown function → expression-function-unknown, with a suggestion', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@{variabels('count')}";
      }),
      'expression-function-unknown',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expect(finding.message).toContain('did you mean variables?');
  });

  test('wrong argument count → expression-arity', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@substring('abc')";
      }),
      'expression-arity',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expect(finding.message).toContain('substring takes 2 to 3 arguments, not 1');
  });

  test('function names are case-insensitive (no finding for SUBSTRING)', () => {
    expect(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@SUBSTRING('abc', 1)";
      }),
    ).toEqual([]);
  });

  test('unterminated string literal → expression-syntax, with the offset', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Try.actions.Get_row.inputs.parameters.recordId = "@concat('abc, triggerBody()?['id'])";
      }),
      'expression-syntax',
      `${ACTIONS}.Try.actions.Get_row.inputs.parameters.recordId`,
    );
    expect(finding.message).toMatch(/unterminated|expected/);
    expect(finding.message).toMatch(/offset \d+/);
  });

  test('expression errors in an If condition object and in a trigger condition are found', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.expression.and[0].equals[0] = '@parameters(P';
      }),
      'expression-syntax',
      `${ACTIONS}.Check.expression.and[0].equals[0]`,
    );
    expectOnly(
      validate((flow) => {
        definitionOf(flow).triggers.manual.conditions = [{ expression: '@equals(1)' }];
      }),
      'expression-arity',
      '$.properties.definition.triggers.manual.conditions[0].expression',
    );
  });

  test('connectionName not in connectionReferences → connection-undeclared', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Try.actions.Get_row.inputs.host.connectionName = 'shared_office365';
      }),
      'connection-undeclared',
      `${ACTIONS}.Try.actions.Get_row.inputs.host.connectionName`,
    );
  });

  test('connection reference the solution does not define → connection-reference-unknown (only with the context)', () => {
    const change = (flow: Json): void => {
      flow.properties.connectionReferences.shared_commondataserviceforapps.connection.connectionReferenceLogicalName = 'pcs_Other';
    };
    expectOnly(
      validate(change),
      'connection-reference-unknown',
      '$.properties.connectionReferences.shared_commondataserviceforapps.connection.connectionReferenceLogicalName',
    );
    expect(validate(change, { flowName: 'Test flow' })).toEqual([]);
  });

  test('parameters() of an undeclared parameter → parameter-undefined', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@parameters('Missing (pcs_Missing)')";
      }),
      'parameter-undefined',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
  });

  test('env var parameter without a definition in the solution → parameter-envvar-undefined (only with the context)', () => {
    const context = { ...CONTEXT, environmentVariables: new Set(['pcs_Other']) };
    expectOnly(
      validate(() => undefined, context),
      'parameter-envvar-undefined',
      `$.properties.definition.parameters['${ENV_PARAMETER}'].metadata.schemaName`,
    );
    expect(validate(() => undefined, { flowName: 'Test flow' })).toEqual([]);
  });

  test('Response without a Request trigger → response-without-request', () => {
    const finding = expectOnly(
      validate((flow) => {
        definitionOf(flow).triggers = { Recurrence: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } } };
        actionsOf(flow).Try.actions.Get_row.inputs.parameters.recordId = 'fixed-id';
      }),
      'response-without-request',
      `${ACTIONS}.Respond`,
    );
    expect(finding.message).toContain('its trigger Recurrence is Recurrence');
  });

  test('two triggers → trigger-count', () => {
    expectOnly(
      validate((flow) => {
        definitionOf(flow).triggers.second = { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1 } };
      }),
      'trigger-count',
      '$.properties.definition.triggers',
    );
  });
});

describe('more structure rules', () => {
  test('no properties.definition → definition-missing only', () => {
    expect(validateFlowDocument({ properties: {} }, CONTEXT).map((f) => [f.rule, f.path])).toEqual([
      ['definition-missing', '$.properties.definition'],
    ]);
    expect(validateFlowDocument('not a flow', CONTEXT).map((f) => f.rule)).toEqual(['definition-missing']);
  });

  test('a 2019 schema → schema; the 2014–2016 versions pass', () => {
    expectOnly(
      validate((flow) => {
        definitionOf(flow).$schema = SCHEMA.replace('2016-06-01', '2019-05-01');
      }),
      'schema',
      '$.properties.definition.$schema',
    );
    expect(
      validate((flow) => {
        definitionOf(flow).$schema = SCHEMA.replace('2016-06-01', '2015-08-01-preview');
      }),
    ).toEqual([]);
  });

  test('no actions object → actions-missing', () => {
    expectOnly(
      validate((flow) => {
        definitionOf(flow).actions = undefined;
        definitionOf(flow).triggers.manual.kind = 'Button';
      }),
      'actions-missing',
      '$.properties.definition.actions',
    );
  });

  test('a name with spaces → name-whitespace; over 80 characters → name-invalid', () => {
    expectOnly(
      validate((flow) => {
        const each = actionsOf(flow).Try.actions.Each_line.actions;
        each['Line name'] = each.Line_name;
        delete each.Line_name;
      }),
      'name-whitespace',
      `${ACTIONS}.Try.actions.Each_line.actions['Line name']`,
    );
    const long = 'A'.repeat(81);
    expectOnly(
      validate((flow) => {
        actionsOf(flow)[long] = { type: 'Compose', runAfter: {}, inputs: 1 };
      }),
      'name-invalid',
      `${ACTIONS}.${long}`,
    );
  });

  test('unknown action type → action-type; unknown trigger type → trigger-type', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.type = 'Composer';
      }),
      'action-type',
      `${ACTIONS}.Check.actions.Report.type`,
    );
    // The Response then has no Request trigger either: both are reported.
    expect(
      validate((flow) => {
        definitionOf(flow).triggers.manual.type = 'Manual';
      }).map((f) => [f.rule, f.path]),
    ).toEqual([
      ['trigger-type', '$.properties.definition.triggers.manual.type'],
      ['response-without-request', `${ACTIONS}.Respond`],
    ]);
  });

  test('types are case-insensitive, as the engine reads them', () => {
    expect(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.type = 'compose';
      }),
    ).toEqual([]);
  });

  test.each<[string, (flow: Json) => void, string]>([
    [
      'Foreach without foreach',
      (flow) => {
        delete actionsOf(flow).Try.actions.Each_line.foreach;
      },
      `${ACTIONS}.Try.actions.Each_line.foreach`,
    ],
    [
      'If without expression',
      (flow) => {
        delete actionsOf(flow).Check.expression;
      },
      `${ACTIONS}.Check.expression`,
    ],
    [
      'If else without actions',
      (flow) => {
        actionsOf(flow).Check.else = {};
      },
      `${ACTIONS}.Check.else.actions`,
    ],
    [
      'OpenApiConnection without operationId',
      (flow) => {
        delete actionsOf(flow).Try.actions.Get_row.inputs.host.operationId;
      },
      `${ACTIONS}.Try.actions.Get_row.inputs.host.operationId`,
    ],
    [
      'Switch without cases',
      (flow) => {
        actionsOf(flow).Pick = { type: 'Switch', runAfter: { Respond: ['Succeeded'] }, expression: 'a' };
      },
      `${ACTIONS}.Pick.cases`,
    ],
    [
      'Until without limit',
      (flow) => {
        actionsOf(flow).Loop = { type: 'Until', runAfter: { Respond: ['Succeeded'] }, expression: '@true', actions: {} };
      },
      `${ACTIONS}.Loop.limit`,
    ],
    [
      'Workflow without workflowReferenceName',
      (flow) => {
        actionsOf(flow).Child = { type: 'Workflow', runAfter: { Respond: ['Succeeded'] }, inputs: { host: {}, body: {} } };
      },
      `${ACTIONS}.Child.inputs.host.workflowReferenceName`,
    ],
  ])('%s → member-missing', (_name, change, path) => {
    expectOnly(validate(change), 'member-missing', path);
  });

  test('two actions with the same name (ignoring case) in different scopes → action-name-duplicate', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Catch.actions.get_ROW = { type: 'Compose', runAfter: { Failures: ['Succeeded'] }, inputs: 1 };
      }),
      'action-name-duplicate',
      `${ACTIONS}.Catch.actions.get_ROW`,
    );
  });
});

describe('more reference rules', () => {
  test('reading an enclosing scope from inside it → reference-enclosing', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Try.actions.Each_line.actions.Line_name.inputs = "@result('Try')";
      }),
      'reference-enclosing',
      `${ACTIONS}.Try.actions.Each_line.actions.Line_name.inputs`,
    );
  });

  test('a Foreach reading an action of its own body in foreach → reference-order', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Try.actions.Each_line.foreach = "@outputs('Line_name')";
      }),
      'reference-order',
      `${ACTIONS}.Try.actions.Each_line.foreach`,
    );
  });

  test('an Until condition may read the actions of its body', () => {
    expect(
      validate((flow) => {
        actionsOf(flow).Poll = {
          type: 'Until',
          runAfter: { Respond: ['Succeeded'] },
          expression: "@equals(body('Poll_status')?['done'], true)",
          limit: { count: 10, timeout: 'PT1H' },
          actions: { Poll_status: { type: 'Compose', runAfter: {}, inputs: { done: "@equals(iterationIndexes('Poll'), 3)" } } },
        };
      }),
    ).toEqual([]);
  });

  test('reading the other branch of an If → reference-order', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@outputs('Skip_report')";
      }),
      'reference-order',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expect(finding.message).toContain('in the else branch of Check, while the action is in its actions branch');
  });

  test('an action reading itself → reference-self', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@outputs('Report')";
      }),
      'reference-self',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
  });

  test('a trigger reading an action → reference-order', () => {
    expectOnly(
      validate((flow) => {
        definitionOf(flow).triggers.manual.conditions = [{ expression: "@empty(body('Get_row'))" }];
      }),
      'reference-order',
      '$.properties.definition.triggers.manual.conditions[0].expression',
    );
  });

  test('naming the trigger as an action → reference-unknown with a hint', () => {
    const finding = expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@body('manual')";
      }),
      'reference-unknown',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expect(finding.message).toContain('manual is the trigger');
  });

  test('result() of an action that is not a scope → result-not-scope', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Catch.actions.Failures.inputs.from = "@result('Init_count')";
      }),
      'result-not-scope',
      `${ACTIONS}.Catch.actions.Failures.inputs.from`,
    );
  });

  test('item() outside any loop and outside Query/Select inputs → item-outside-loop; allowed in a Query where', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@item()?['x']";
      }),
      'item-outside-loop',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Catch.actions.Failures.inputs.from = '@item()';
      }),
      'item-outside-loop',
      `${ACTIONS}.Catch.actions.Failures.inputs.from`,
    );
    expect(
      validate((flow) => {
        actionsOf(flow).Try.actions.Each_line.actions.Line_name.inputs = "@item()?['name']";
      }),
    ).toEqual([]);
  });

  test('iterationIndexes() outside its Until → iteration-indexes-outside-until', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Poll = {
          type: 'Until',
          runAfter: { Respond: ['Succeeded'] },
          expression: '@true',
          limit: { count: 1, timeout: 'PT1H' },
          actions: {},
        };
        actionsOf(flow).Check.actions.Report.inputs = "@iterationIndexes('Poll')";
      }),
      'iteration-indexes-outside-until',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
  });
});

describe('more expression and connection rules', () => {
  test('an expression over 8192 characters → expression-too-long', () => {
    const long = `@concat('${'x'.repeat(8200)}')`;
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = long;
      }),
      'expression-too-long',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
  });

  test('text escaped with @@ is not an expression', () => {
    expect(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = '@@mention @{ not parsed';
      }),
    ).toEqual([]);
  });

  test('descriptions and metadata are not evaluated', () => {
    expect(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.description = '@see the docs';
        actionsOf(flow).Check.actions.Report.metadata = { note: '@{' };
      }),
    ).toEqual([]);
  });

  test('the flow outputs may read any action and variable', () => {
    expect(
      validate((flow) => {
        definitionOf(flow).outputs = { total: { type: 'Int', value: "@add(variables('count'), length(body('Get_row')))" } };
      }),
    ).toEqual([]);
  });

  test('an ApiConnection naming a connection key that is not declared → connection-undeclared', () => {
    const path = `${ACTIONS}.Legacy.inputs.host.connection.name`;
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Legacy = {
          type: 'ApiConnection',
          runAfter: { Respond: ['Succeeded'] },
          inputs: {
            host: { connection: { name: "@parameters('$connections')['shared_office365']['connectionId']" } },
            method: 'get',
            path: '/v2/Mail',
          },
        };
      }),
      'connection-undeclared',
      path,
    );
  });
});

describe('more variable and parameter rules', () => {
  test('a variable nobody initializes → variable-unknown (reads and SetVariable)', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Check.actions.Report.inputs = "@variables('total')";
      }),
      'variable-unknown',
      `${ACTIONS}.Check.actions.Report.inputs`,
    );
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Try.actions.Each_line.actions.Count_line.inputs.name = 'total';
      }),
      'variable-unknown',
      `${ACTIONS}.Try.actions.Each_line.actions.Count_line.inputs.name`,
    );
  });

  test('a variable initialized twice → variable-duplicate', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Init_again = {
          type: 'InitializeVariable',
          runAfter: { Init_count: ['Succeeded'] },
          inputs: { variables: [{ name: 'Count', type: 'integer' }] },
        };
      }),
      'variable-duplicate',
      `${ACTIONS}.Init_again.inputs.variables[0].name`,
    );
  });

  test('IncrementVariable on a string variable → variable-operation-type', () => {
    expectOnly(
      validate((flow) => {
        actionsOf(flow).Init_count.inputs.variables[0].type = 'string';
        actionsOf(flow).Init_count.inputs.variables[0].value = '';
      }),
      'variable-operation-type',
      `${ACTIONS}.Try.actions.Each_line.actions.Count_line.inputs.name`,
    );
  });

  test('a parameter of an unknown type → parameter-type', () => {
    expectOnly(
      validate((flow) => {
        definitionOf(flow).parameters[ENV_PARAMETER].type = 'Boolean';
      }),
      'parameter-type',
      `$.properties.definition.parameters['${ENV_PARAMETER}'].type`,
    );
  });

  test('$connections and $authentication need no declaration', () => {
    expect(
      validate((flow) => {
        definitionOf(flow).parameters = { [ENV_PARAMETER]: definitionOf(flow).parameters[ENV_PARAMETER] };
      }),
    ).toEqual([]);
  });
});

describeWithShared('real exports pass with zero findings', () => {
  function solutionContext(zip: string): { documents: Array<[string, unknown]>; context: Omit<FlowValidationContext, 'flowName'> } {
    const entries = fixtureEntries(zip);
    const pkg = loadPackage(entries, zip);
    return {
      documents: entries
        .filter((entry) => entry.name.startsWith('Workflows/'))
        .map((entry) => [entry.name, JSON.parse(decodeText(entry.data))]),
      context: {
        connectionReferences: new Set((pkg.customizations?.connectionReferences ?? []).map((reference) => reference.name)),
        environmentVariables: new Set(pkg.envVars.map((envVar) => envVar.schemaName ?? envVar.folder)),
      },
    };
  }

  test.each([APPROVALS, AI_BUILDER])('the flow of %s', (zip) => {
    const { documents, context } = solutionContext(zip);
    expect(documents).toHaveLength(1);
    for (const [name, document] of documents) expect(validateFlowDocument(document, { flowName: name, ...context })).toEqual([]);
  });

  test('every flow of approvals-kit-unpacked', () => {
    const folder = path.join(REAL_SOLUTIONS, 'approvals-kit-unpacked');
    const customizations = readFileSync(path.join(folder, 'Other', 'Customizations.xml'), 'utf8');
    const context = {
      connectionReferences: new Set([...customizations.matchAll(/connectionreferencelogicalname="([^"]+)"/g)].map((match) => match[1]!)),
      environmentVariables: new Set(readdirSync(path.join(folder, 'environmentvariabledefinitions'))),
    };
    const files = readdirSync(path.join(folder, 'Workflows')).filter((name) => name.endsWith('.json'));
    expect(files).toHaveLength(4);
    for (const file of files) {
      const document = JSON.parse(readFileSync(path.join(folder, 'Workflows', file), 'utf8')) as unknown;
      expect(validateFlowDocument(document, { flowName: file, ...context })).toEqual([]);
    }
  });
});

import { checkSolution } from '../../packaging/check/check-solution.js';
import { AI_BUILDER, APPROVALS, CONTOSO, fixtureEntries, replaceIn } from '../check/helpers.js';
import { describeWithShared } from '../support/fixtures.js';

/** `cosell check` runs the flow validator on every Workflows/*.json of the zip (rule module flow-definitions). */

const AI_BUILDER_FLOW = 'Workflows/Importdataset-55337EAE-B7D7-EE11-904D-00224822316D.json';
const check = (entries: Parameters<typeof checkSolution>[0]) => checkSolution(entries, 'test.zip');
const flowFindings = async (entries: Parameters<typeof checkSolution>[0]) =>
  (await check(entries)).filter((f) => f.rule.startsWith('flow-'));

describeWithShared('cosell check: flow definitions', () => {
  test.each([APPROVALS, AI_BUILDER, CONTOSO])('the real export %s has no flow-* finding', async (zip) => {
    expect(await flowFindings(fixtureEntries(zip))).toEqual([]);
  });

  test('a body() reference to a missing action in the AI Builder flow is flow-reference-unknown / High at its JSON path', async () => {
    const entries = replaceIn(fixtureEntries(AI_BUILDER), AI_BUILDER_FLOW, "body('HTTP_Get_Proposal_Content')", "body('Nope')");
    const findings = await flowFindings(entries);
    expect(findings).toEqual([
      {
        severity: 'High',
        rule: 'flow-reference-unknown',
        entry: AI_BUILDER_FLOW,
        where: '$.properties.definition.actions.Apply_to_each_2.foreach',
        message: expect.stringMatching(
          /^flow "Import dataset": action Apply_to_each_2: body\('Nope'\) refers to Nope, but the flow has no action of that name/,
        ),
        fix: expect.any(String),
      },
    ]);
  });

  test('a runAfter to an action of another loop is flow-runafter-target / High', async () => {
    const entries = replaceIn(fixtureEntries(AI_BUILDER), AI_BUILDER_FLOW, /"Add_a_new_row": \[/, '"Add_a_new_row_2": [');
    const findings = await check(entries);
    expect(findings.map((f) => `${f.rule}/${f.severity} ${f.where ?? ''}`)).toContain(
      'flow-runafter-target/High $.properties.definition.actions.Apply_to_each.actions.Set_variable.runAfter.Add_a_new_row_2',
    );
  });

  test('a flow file that is not JSON is left to flow-json-invalid', async () => {
    const entries = replaceIn(fixtureEntries(AI_BUILDER), AI_BUILDER_FLOW, /^\{/, '{{');
    const findings = await check(entries);
    expect(findings.map((f) => f.rule)).toContain('flow-json-invalid');
    expect(findings.filter((f) => f.rule.startsWith('flow-') && f.rule !== 'flow-json-invalid')).toEqual([]);
  });
});

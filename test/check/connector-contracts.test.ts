import { describe, expect, test } from '@jest/globals';
import { readZip, encodeText, decodeText, type ZipEntry } from '../../core/io/zip.js';
import { buildFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { alternateKeyColumns, CONTRACT_RULES } from '../../packaging/check/rules/connector-contracts.js';
import { connectorContracts, parseConnectorContract } from '../../contracts/index.js';
import type { Json } from '../support/json.js';
import { defaultModel } from '../support/model.js';
import { check, summary } from './helpers.js';

/**
 * The connector-contract rules on our own build: clean as built, and each contract violation the issue lists,
 * put back into a flow file, is flagged with its rule, the action path and a fix. The contract facts are the
 * connector's swagger (microsoft/PowerPlatformConnectors connectors/PartnerCenterReferrals) and the Logic Apps
 * SDK classes, as cited in contracts/connectors/*.json.
 */

const OUTBOUND = 'Dynamics 365 to Partner Center';
const CUSTOMIZE = '[Customize] Create or Get Details from Dynamics 365';
const flows = buildFlows(defaultModel());
const built = (): ZipEntry[] => readZip(buildPackages(defaultModel({ flows }), ['managed'])[0]!.bytes, 'ours.zip');

/** A flow's file, by the flow's display name (Workflows/<name without punctuation>-<ID>.json). */
const flowEntry = (entries: readonly ZipEntry[], displayName: string): ZipEntry => {
  const flow = flows.find((candidate) => candidate.name === displayName);
  const entry = flow && entries.find((candidate) => candidate.name.toUpperCase().endsWith(`-${flow.id.toUpperCase()}.JSON`));
  if (!entry) throw new Error(`no flow ${displayName}`);
  return entry;
};

/** Every action of a definition by name, at any depth. */
function actionsOf(definition: Json): Record<string, Json> {
  const found: Record<string, Json> = {};
  const walk = (actions: Json): void => {
    for (const [name, action] of Object.entries((actions ?? {}) as Record<string, Json>)) {
      found[name] = action;
      walk(action.actions);
      walk(action.else?.actions);
      for (const branch of Object.values((action.cases ?? {}) as Record<string, Json>)) walk(branch.actions);
      walk(action.default?.actions);
    }
  };
  walk(definition.actions);
  return found;
}

/** Our build with one flow's definition changed in place. */
function mutateFlow(displayName: string, change: (actions: Record<string, Json>, definition: Json) => void): ZipEntry[] {
  const entries = built();
  const entry = flowEntry(entries, displayName);
  const document: Json = JSON.parse(decodeText(entry.data));
  change(actionsOf(document.properties.definition), document.properties.definition);
  return entries.map((candidate) => (candidate === entry ? { name: entry.name, data: encodeText(JSON.stringify(document)) } : candidate));
}

const contractFindings = async (entries: readonly ZipEntry[]) =>
  (await check(entries)).filter((finding) => finding.rule.startsWith('connector-'));

describe('contracts/connectors: the data itself', () => {
  test('the three contracts load and validate; every operation cites a listed source', () => {
    const contracts = connectorContracts();
    expect(contracts.map((contract) => contract.apiName)).toEqual([
      'shared_partnercenterref',
      'shared_partnercenterevents',
      'shared_commondataserviceforapps',
    ]);
    const referrals = contracts[0]!;
    const patch = referrals.operations.find((operation) => operation.operationId === 'PatchReferralById')!;
    expect(patch.parameters.map((parameter) => parameter.name)).not.toContain('if-match');
    const put = referrals.operations.find((operation) => operation.operationId === 'UpdateReferralById')!;
    expect(put.parameters.filter((parameter) => parameter.required && parameter.default === undefined).map((p) => p.name)).toEqual([
      'id',
      'odataReferral',
      'if-match',
    ]);
  });

  test('a contract citing an unlisted source, or of the wrong shape, is refused with the file and the fix', () => {
    const [referrals] = connectorContracts();
    const uncited = { ...referrals, operations: [{ ...referrals!.operations[0]!, sources: ['NOWHERE'] }] };
    expect(() => parseConnectorContract(uncited, 'contracts/connectors/x.json')).toThrow(
      /x\.json: operation GetAllReferrals cites "NOWHERE"/,
    );
    expect(() => parseConnectorContract({ ...referrals, complete: 'yes' }, 'y.json')).toThrow(
      /y\.json: not a valid connector contract.*\/complete/,
    );
  });

  test('alternate keys in recordId, literal or built by concat', () => {
    expect(alternateKeyColumns("pcs_referralidentifier='R-1'")).toEqual(['pcs_referralidentifier']);
    expect(alternateKeyColumns("@concat('pcs_referralidentifier', '=', 'R-1')")).toEqual(['pcs_referralidentifier']);
    expect(alternateKeyColumns("a='1',b='2'")).toEqual(['a', 'b']);
    expect(alternateKeyColumns("@triggerOutputs()?['body/opportunityid']")).toEqual([]);
  });
});

describe('check: connector contracts on our build', () => {
  test('our build is clean under the contract rules', async () => {
    expect(summary(await contractFindings(built()))).toEqual([]);
  });

  test('if-match put back on PatchReferralById → connector-parameter-undeclared / High, pointing at UpdateReferralById', async () => {
    const entries = mutateFlow(OUTBOUND, (actions) => {
      actions.Patch_referral.inputs.parameters['if-match'] = "@variables('ETag')";
    });
    const findings = await contractFindings(entries);
    expect(summary(findings)).toEqual([`${CONTRACT_RULES.parameterUndeclared}/High`]);
    expect(findings[0]!.where).toContain("Patch_referral.inputs.parameters['if-match']");
    expect(findings[0]!.fix).toContain('UpdateReferralById');
  });

  test('an operation the connector does not have → connector-operation-unknown / High, listing the real ones', async () => {
    const entries = mutateFlow(OUTBOUND, (actions) => {
      actions.Patch_referral.inputs.host.operationId = 'PatchReferral';
    });
    const findings = await contractFindings(entries);
    expect(summary(findings)).toEqual([`${CONTRACT_RULES.operationUnknown}/High`]);
    expect(findings[0]!.fix).toContain('PatchReferralById');
  });

  test('UpdateReferralById with the body as `Referral` and no if-match → undeclared + missing (odataReferral, if-match)', async () => {
    const entries = mutateFlow(OUTBOUND, (actions) => {
      const inputs = actions.Patch_referral.inputs;
      inputs.host.operationId = 'UpdateReferralById';
    });
    const findings = await contractFindings(entries);
    expect(summary(findings).sort()).toEqual([
      `${CONTRACT_RULES.parameterMissing}/High`,
      `${CONTRACT_RULES.parameterMissing}/High`,
      `${CONTRACT_RULES.parameterUndeclared}/High`,
    ]);
    expect(findings.map((finding) => finding.message).join('\n')).toMatch(/requires "odataReferral"[\s\S]*requires "if-match"/);
  });

  test('a required parameter removed → connector-parameter-missing / High', async () => {
    const entries = mutateFlow(OUTBOUND, (actions) => {
      delete actions.Patch_referral.inputs.parameters.id;
    });
    expect(summary(await contractFindings(entries))).toEqual([`${CONTRACT_RULES.parameterMissing}/High`]);
  });

  test('enum values: a trigger message 9, a JSON Patch op "remove" → connector-parameter-enum / High; a string for an integer → connector-parameter-type', async () => {
    const entries = mutateFlow(OUTBOUND, (actions, definition) => {
      const trigger = Object.values(definition.triggers as Record<string, Json>)[0]!;
      trigger.inputs.parameters['subscriptionRequest/message'] = 9;
      trigger.inputs.parameters['subscriptionRequest/scope'] = 'Organization';
      actions.Patch_referral.inputs.parameters.Referral = [{ op: 'remove', path: '/details/notes' }];
    });
    const findings = await contractFindings(entries);
    expect(summary(findings).sort()).toEqual([
      `${CONTRACT_RULES.parameterEnum}/High`,
      `${CONTRACT_RULES.parameterEnum}/High`,
      `${CONTRACT_RULES.parameterType}/High`,
    ]);
    expect(findings.map((finding) => finding.fix).join('\n')).toContain('replace, add');
  });

  test('the upsert by alternate key with the key column in the body → connector-upsert-key-in-body / High', async () => {
    const entries = mutateFlow(CUSTOMIZE, (actions) => {
      const inputs = actions.Create_or_update_opportunity.inputs;
      inputs.parameters.item = `@setProperty(${String(inputs.parameters.item).slice(1)}, 'pcs_referralidentifier', 'R-1')`;
    });
    const findings = await contractFindings(entries);
    expect(summary(findings)).toEqual([`${CONTRACT_RULES.upsertKeyInBody}/High`]);
    expect(findings[0]!.fix).toContain('do not include the alternate key data in the body');
  });

  test('a Dataverse operation with no contract here (AI Builder) is only Informational', async () => {
    const entries = mutateFlow(OUTBOUND, (actions) => {
      actions.Get_opportunity.inputs.host.operationId = 'aibuilderpredict_customprompt';
    });
    expect(summary(await contractFindings(entries))).toEqual([`${CONTRACT_RULES.operationUnlisted}/Informational`]);
  });
});

describe('check: cloud flow entries as Dataverse exports them', () => {
  test('a table put back as PrimaryEntity of a cloud flow → flow-primary-entity / Medium; ours write none', async () => {
    const entries = built();
    const customizations = entries.find((entry) => entry.name === 'customizations.xml')!;
    const text = decodeText(customizations.data);
    expect(text).not.toMatch(/<PrimaryEntity>(?!none<)/);
    const mutatedEntries = entries.map((entry) =>
      entry === customizations
        ? {
            name: entry.name,
            data: encodeText(text.replace('<PrimaryEntity>none</PrimaryEntity>', '<PrimaryEntity>opportunity</PrimaryEntity>')),
          }
        : entry,
    );
    const findings = (await check(mutatedEntries)).filter((finding) => finding.rule === 'flow-primary-entity');
    expect(summary(findings)).toEqual(['flow-primary-entity/Medium']);
    expect(findings[0]!.fix).toContain('<PrimaryEntity>none</PrimaryEntity>');
  });
});

describe('check: writes that are not idempotent', () => {
  test('CreateReferral with its retry policy removed (the default retries) → connector-retry-not-idempotent / High', async () => {
    const entries = mutateFlow('Create Co-sell Referral – Dynamics 365 to Partner Center', (actions) => {
      delete actions.Create_Microsoft_referral.inputs.retryPolicy;
    });
    const findings = await contractFindings(entries);
    expect(summary(findings)).toEqual([`${CONTRACT_RULES.retryNotIdempotent}/High`]);
    expect(findings[0]!.message).toContain('the default retry policy');
    const fixed = mutateFlow('Create Co-sell Referral – Dynamics 365 to Partner Center', (actions) => {
      actions.Create_Microsoft_referral.inputs.retryPolicy = { type: 'fixed', count: 2, interval: 'PT5S' };
    });
    expect(summary(await contractFindings(fixed))).toEqual([`${CONTRACT_RULES.retryNotIdempotent}/High`]);
  });
});

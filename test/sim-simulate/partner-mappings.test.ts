import { readZip } from '../../core/io/zip.js';
import { withFlows } from '../../flows/index.js';
import { buildPackages } from '../../packaging/build-solution.js';
import { loadConfig } from '../../solution/config/config.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import { buildMetadata } from '../../sim/dataverse/metadata.js';
import { ApiError, validateReferralBody } from '../../sim/partner-center/referral-model.js';
import { formatResult } from '../../sim/simulate/report.js';
import { runScenario } from '../../sim/simulate/run.js';
import { opportunityByReferral, type Expectation, type Row, type Scenario } from '../../sim/simulate/scenarios.js';
import { tempDir } from '../support/cli.js';
import { fixtureConfig, fixtureModel, writeProjectConfig } from '../support/model.js';

/**
 * The partner's own mapping rows (pac.config.json "mappings", test/fixtures/config/with-mappings.json) go through
 * the whole path: a config file on disk, the build, the managed zip, and the flows read back from it running
 * against the two emulators over HTTP. Contract points: the Dataverse emulator's metadata has the declared
 * columns (an unknown column would be refused with 0x80060888, as Dataverse does), and the referral reaches
 * Partner Center through PatchReferralById (JSON Patch replace, partner-center §2.1).
 */
const SIZE = { small: 100000001, large: 100000002 } as const;
const QUALIFICATION_SALES = 100000002;

const expectation = (description: string, pass: boolean, actual?: unknown): Expectation => ({
  description,
  pass,
  ...(pass ? {} : { actual: JSON.stringify(actual) }),
});

const bothWays: Scenario = {
  name: 'partner-mappings-both-ways',
  title: "The partner's columns: written from a referral, sent back when the seller changes them",
  async run(sim, world) {
    const shared = sim.partnerCenter.shareReferralFromMicrosoft({
      name: 'Litware rollout',
      qualification: 'SalesQualified',
      inviteContext: { notes: 'Customer asked for a pilot in Q3', invitedBy: { organizationId: 'msft', organizationName: 'Microsoft' } },
      customerProfile: {
        name: 'Litware Inc',
        size: '51to500employees',
        address: { addressLine1: '1 Way', city: 'Austin', state: 'TX', postalCode: '73301', country: 'US' },
        team: [],
      },
    });
    const referralId = String(shared.id);
    await sim.settle();
    const arrived = opportunityByReferral(sim, world, referralId);
    const id = String(arrived?.opportunityid);
    const patchesBefore = sim.partnerCenter.calls.filter((call) => call.method === 'PATCH').length;
    sim.dataverse.userUpdate('opportunities', id, { new_customersize: SIZE.large, new_lossreason: 'Budget moved to FY27' });
    await sim.settle();
    const referral = sim.partnerCenter.referral(referralId) as { customerProfile: { size?: string }; statusReason?: string };
    const patches = sim.partnerCenter.calls.filter((call) => call.method === 'PATCH').slice(patchesBefore);
    sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/customerProfile/size', value: '1to50employees' }]);
    await sim.settle();
    const after = sim.dataverse.row('opportunities', id) as Row;
    return [
      expectation('the referral made an opportunity', arrived !== undefined, sim.dataverse.rows('opportunities')),
      expectation(
        'a toDynamics text column took the invitation notes',
        arrived?.new_invitationnotes === 'Customer asked for a pilot in Q3',
        arrived,
      ),
      expectation(
        'a choice column took the option its value map gives "51to500employees"',
        arrived?.new_customersize === SIZE.small,
        arrived?.new_customersize,
      ),
      expectation('a toDynamics choice took "SalesQualified" as its option', arrived?.new_qualification === QUALIFICATION_SALES, arrived),
      expectation("one PATCH sent the seller's change", patches.length === 1 && patches[0]!.status === 204, patches),
      expectation(
        "the seller's option went out as its Partner Center value (value map reversed)",
        referral.customerProfile.size === 'Morethan500employees',
        referral.customerProfile,
      ),
      expectation('the toPartnerCenter column went with it', referral.statusReason === 'Budget moved to FY27', referral.statusReason),
      expectation('a later Partner Center edit of the size came back in', after.new_customersize === 100000000, after.new_customersize),
    ];
  },
};

describe("the partner's mappings, rehearsed", () => {
  test("the emulated org has the partner's columns with their declared types (the package requires them, an org has them)", () => {
    const opportunity = buildMetadata(fixtureModel('with-mappings')).entities.get('opportunity')!;
    const declared = ['new_invitationnotes', 'new_customersize', 'new_qualification', 'new_lossreason'].map((name) => {
      const attribute = opportunity.attributes.get(name);
      return [name, attribute?.type, attribute?.maxLength ?? attribute?.options?.size];
    });
    expect(declared).toEqual([
      ['new_invitationnotes', 'string', 2000],
      ['new_customersize', 'picklist', 11],
      ['new_qualification', 'picklist', 3],
      ['new_lossreason', 'string', 500],
    ]);
    expect(buildMetadata(fixtureModel('default')).entities.get('opportunity')!.attributes.has('new_customersize')).toBe(false);
  });

  test('the Partner Center emulator takes only the documented customer sizes (partner-center §2.2 "Customer size")', () => {
    expect(() => validateReferralBody({ customerProfile: { size: '51to500employees' } }, { partial: true })).not.toThrow();
    expect(() => validateReferralBody({ customerProfile: { size: 100000002 } }, { partial: true })).toThrow(ApiError);
    expect(() => validateReferralBody({ customerProfile: { size: 'Huge' } }, { partial: true })).toThrow(
      /customerProfile\.size must be one of 1to50employees/,
    );
  });

  test('a referral carrying the mapped values goes both ways through the built zip', async () => {
    const dir = await tempDir('mappings');
    const file = await writeProjectConfig(dir, fixtureConfig('with-mappings'));
    const model = withFlows(buildCoSellModel(await loadConfig(file)));
    const [zip] = buildPackages(model, ['managed']);
    const result = await runScenario(bothWays, { entries: readZip(zip!.bytes, zip!.fileName), label: zip!.fileName, model });
    if (!result.passed) throw new Error(formatResult(result, { verbose: true }));
    expect(result.expectations.every((outcome) => outcome.pass)).toBe(true);
  }, 120_000);
});

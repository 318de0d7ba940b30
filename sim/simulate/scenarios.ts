import { Flow } from '../../flows/context.js';
import { display } from '../display.js';
import type { Simulation } from './session.js';

/** One checked outcome of a scenario. */
export interface Expectation {
  description: string;
  pass: boolean;
  /** What was seen, when it was not what was expected. */
  actual?: string;
}

export interface Scenario {
  name: string;
  title: string;
  /** Environment variable current values for this scenario, by schema name suffix (the prefix is added). */
  environment?: Record<string, unknown>;
  run(sim: Simulation, world: World): Promise<Expectation[]>;
}

/** Names the scenarios use, resolved with the publisher prefix. */
export interface World {
  prefix: string;
  column(stem: string): string;
  /** Option value of a choice key (e.g. the help option WorkloadSpecificValueProposition). */
  option(choice: string, key: string): number;
}

const PRODUCT_SOLUTION = { name: 'Contoso Copilot Accelerator', id: 'SOL-34104-EBB' };

/** A Partner Center solution row of an opportunity, as a seller adds it in the subgrid. */
function addSolution(sim: Simulation, world: World, opportunityId: string, solution: { name: string; id: string }): void {
  sim.dataverse.userCreate(`${world.prefix}_partnercentersolutions`, {
    [world.column('Name')]: solution.name,
    [world.column('SolutionIdentifier')]: solution.id,
    [`${world.prefix}_Opportunity@odata.bind`]: `/opportunities(${opportunityId})`,
  });
}

const expectation = (description: string, pass: boolean, actual?: unknown): Expectation => ({
  description,
  pass,
  ...(pass ? {} : { actual: typeof actual === 'string' ? actual : JSON.stringify(actual) }),
});

export type Row = Record<string, unknown>;

/** A seller's opportunity with an account (country US), a contact and one solution, not yet synced. */
export function sellerOpportunity(
  sim: Simulation,
  world: World,
  options: { country?: string | null; solution?: boolean; contact?: boolean; name?: string } = {},
): string {
  const dv = sim.dataverse;
  const account = dv.userCreate('accounts', {
    name: 'Contoso Pharmaceuticals',
    address1_line1: '1 Main St',
    address1_city: 'Seattle',
    address1_postalcode: '98101',
    address1_country: options.country === undefined ? 'US' : options.country,
  }) as Row;
  const contact =
    options.contact === false
      ? undefined
      : (dv.userCreate('contacts', { firstname: 'Ann', lastname: "O'Brien", emailaddress1: 'ann@contoso.example' }) as Row);
  const opportunity = dv.userCreate('opportunities', {
    name: options.name ?? 'Copilot rollout 🤝 <phase 1>',
    estimatedvalue: 250000,
    estimatedclosedate: '2025-06-30',
    description: 'Rollout to 5,000 seats',
    'parentaccountid@odata.bind': `/accounts(${String(account.accountid)})`,
    ...(contact ? { 'parentcontactid@odata.bind': `/contacts(${String(contact.contactid)})` } : {}),
  }) as Row;
  const id = String(opportunity.opportunityid);
  if (options.solution !== false) addSolution(sim, world, id, PRODUCT_SOLUTION);
  return id;
}

export async function markForSync(sim: Simulation, world: World, id: string, help = true): Promise<Row> {
  sim.dataverse.userUpdate('opportunities', id, {
    [world.column('SyncWithPartnerCenter')]: true,
    ...(help ? { [world.column('HowCanMicrosoftHelp')]: String(world.option('howcanmicrosofthelp', 'ProofOfConceptOrDemo')) } : {}),
  });
  await sim.settle();
  return sim.dataverse.row('opportunities', id) as Row;
}

/** A seller's opportunity, marked for sync with help requested, and the referral it got. */
async function sharedOpportunity(sim: Simulation, world: World): Promise<{ id: string; referralId: string }> {
  const id = sellerOpportunity(sim, world);
  const opportunity = await markForSync(sim, world, id);
  return { id, referralId: String(opportunity[world.column('ReferralIdentifier')]) };
}

export const opportunityByReferral = (sim: Simulation, world: World, referralId: string): Row | undefined =>
  sim.dataverse.rows('opportunities').find((row) => row[world.column('ReferralIdentifier')] === referralId);

/** Posts raw bytes to the webhook flow's endpoint, as anyone who learns its URL could. */
async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
  await response.arrayBuffer();
  return response.status;
}

/** Everything both sides hold, to prove a request changed nothing. */
const snapshot = (sim: Simulation): string =>
  JSON.stringify([
    sim.partnerCenter.referrals(),
    ...['opportunities', 'accounts', 'contacts', 'leads'].map((set) => sim.dataverse.rows(set)),
  ]);

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'cosell-referral-created',
    title:
      'A seller marks an opportunity for sync and asks Microsoft for help → the co-sell referral is created with solutions and contact',
    async run(sim, world) {
      const id = sellerOpportunity(sim, world);
      const opportunity = await markForSync(sim, world, id);
      const referralId = display(opportunity[world.column('ReferralIdentifier')] ?? '');
      const referral = sim.partnerCenter.referral(referralId);
      const details = (referral?.details ?? {}) as {
        requirements?: { solutions?: Row[]; additionalRequirements?: { attributes?: Row[] } };
        dealValue?: number;
      };
      const help = (details.requirements?.additionalRequirements?.attributes ?? []).map((attribute) => attribute.id);
      const team = ((referral?.customerProfile ?? {}) as { team?: Row[] }).team ?? [];
      return [
        expectation('a referral exists in Partner Center', referral !== undefined, referralId),
        expectation('its externalReferenceId is the opportunity id', referral?.externalReferenceId === id, referral?.externalReferenceId),
        expectation(
          "it carries the opportunity's solution",
          details.requirements?.solutions?.[0]?.id === PRODUCT_SOLUTION.id,
          details.requirements,
        ),
        expectation('it carries the customer contact', team[0]?.lastName === "O'Brien", team),
        // Partner Center's code (the connector swagger's assistanceRequestCode), not the column's option value.
        expectation('the help asked for travelled as its Partner Center code', help.join() === 'ProofOfConceptOrDemo', help),
        expectation('the deal value travelled', details.dealValue === 250000, details.dealValue),
        expectation(
          'the opportunity name is marked ✔ and keeps its text',
          opportunity.name === '✔ Copilot rollout 🤝 <phase 1>',
          opportunity.name,
        ),
        expectation('the referral name has no mark', referral?.name === 'Copilot rollout 🤝 <phase 1>', referral?.name),
        expectation(
          'the referral link is written',
          display(opportunity[world.column('ReferralLink')] ?? '').endsWith(referralId),
          opportunity[world.column('ReferralLink')],
        ),
      ];
    },
  },
  {
    name: 'validation-failures',
    title: 'Missing country code, solution and contact → Audit says why, ✘ on the name, nothing sent',
    async run(sim, world) {
      const id = sellerOpportunity(sim, world, { country: null, solution: false, contact: false, name: 'Incomplete deal' });
      const before = sim.partnerCenter.referrals().length;
      const opportunity = await markForSync(sim, world, id);
      const audit = display(opportunity[world.column('Audit')] ?? '');
      return [
        expectation('no referral was created', sim.partnerCenter.referrals().length === before, sim.partnerCenter.referrals().length),
        expectation('Audit names the missing country code', audit.includes('ISO 3166 country code'), audit),
        expectation('Audit names the missing solution', audit.includes('at least one Partner Center solution'), audit),
        expectation('Audit names the missing contact', audit.includes('customer contact is required'), audit),
        expectation('the name is marked ✘', opportunity.name === '✘ Incomplete deal', opportunity.name),
      ];
    },
  },
  {
    name: 'microsoft-shares-referral',
    title: 'Microsoft shares a co-sell referral → an opportunity is created; the account is matched by name + postal code',
    async run(sim, world) {
      sim.dataverse.userCreate('accounts', { name: "Fabrikam O'Hara Ltd", address1_postalcode: '10115', address1_country: 'DE' });
      const accountsBefore = sim.dataverse.rows('accounts').length;
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({
        name: 'Fabrikam data estate 🚀',
        customerProfile: {
          name: "Fabrikam O'Hara Ltd",
          address: { addressLine1: 'Unter den Linden 1', city: 'Berlin', state: '', postalCode: '10115', country: 'DE' },
          team: [{ firstName: 'Jonas', lastName: 'Weber', email: 'jonas@fabrikam.example', phoneNumber: '+49 30 1234' }],
        },
      });
      await sim.settle();
      const opportunity = opportunityByReferral(sim, world, String(shared.id));
      const account = sim.dataverse.rows('accounts').find((row) => row.name === "Fabrikam O'Hara Ltd");
      const second = sim.partnerCenter.shareReferralFromMicrosoft({
        name: 'Northwind expansion',
        customerProfile: {
          name: 'Northwind Traders',
          address: { addressLine1: '2 Pier', city: 'Sydney', state: 'NSW', postalCode: '2000', country: 'AU' },
          team: [],
        },
      });
      await sim.settle();
      const northwind = sim.dataverse.rows('accounts').find((row) => row.name === 'Northwind Traders');
      return [
        expectation(
          'an opportunity holds the referral id',
          opportunity !== undefined,
          sim.dataverse.rows('opportunities').map((row) => row.name),
        ),
        expectation('its name is the referral name', opportunity?.name === 'Fabrikam data estate 🚀', opportunity?.name),
        expectation(
          'the existing account was matched, not duplicated',
          opportunity?._parentaccountid_value === account?.accountid && sim.dataverse.rows('accounts').length === accountsBefore + 1,
          sim.dataverse.rows('accounts').map((row) => row.name),
        ),
        expectation('an unknown customer gets a new account with its country', northwind?.address1_country === 'AU', northwind),
        expectation(
          'the second referral made its own opportunity',
          opportunityByReferral(sim, world, String(second.id)) !== undefined,
          second.id,
        ),
        expectation(
          'Sync with Partner Center is Yes on arrivals',
          opportunity?.[world.column('SyncWithPartnerCenter')] === true,
          opportunity?.[world.column('SyncWithPartnerCenter')],
        ),
      ];
    },
  },
  {
    name: 'microsoft-accepts',
    title: 'Microsoft accepts our co-sell referral → the Microsoft CRM identifier is written, and Audit records it once',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      sim.partnerCenter.microsoftResponds(referralId, 'Accepted', { crmId: '7-ABC123' });
      await sim.settle();
      const after = sim.dataverse.row('opportunities', id) as Row;
      // Two hourly reconciliations later, Microsoft's unchanged answer is not recorded again.
      for (let hour = 1; hour <= 2; hour += 1) {
        sim.clock.advance(60 * 60 * 1000);
        await sim.runScheduled();
      }
      const audit = display((sim.dataverse.row('opportunities', id) as Row)[world.column('Audit')] ?? '');
      return [
        expectation(
          'reconciliations do not repeat an unchanged answer in Audit',
          audit.split('Microsoft referral Active/Accepted').length - 1 === 1,
          audit,
        ),
        expectation(
          'the Microsoft CRM identifier is on the opportunity',
          after[world.column('MicrosoftCrmIdentifier')] === '7-ABC123',
          after[world.column('MicrosoftCrmIdentifier')],
        ),
        expectation(
          "Audit records Microsoft's answer",
          display(after[world.column('Audit')] ?? '').includes('Microsoft referral Active/Accepted'),
          after[world.column('Audit')],
        ),
      ];
    },
  },
  {
    name: 'updates-both-ways',
    title: 'Updates both ways, last writer wins per field: an unseen Partner Center edit survives a Dynamics change',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 300000 });
      await sim.settle();
      const afterOutbound = sim.partnerCenter.referral(referralId) as { details: { dealValue: number } };
      sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Edited in Partner Center' }]);
      await sim.settle();
      const afterInbound = sim.dataverse.row('opportunities', id) as Row;
      // A second Partner Center edit whose webhook is lost: Dynamics has not seen it.
      sim.partnerCenter.faults.dropDeliveries(1);
      sim.partnerCenter.editAsPartnerUser(referralId, [
        { op: 'replace', path: '/details/notes', value: 'Second edit, unseen by Dynamics' },
      ]);
      await sim.settle();
      const callsBefore = sim.partnerCenter.calls.length;
      sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 320000 });
      await sim.settle();
      const statuses = sim.partnerCenter.calls
        .slice(callsBefore)
        .filter((call) => call.method === 'PATCH')
        .map((call) => call.status);
      const final = sim.partnerCenter.referral(referralId) as { details: { dealValue: number; notes: string } };
      return [
        expectation('a Dynamics change reached the referral', afterOutbound.details.dealValue === 300000, afterOutbound.details),
        expectation(
          'a Partner Center change reached the opportunity',
          afterInbound.description === 'Edited in Partner Center',
          afterInbound.description,
        ),
        expectation(
          'one PATCH, no conflict to retry (PatchReferralById declares no If-Match: last writer wins per field)',
          statuses.length === 1 && statuses[0] === 204,
          statuses,
        ),
        expectation('the later Dynamics change got through', final.details.dealValue === 320000, final.details),
        expectation(
          'the unseen Partner Center edit survived (only changed fields are sent)',
          final.details.notes === 'Second edit, unseen by Dynamics',
          final.details.notes,
        ),
      ];
    },
  },
  {
    name: 'won-closes-both-sides',
    title: 'Won closes the referral and stops sync',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      sim.dataverse.userWin(id);
      const runsBefore = sim.runs().length;
      await sim.settle();
      const referral = sim.partnerCenter.referral(referralId) as Row;
      const closed = sim.dataverse.row('opportunities', id) as Row;
      let editRefused = false;
      try {
        sim.dataverse.userUpdate('opportunities', id, { description: 'after the win' });
      } catch {
        editRefused = true;
      }
      return [
        expectation(
          'the referral is Closed/Won',
          referral.status === 'Closed' && referral.substatus === 'Won',
          `${String(referral.status)}/${String(referral.substatus)}`,
        ),
        expectation(
          'the opportunity records the Won sub-status',
          closed[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Won'),
          closed[world.column('ReferralSubstatus')],
        ),
        expectation(
          'the opportunity stays Won (closed through WinOpportunity)',
          closed.statecode === 1 && closed.statuscode === 3,
          `${String(closed.statecode)}/${String(closed.statuscode)}`,
        ),
        expectation('a seller cannot edit the Won opportunity (its form is read-only)', editRefused),
        expectation('the flows came to rest (no loop)', sim.runs().length - runsBefore < 5, sim.runs().length - runsBefore),
      ];
    },
  },
  {
    name: 'closed-in-partner-center',
    title: 'A referral closed as Won or Lost in Partner Center closes the open opportunity through WinOpportunity / LoseOpportunity',
    async run(sim, world) {
      const won = await sharedOpportunity(sim, world);
      const lost = await sharedOpportunity(sim, world);
      const closeAs = (referralId: string, substatus: 'Won' | 'Lost') =>
        sim.partnerCenter.editAsPartnerUser(referralId, [
          { op: 'replace', path: '/status', value: 'Closed' },
          { op: 'replace', path: '/substatus', value: substatus },
        ]);
      closeAs(won.referralId, 'Won');
      closeAs(lost.referralId, 'Lost');
      await sim.settle();
      const wonRow = sim.dataverse.row('opportunities', won.id) as Row;
      const lostRow = sim.dataverse.row('opportunities', lost.id) as Row;
      const closes = sim.dataverse.opportunityCloses().map((close) => `${close.action} ${close.status}`);
      return [
        expectation('the Won referral made the opportunity Won (3)', wonRow.statecode === 1 && wonRow.statuscode === 3, wonRow.statecode),
        expectation(
          'the Lost referral made the opportunity Lost (4 Canceled)',
          lostRow.statecode === 2 && lostRow.statuscode === 4,
          lostRow.statecode,
        ),
        expectation(
          'each closed through its message, once',
          JSON.stringify(closes.sort()) === JSON.stringify(['LoseOpportunity 4', 'WinOpportunity 3']),
          closes,
        ),
        expectation(
          'the opportunities record the sub-statuses',
          wonRow[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Won') &&
            lostRow[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Lost'),
          [wonRow[world.column('ReferralSubstatus')], lostRow[world.column('ReferralSubstatus')]],
        ),
        expectation(
          'Partner Center keeps its closed referrals (no write back)',
          sim.partnerCenter.referral(won.referralId)?.substatus === 'Won' &&
            sim.partnerCenter.referral(lost.referralId)?.substatus === 'Lost',
        ),
      ];
    },
  },
  {
    name: 'dataverse-throttled',
    title: 'Dataverse throttles the flows for a minute (429, Retry-After 20 s) → a shared referral still arrives, once the limit lifts',
    async run(sim, world) {
      const start = sim.clock.now().getTime();
      sim.dataverse.faults.throttle({ forMs: 60_000, retryAfterSeconds: 20 });
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Arrives after the throttle' });
      await sim.settle();
      const calls = sim.connectorCalls.filter((call) => call.api === 'Dataverse');
      const throttled = calls.filter((call) => call.statusCode === 429);
      const firstAnswered = calls.find((call) => call.statusCode < 400);
      return [
        expectation(
          'Dataverse answered 429 while the limit held',
          throttled.length > 0,
          calls.map((call) => call.statusCode),
        ),
        expectation(
          'no call got through before the limit lifted',
          firstAnswered !== undefined && Date.parse(firstAnswered.at) - start >= 60_000,
          firstAnswered?.at,
        ),
        expectation(
          'the opportunity arrived',
          opportunityByReferral(sim, world, String(shared.id)) !== undefined,
          sim.dataverse.rows('opportunities').map((row) => row.name),
        ),
      ];
    },
  },
  {
    name: 'solutions-changed',
    title: "Solutions added to or deactivated on a shared opportunity replace the referral's solution list",
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      addSolution(sim, world, id, { name: 'Contoso Data Platform', id: 'SOL-15974-MQF' });
      await sim.settle();
      const listed = () =>
        (sim.partnerCenter.referral(referralId) as { details: { requirements: { solutions: Row[] } } }).details.requirements.solutions
          .map((s) => s.id)
          .sort();
      const both = listed();
      const first = sim.dataverse
        .rows(`${world.prefix}_partnercentersolutions`)
        .find((row) => row[world.column('SolutionIdentifier')] === PRODUCT_SOLUTION.id)!;
      sim.dataverse.userUpdate(`${world.prefix}_partnercentersolutions`, String(first[`${world.prefix}_partnercentersolutionid`]), {
        statecode: 1,
        statuscode: 2,
      });
      await sim.settle();
      return [
        expectation('the referral lists both solutions', JSON.stringify(both) === JSON.stringify(['SOL-15974-MQF', 'SOL-34104-EBB']), both),
        expectation('a deactivated solution leaves the list', JSON.stringify(listed()) === JSON.stringify(['SOL-15974-MQF']), listed()),
      ];
    },
  },
  {
    name: 'sync-only-cosell-yes',
    title: 'Sync only co-sell opportunities = Yes: a non-co-sell referral is left out',
    async run(sim, world) {
      const independent = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Marketplace lead', type: 'Independent' });
      await sim.settle();
      return [
        expectation('no opportunity was made', opportunityByReferral(sim, world, String(independent.id)) === undefined, independent.id),
        expectation('no lead was made', sim.dataverse.rows('leads').length === 0, sim.dataverse.rows('leads').length),
      ];
    },
  },
  {
    name: 'sync-only-cosell-no',
    title: 'Sync only co-sell opportunities = No: a non-co-sell referral becomes a lead, one per referral, kept up to date',
    environment: { SyncOnlyCoSell: false },
    async run(sim, world) {
      const customerProfile = (email: string) => ({
        name: 'Wide World Importers',
        address: { addressLine1: '1 Dock St', city: 'Seattle', state: 'WA', postalCode: '98101', country: 'US' },
        team: [{ firstName: email.split('@')[0], lastName: 'Buyer', email, phoneNumber: '' }],
      });
      const first = sim.partnerCenter.shareReferralFromMicrosoft({
        name: 'Marketplace lead',
        type: 'Independent',
        customerProfile: customerProfile('kim@wideworld.example'),
      });
      await sim.settle();
      // A second person at the same company asks about the same topic: a lead of its own, not merged.
      sim.partnerCenter.shareReferralFromMicrosoft({
        name: 'Marketplace lead',
        type: 'Independent',
        customerProfile: customerProfile('lee@wideworld.example'),
      });
      await sim.settle();
      sim.partnerCenter.editAsPartnerUser(String(first.id), [{ op: 'replace', path: '/details/notes', value: 'Wants a demo in May' }]);
      await sim.settle();
      const leads = sim.dataverse.rows('leads');
      const firstLead = leads.find((lead) => lead[world.column('ReferralIdentifier')] === first.id);
      return [
        expectation('a lead holds the referral', firstLead?.subject === 'Marketplace lead', leads),
        expectation(
          "the second person's request is a lead of its own",
          leads.length === 2,
          leads.map((lead) => lead.emailaddress1),
        ),
        expectation(
          'a later Partner Center edit reaches the lead',
          firstLead?.description === 'Wants a demo in May',
          firstLead?.description,
        ),
      ];
    },
  },
  {
    name: 'create-times-out-after-commit',
    title:
      'Partner Center commits a new referral, then the gateway times out → one referral, not two; its webhook puts it on the opportunity',
    async run(sim, world) {
      sim.partnerCenter.faults.add({ operation: 'CreateReferral', status: 504, afterCommit: true, times: 1 });
      const id = sellerOpportunity(sim, world, { name: 'Timed-out deal' });
      const opportunity = await markForSync(sim, world, id);
      const created = sim.partnerCenter.referrals().filter((referral) => referral.externalReferenceId === id);
      const audit = display(opportunity[world.column('Audit')] ?? '');
      // Its referral-created webhook finds the opportunity by externalReferenceId and writes the id there; a seller
      // retrying as Audit suggests (Sync off and on) then creates nothing. Had the webhook been lost, the create flow
      // would find the referral by its externalReferenceId and adopt it.
      sim.dataverse.userUpdate('opportunities', id, { [world.column('SyncWithPartnerCenter')]: false });
      await sim.settle();
      const retried = await markForSync(sim, world, id);
      const after = sim.partnerCenter.referrals().filter((referral) => referral.externalReferenceId === id);
      return [
        expectation('Partner Center holds exactly one referral for the opportunity', created.length === 1, created.length),
        expectation('Audit records that the referral was not created', audit.includes('Referral not created'), audit),
        expectation(
          'the name is not left marked ✘: the webhook synced the opportunity after all',
          opportunity.name === 'Timed-out deal',
          opportunity.name,
        ),
        expectation('after the retry there is still one referral', after.length === 1, after.length),
        expectation(
          'the retry adopted it: the opportunity holds its id',
          retried[world.column('ReferralIdentifier')] === created[0]?.id,
          retried[world.column('ReferralIdentifier')],
        ),
        expectation(
          'Dynamics holds one opportunity for it, not a second one made from its webhook',
          sim.dataverse.rows('opportunities').filter((row) => row[world.column('ReferralIdentifier')] === created[0]?.id).length === 1,
          sim.dataverse.rows('opportunities').map((row) => row.name),
        ),
      ];
    },
  },
  {
    name: 'create-times-out-webhook-lost',
    title: 'The create times out after commit and its webhook is lost → the seller retries, and the flow adopts the referral',
    async run(sim, world) {
      sim.partnerCenter.faults.add({ operation: 'CreateReferral', status: 504, afterCommit: true, times: 1 });
      sim.partnerCenter.faults.dropDeliveries(1);
      const id = sellerOpportunity(sim, world, { name: 'Lost answer' });
      const failed = await markForSync(sim, world, id);
      sim.dataverse.userUpdate('opportunities', id, { [world.column('SyncWithPartnerCenter')]: false });
      await sim.settle();
      const retried = await markForSync(sim, world, id);
      const referrals = sim.partnerCenter.referrals().filter((referral) => referral.externalReferenceId === id);
      return [
        expectation('the first attempt left the opportunity without a referral, marked ✘', failed.name === '✘ Lost answer', failed.name),
        expectation('Partner Center still holds exactly one referral for it', referrals.length === 1, referrals.length),
        expectation(
          'the retry adopted that referral',
          retried[world.column('ReferralIdentifier')] === referrals[0]?.id,
          retried[world.column('ReferralIdentifier')],
        ),
        expectation('and marked the name ✔', retried.name === '✔ Lost answer', retried.name),
      ];
    },
  },
  {
    name: 'hostile-text',
    title:
      'Referral text with markup, quotes, marks, bidi and zero-width characters, emoji with joiners and 2,500-character notes survives both ways',
    async run(sim, world) {
      const name = `Deal ✔ phase 2 <script>alert('x')</script> "quoted" \u202Eevil\u202C\u200B 👩‍👩‍👧`;
      const notes = `${'Ünïcode ‍👨‍💻 & <b>bold</b> \u0007 '.repeat(100)}`.slice(0, 2500);
      const customer = `O'Brien "&" <Partners>\u200D`;
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({
        name,
        details: { notes, dealValue: 1000, currency: 'USD', closingDateTime: '2025-06-30T00:00:00Z' },
        customerProfile: {
          name: customer,
          address: { addressLine1: "1 O'Connell St", city: 'Dublin', state: '', postalCode: 'D01 F5P2', country: 'IE' },
          team: [],
        },
      });
      await sim.settle();
      const opportunity = opportunityByReferral(sim, world, String(shared.id));
      const account = sim.dataverse.rows('accounts').find((row) => row.name === customer);
      if (opportunity) sim.dataverse.userUpdate('opportunities', String(opportunity.opportunityid), { estimatedvalue: 2000 });
      await sim.settle();
      const referral = sim.partnerCenter.referral(String(shared.id)) as { name: string; details: { notes: string; dealValue: number } };
      const after = opportunity ? (sim.dataverse.row('opportunities', String(opportunity.opportunityid)) as Row) : undefined;
      return [
        expectation('the opportunity holds the name exactly, its inner ✔ included', opportunity?.name === name, opportunity?.name),
        expectation(
          'the notes are cut to the 2,000 characters the description column holds',
          opportunity?.description === notes.slice(0, 2000),
          display(opportunity?.description ?? '').length,
        ),
        expectation('the account holds the customer name exactly (quotes and all, as an OData literal)', account !== undefined, customer),
        expectation('a later Dynamics change reached Partner Center', referral.details.dealValue === 2000, referral.details),
        expectation('and left its 2,500-character notes whole', referral.details.notes === notes, referral.details.notes.length),
        expectation('the referral name kept its inner ✔ (only our leading mark is ours)', referral.name === name, referral.name),
        expectation('Dynamics shows our mark in front of it', after?.name === `✔ ${name}`, after?.name),
      ];
    },
  },
  {
    name: 'precise-deal-value',
    title: 'A deal value with more decimals than the money column keeps is stored rounded and not written back',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      const callsBefore = sim.partnerCenter.calls.length;
      sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/dealValue', value: 1234.5678 }]);
      await sim.settle();
      const opportunity = sim.dataverse.row('opportunities', id) as Row;
      const writes = sim.partnerCenter.calls.slice(callsBefore).filter((call) => call.method === 'PATCH' || call.method === 'PUT').length;
      const referral = sim.partnerCenter.referral(referralId) as { details: { dealValue: number } };
      return [
        expectation('Dynamics holds the value to the cent', opportunity.estimatedvalue === 1234.57, opportunity.estimatedvalue),
        expectation('nothing is written back to Partner Center', writes === 0, writes),
        expectation('Partner Center keeps its own value', referral.details.dealValue === 1234.5678, referral.details.dealValue),
      ];
    },
  },
  {
    name: 'quick-saves',
    title: 'Five quick saves of the deal value: the last one reaches Partner Center, no false ✘ and nothing in Audit',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      for (const value of [310000, 320000, 330000, 340000, 350000]) {
        sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: value });
        sim.clock.advance(1000);
      }
      await sim.settle();
      const opportunity = sim.dataverse.row('opportunities', id) as Row;
      const referral = sim.partnerCenter.referral(referralId) as { details: { dealValue: number } };
      const audit = display(opportunity[world.column('Audit')] ?? '');
      return [
        expectation('Partner Center holds the last value', referral.details.dealValue === 350000, referral.details.dealValue),
        expectation('the name is not marked ✘', !String(opportunity.name).startsWith('✘'), opportunity.name),
        expectation('Audit records no failure', !audit.includes('not updated'), audit),
      ];
    },
  },
  {
    name: 'seller-edit-survives-partner-edit',
    title:
      "A seller's change that could not reach Partner Center (down for a while) is not undone by a later Partner Center edit of another field, and reaches Partner Center with it",
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      // Down for every PATCH of two runs (7 attempts each): the change and the retry its ✘ mark triggers both fail.
      sim.partnerCenter.faults.add({ operation: 'PatchReferralById', status: 503, times: 14 });
      sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 480000 });
      await sim.settle();
      const failed = sim.dataverse.row('opportunities', id) as Row;
      sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Partner Center note' }]);
      await sim.settle();
      const opportunity = sim.dataverse.row('opportunities', id) as Row;
      const referral = sim.partnerCenter.referral(referralId) as { details: { dealValue: number; notes: string } };
      return [
        expectation(
          'the outbound change failed first (Audit, ✘)',
          display(failed[world.column('Audit')] ?? '').includes('Referral not updated'),
          failed[world.column('Audit')],
        ),
        expectation("Dynamics kept the seller's deal value", opportunity.estimatedvalue === 480000, opportunity.estimatedvalue),
        expectation("and took Partner Center's note", opportunity.description === 'Partner Center note', opportunity.description),
        expectation("Partner Center now has the seller's deal value", referral.details.dealValue === 480000, referral.details.dealValue),
        expectation('and kept its note', referral.details.notes === 'Partner Center note', referral.details.notes),
      ];
    },
  },
  {
    name: 'reconciliation-pages',
    title:
      '150 referrals whose webhooks were all lost: one reconciliation brings them in by keyset pages, and a pass with nothing changed reads no referral twice',
    async run(sim, world) {
      const count = 150;
      sim.partnerCenter.faults.dropDeliveries(count);
      const shared = Array.from({ length: count }, (_, index) =>
        sim.partnerCenter.shareReferralFromMicrosoft({ name: `Referral ${index + 1}` }),
      );
      await sim.settle();
      const pcCallsBefore = sim.partnerCenter.calls.length;
      sim.clock.advance(60 * 60 * 1000);
      await sim.runScheduled();
      const firstPass = sim.partnerCenter.calls.slice(pcCallsBefore).map((call) => call.operation);
      const missing = shared.filter((referral) => !opportunityByReferral(sim, world, String(referral.id)));
      const writesBefore = sim.dataverse.calls.filter((call) => call.method !== 'GET').length;
      const secondStart = sim.partnerCenter.calls.length;
      sim.clock.advance(60 * 60 * 1000);
      await sim.runScheduled();
      const secondPass = sim.partnerCenter.calls.slice(secondStart).map((call) => call.operation);
      const writesAfter = sim.dataverse.calls.filter((call) => call.method !== 'GET').length;
      return [
        expectation('every referral has its opportunity after one pass', missing.length === 0, missing.length),
        expectation(
          'the first pass read them in 2 list pages, no referral by id',
          firstPass.filter((operation) => operation === 'GetAllReferrals').length === 2 && !firstPass.includes('GetReferralById'),
          firstPass,
        ),
        expectation(
          'a pass with nothing changed makes only its list calls',
          secondPass.every((operation) => operation === 'GetAllReferrals') && secondPass.length === 2,
          secondPass,
        ),
        expectation('and writes nothing to Dynamics', writesAfter === writesBefore, writesAfter - writesBefore),
      ];
    },
  },
  {
    name: 'webhook-and-reconciliation-overlap',
    title: 'A new referral arrives as the hourly reconciliation runs → one account and one contact, not two',
    async run(sim) {
      const accountsBefore = sim.dataverse.rows('accounts').length;
      const contactsBefore = sim.dataverse.rows('contacts').length;
      sim.partnerCenter.shareReferralFromMicrosoft({
        name: 'Overlapping arrival',
        customerProfile: {
          name: 'Tailspin Toys',
          address: { addressLine1: '5 Main St', city: 'Austin', state: 'TX', postalCode: '73301', country: 'US' },
          team: [{ firstName: 'Ava', lastName: 'Lopez', email: 'ava@tailspin.example', phoneNumber: '+1 512 555 0100' }],
        },
      });
      await sim.runScheduled();
      await sim.settle();
      const accounts = sim.dataverse.rows('accounts').length - accountsBefore;
      const contacts = sim.dataverse.rows('contacts').length - contactsBefore;
      return [
        expectation('one account was created', accounts === 1, accounts),
        expectation('one contact was created', contacts === 1, contacts),
      ];
    },
  },
  {
    name: 'customer-without-postal-code',
    title: 'Two referrals for a customer without a postal code → one account, matched the second time',
    async run(sim) {
      const customerProfile = {
        name: 'Adventure Works Cycles',
        address: { addressLine1: '1 Harbour Rd', city: 'Singapore', state: '', postalCode: '', country: 'SG' },
        team: [],
      };
      sim.partnerCenter.shareReferralFromMicrosoft({ name: 'First deal', customerProfile });
      await sim.settle();
      sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Second deal', customerProfile });
      await sim.settle();
      const accounts = sim.dataverse.rows('accounts').filter((row) => row.name === 'Adventure Works Cycles');
      return [expectation('one account for the customer', accounts.length === 1, accounts.length)];
    },
  },
  {
    name: 'sync-switched-off-stays-private',
    title: 'A seller switches Sync off → later Partner Center edits neither turn it back on nor overwrite the private notes',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      sim.dataverse.userUpdate('opportunities', id, {
        [world.column('SyncWithPartnerCenter')]: false,
        description: 'Private: budget is 2M',
      });
      await sim.settle();
      sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Edited in Partner Center' }]);
      await sim.settle();
      const opportunity = sim.dataverse.row('opportunities', id) as Row;
      const referral = sim.partnerCenter.referral(referralId) as { details: { notes: string } };
      return [
        expectation(
          'Sync stays off',
          opportunity[world.column('SyncWithPartnerCenter')] === false,
          opportunity[world.column('SyncWithPartnerCenter')],
        ),
        expectation('the private notes stay', opportunity.description === 'Private: budget is 2M', opportunity.description),
        expectation('and never reached Partner Center', referral.details.notes === 'Edited in Partner Center', referral.details.notes),
      ];
    },
  },
  {
    name: 'checkmark-off',
    title: 'Checkmark = No: names are never marked',
    environment: { Checkmark: false },
    async run(sim, world) {
      const ok = await markForSync(sim, world, sellerOpportunity(sim, world, { name: 'Plain name' }));
      const failed = await markForSync(sim, world, sellerOpportunity(sim, world, { name: 'Plain failure', solution: false }));
      return [
        expectation('a synced name has no ✔', ok.name === 'Plain name', ok.name),
        expectation('a failed name has no ✘', failed.name === 'Plain failure', failed.name),
      ];
    },
  },
  {
    name: 'dropped-webhook-reconciled',
    title: 'A dropped webhook is healed by the hourly reconciliation',
    async run(sim, world) {
      sim.partnerCenter.faults.dropDeliveries(1);
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Lost in transit' });
      await sim.settle();
      const missing = opportunityByReferral(sim, world, String(shared.id)) === undefined;
      sim.clock.advance(60 * 60 * 1000);
      await sim.runScheduled();
      return [
        expectation('the dropped event left Dynamics without the opportunity', missing),
        expectation(
          'reconciliation brought it in',
          opportunityByReferral(sim, world, String(shared.id)) !== undefined,
          sim.dataverse.rows('opportunities').map((row) => row.name),
        ),
      ];
    },
  },
  {
    name: 'unanswered-referral-expires',
    title: 'An inbound referral left unanswered for 14 days expires in Partner Center, and Dynamics follows',
    async run(sim, world) {
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Nobody answered' });
      await sim.settle();
      await sim.partnerCenter.advance(15 * 24 * 60 * 60 * 1000);
      await sim.settle();
      const referral = sim.partnerCenter.referral(String(shared.id)) as Row;
      const opportunity = opportunityByReferral(sim, world, String(shared.id));
      return [
        expectation(
          'Partner Center closed it as Expired',
          referral.status === 'Closed' && referral.substatus === 'Expired',
          `${String(referral.status)}/${String(referral.substatus)}`,
        ),
        expectation(
          'the opportunity records the Expired sub-status',
          opportunity?.[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Expired'),
          opportunity?.[world.column('ReferralSubstatus')],
        ),
      ];
    },
  },
  {
    name: 'forged-webhooks',
    title: 'Malformed or forged webhook requests change nothing on either side',
    async run(sim) {
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Genuine referral' });
      await sim.settle();
      const before = snapshot(sim);
      const event = (resourceUri: string, name = 'referral-updated') =>
        JSON.stringify({
          EventName: name,
          ResourceUri: resourceUri,
          ResourceName: 'referral',
          AuditUri: null,
          ResourceChangeUtcDate: '2025-03-03T09:00:00Z',
        });
      const statuses = {
        invalidJson: await post(sim.webhookUrl, '{"EventName": "referral-updated", '),
        wrongUriShape: await post(sim.webhookUrl, event('https://evil.example/referrals/../../accounts')),
        notAReferralEvent: await post(
          sim.webhookUrl,
          event(`https://api.partnercenter.microsoft.com/engagements/v1/referrals/${String(shared.id)}`, 'invoice-ready'),
        ),
        unknownReferral: await post(
          sim.webhookUrl,
          event('https://api.partnercenter.microsoft.com/engagements/v1/referrals/00000000-0000-4000-8000-000000000000'),
          { Authorization: 'Signature Zm9yZ2Vk' },
        ),
        forgedPayloadForRealReferral: await post(
          sim.webhookUrl,
          JSON.stringify({
            ...JSON.parse(event(`https://api.partnercenter.microsoft.com/engagements/v1/referrals/${String(shared.id)}`)),
            name: 'Hacked',
            details: { dealValue: 1 },
          }),
        ),
        hugeBody: await post(
          sim.webhookUrl,
          JSON.stringify({ EventName: 'referral-updated', ResourceUri: 'x', padding: 'x'.repeat(2_000_000) }),
        ),
      };
      await sim.settle();
      return [
        expectation('invalid JSON is refused before any run (400)', statuses.invalidJson === 400, statuses),
        expectation('a ResourceUri of the wrong shape is refused (400)', statuses.wrongUriShape === 400, statuses),
        expectation('an event that is not a referral event is refused (400)', statuses.notAReferralEvent === 400, statuses),
        expectation('a huge body is refused (400)', statuses.hugeBody === 400, statuses),
        expectation(
          'an event for a referral Partner Center does not know fails its run and answers 500 (a real event would be delivered again)',
          statuses.unknownReferral === 500,
          statuses,
        ),
        expectation(
          'an event for a real referral is answered 200 once it is written',
          statuses.forgedPayloadForRealReferral === 200,
          statuses,
        ),
        expectation(
          'nothing changed on either side: the payload is never trusted, the referral is re-read',
          snapshot(sim) === before,
          'state differs',
        ),
      ];
    },
  },
  {
    name: 'webhook-registration-overwrite',
    title: 'Webhook registration: kept without Overwrite, replaced with it',
    async run(sim) {
      await sim.runManual('Partner Center Webhook Registration', { text: 'https://example.invalid/old', boolean: true });
      await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: false });
      const kept = sim.partnerCenter.webhookRegistration()?.WebhookUrl;
      await sim.runManual('Partner Center Webhook Registration', { text: sim.webhookUrl, boolean: true });
      const replaced = sim.partnerCenter.webhookRegistration();
      return [
        expectation('without Overwrite the existing registration is kept', kept === 'https://example.invalid/old', kept),
        expectation('with Overwrite it points at the flow', replaced?.WebhookUrl === sim.webhookUrl, replaced?.WebhookUrl),
        expectation('all four referral events are registered', replaced?.WebhookEvents.length === 4, replaced?.WebhookEvents),
      ];
    },
  },
  {
    name: 'duplicate-webhooks-at-once',
    title: 'Partner Center delivers a referral-created twice, both copies at once (at-least-once) → one opportunity',
    async run(sim, world) {
      sim.partnerCenter.faults.duplicateDeliveries(1);
      const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Delivered twice' });
      await sim.settle();
      const copies = sim.partnerCenter.deliveries.filter((delivery) => delivery.outcome === 'delivered');
      const opportunities = sim.dataverse.rows('opportunities').filter((row) => row[world.column('ReferralIdentifier')] === shared.id);
      return [
        expectation('both copies reached the flow', copies.length === 2 && copies.some((copy) => copy.duplicate), copies.length),
        expectation('one opportunity holds the referral', opportunities.length === 1, opportunities.length),
      ];
    },
  },
  {
    name: 'same-customer-webhooks-at-once',
    title: 'Two referrals for the same new customer are delivered at once → one account, two opportunities',
    async run(sim) {
      sim.partnerCenter.faults.deliveries({ timing: 'on-flush' });
      const customerProfile = {
        name: 'Adatum Corporation',
        address: { addressLine1: 'Karl Johans gate 1', city: 'Oslo', state: '', postalCode: '0154', country: 'NO' },
        team: [],
      };
      sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Adatum data platform', customerProfile });
      sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Adatum security', customerProfile });
      sim.partnerCenter.faults.deliveries({ timing: 'prompt' });
      await sim.settle();
      const accounts = sim.dataverse.rows('accounts').filter((row) => row.name === 'Adatum Corporation');
      const opportunities = sim.dataverse.rows('opportunities').map((row) => row.name);
      return [
        expectation('one account for the customer', accounts.length === 1, accounts.length),
        expectation('an opportunity per referral', opportunities.length === 2, opportunities),
      ];
    },
  },
  {
    name: 'partner-center-outage',
    title: 'Partner Center is down for a minute while a Dynamics change syncs → the retries carry it past the outage',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      const started = sim.clock.now().getTime();
      sim.partnerCenter.faults.outage({ durationMs: 60_000 });
      sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 310000 });
      await sim.settle();
      const referral = sim.partnerCenter.referral(referralId) as { details: { dealValue: number } };
      const refused = sim.partnerCenter.calls.filter((call) => call.fault?.outage).length;
      const elapsed = sim.clock.now().getTime() - started;
      return [
        expectation('calls during the outage were refused', refused > 0, refused),
        expectation('the change reached the referral after the outage', referral.details.dealValue === 310000 && elapsed >= 60_000, {
          dealValue: referral.details.dealValue,
          elapsed,
        }),
      ];
    },
  },
  {
    name: 'won-during-outage-reconciled',
    title:
      'Partner Center is down for two hours while a seller changes the deal value and closes it Won; no Partner Center event follows, and the next reconciliation sends both',
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      // Its answers ask for a retry in 30 s: the connector's retries run out long before it ends.
      sim.partnerCenter.faults.outage({ durationMs: 2 * 60 * 60 * 1000, retryAfterSeconds: 30 });
      sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 275000 });
      await sim.settle();
      sim.dataverse.userWin(id);
      await sim.settle();
      const during = sim.partnerCenter.referral(referralId) as { status: string; details: { dealValue: number } };
      const audit = display((sim.dataverse.row('opportunities', id) as Row)[world.column('Audit')] ?? '');
      const duringStatus = during.status;
      const duringValue = during.details.dealValue;
      sim.clock.advance(2 * 60 * 60 * 1000);
      await sim.runScheduled();
      await sim.settle();
      const after = sim.partnerCenter.referral(referralId) as { status: string; substatus: string; details: { dealValue: number } };
      const opportunity = sim.dataverse.row('opportunities', id) as Row;
      return [
        expectation('during the outage the referral stays open with the old value', duringStatus !== 'Closed' && duringValue !== 275000, {
          duringStatus,
          duringValue,
        }),
        expectation('the failure is in Audit', audit.includes('Referral not updated'), audit),
        expectation(
          'after the outage, the reconciliation sends the deal value and the close',
          after.status === 'Closed' && after.substatus === 'Won' && after.details.dealValue === 275000,
          `${after.status}/${after.substatus} ${after.details.dealValue}`,
        ),
        expectation(
          'the opportunity records the Won sub-status',
          opportunity[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Won'),
          opportunity[world.column('ReferralSubstatus')],
        ),
      ];
    },
  },
  {
    name: 'same-field-conflict',
    title:
      'A seller and a partner user change the same deal value within the same second, in either order: Dynamics 365 wins on both sides, whichever run comes first',
    async run(sim, world) {
      const outcomes: Array<{ order: string; dynamics: unknown; partnerCenter: number; audit: string }> = [];
      for (const order of ['seller first', 'partner first', 'seller first, Dynamics slow'] as const) {
        const { id, referralId } = await sharedOpportunity(sim, world);
        // The outbound run's read of the opportunity takes 2 s: the webhook run reads both sides first.
        if (order === 'seller first, Dynamics slow')
          sim.dataverse.faults.latency(2000, { method: 'GET', path: `opportunities(${id})`, times: 1 });
        const seller = () => sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 111000 });
        const partner = () =>
          sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/dealValue', value: 222000 }]);
        if (order !== 'partner first') {
          seller();
          partner();
        } else {
          partner();
          seller();
        }
        await sim.settle();
        const opportunity = sim.dataverse.row('opportunities', id) as Row;
        const referral = sim.partnerCenter.referral(referralId) as { details: { dealValue: number } };
        outcomes.push({
          order,
          dynamics: opportunity.estimatedvalue,
          partnerCenter: referral.details.dealValue,
          audit: display(opportunity[world.column('Audit')] ?? ''),
        });
      }
      return [
        ...outcomes.map((outcome) =>
          expectation(
            `${outcome.order}: both sides hold the seller's 111,000`,
            outcome.dynamics === 111000 && outcome.partnerCenter === 111000,
            outcome,
          ),
        ),
        expectation(
          "when the inbound run saw both values, Audit keeps Partner Center's 222,000",
          outcomes.some((outcome) => outcome.audit.includes('dealValue "222000.00"')),
          outcomes.map((outcome) => outcome.audit),
        ),
      ];
    },
  },
  {
    name: 'webhook-run-fails-redelivered',
    title:
      "A webhook run that cannot read the referral (Partner Center's API down for 3 minutes) answers 500, and Partner Center's redelivery a minute later brings the edit in, with no reconciliation",
    async run(sim, world) {
      const { id, referralId } = await sharedOpportunity(sim, world);
      const deliveriesBefore = sim.partnerCenter.deliveries.length;
      sim.partnerCenter.faults.outage({ durationMs: 3 * 60_000, operation: 'GetReferralById', retryAfterSeconds: 10 });
      sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Edited during the outage' }]);
      await sim.settle();
      const attempts = sim.partnerCenter.deliveries
        .slice(deliveriesBefore)
        .map((delivery) => `${delivery.attempt}:${String(delivery.status)}`);
      const opportunity = sim.dataverse.row('opportunities', id) as Row;
      return [
        expectation('the first delivery is answered 500 (its run failed)', attempts[0] === '1:500', attempts),
        expectation(
          'a later attempt of the same event is answered 200',
          attempts.some((attempt) => attempt.endsWith(':200') && !attempt.startsWith('1:')),
          attempts,
        ),
        expectation('Dynamics has the edit', opportunity.description === 'Edited during the outage', opportunity.description),
        expectation(
          'no reconciliation ran',
          !sim.runs().some((run) => run.flowName === 'Partner Center Reconciliation'),
          sim.runs().map((run) => run.flowName),
        ),
      ];
    },
  },
  // Issue 14: the seller accepts or declines an inbound referral from Dynamics 365 (flow "Send the Seller's Decision").
  ...decisionScenarios(),
  ...flowFaultScenarios(),
];

/** A referral Microsoft shares, brought in as an opportunity: its id and the opportunity's. */
async function inboundReferral(sim: Simulation, world: World, name: string): Promise<{ id: string; referralId: string }> {
  const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name });
  await sim.settle();
  const referralId = String(shared.id);
  return { id: String(opportunityByReferral(sim, world, referralId)?.opportunityid), referralId };
}

/** The seller's Decision (and reason), as the section's buttons write it. */
async function decide(sim: Simulation, world: World, id: string, decision: 'Accept' | 'Decline', reason?: string): Promise<Row> {
  sim.dataverse.userUpdate('opportunities', id, {
    [world.column('Decision')]: world.option('referraldecision', decision),
    ...(reason ? { [world.column('DeclineReason')]: world.option('declinereason', reason) } : {}),
  });
  await sim.settle();
  return sim.dataverse.row('opportunities', id) as Row;
}

const referralState = (sim: Simulation, referralId: string): string => {
  const referral = sim.partnerCenter.referral(referralId) as Row;
  return `${String(referral.status)}/${String(referral.substatus)}`;
};

function decisionScenarios(): Scenario[] {
  return [
    {
      name: 'seller-accepts-referral',
      title: "The seller accepts a referral Microsoft shared, from the opportunity: Partner Center's New/Pending → Active/Accepted",
      async run(sim, world) {
        const { id, referralId } = await inboundReferral(sim, world, 'Accepted from Dynamics');
        const before = sim.dataverse.row('opportunities', id) as Row;
        const opportunity = await decide(sim, world, id, 'Accept');
        return [
          expectation('the opportunity shows the deadline (Respond by)', Boolean(before[world.column('RespondBy')]), before),
          expectation(
            'Partner Center has it Active/Accepted',
            referralState(sim, referralId) === 'Active/Accepted',
            referralState(sim, referralId),
          ),
          expectation(
            'the opportunity records Accepted',
            opportunity[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Accepted'),
            opportunity[world.column('ReferralSubstatus')],
          ),
          expectation(
            'Audit says it was accepted',
            display(opportunity[world.column('Audit')] ?? '').includes('Referral accepted in Partner Center'),
            opportunity[world.column('Audit')],
          ),
        ];
      },
    },
    {
      name: 'seller-declines-referral-with-reason',
      title:
        'The seller declines a shared referral: without a reason it is refused (Audit, Decision cleared); with one, Partner Center has it Closed/Declined with the reason as statusReason',
      async run(sim, world) {
        const { id, referralId } = await inboundReferral(sim, world, 'Declined from Dynamics');
        const refused = await decide(sim, world, id, 'Decline');
        const stateAfterRefusal = referralState(sim, referralId);
        const opportunity = await decide(sim, world, id, 'Decline', 'CustomerChoseAnotherVendor');
        const referral = sim.partnerCenter.referral(referralId) as Row;
        return [
          expectation(
            'a decline without a reason is refused to Audit and Decision cleared',
            display(refused[world.column('Audit')] ?? '').includes('a decline needs a reason') && refused[world.column('Decision')] == null,
            refused,
          ),
          expectation('and Partner Center was not changed', stateAfterRefusal === 'New/Pending', stateAfterRefusal),
          expectation(
            'Partner Center has it Closed/Declined',
            referralState(sim, referralId) === 'Closed/Declined',
            referralState(sim, referralId),
          ),
          expectation('with the reason', referral.statusReason === 'Customer chose another vendor', referral.statusReason),
          expectation(
            'the opportunity records Declined and keeps the decision',
            opportunity[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Declined') &&
              opportunity[world.column('Decision')] === world.option('referraldecision', 'Decline'),
            opportunity,
          ),
        ];
      },
    },
    {
      name: 'decision-after-expiry',
      title:
        'A seller who accepts a referral after its 14 days is refused: no call changes Partner Center, Audit says why, Decision is cleared',
      async run(sim, world) {
        const { id, referralId } = await inboundReferral(sim, world, 'Answered too late');
        await sim.partnerCenter.advance(15 * 24 * 60 * 60 * 1000);
        await sim.settle();
        const opportunity = await decide(sim, world, id, 'Accept');
        return [
          expectation(
            'Partner Center still has it Closed/Expired',
            referralState(sim, referralId) === 'Closed/Expired',
            referralState(sim, referralId),
          ),
          expectation(
            'Audit says the decision was not sent, and why',
            display(opportunity[world.column('Audit')] ?? '').includes('Decision not sent: the referral is Closed/Expired'),
            opportunity[world.column('Audit')],
          ),
          expectation('Decision is cleared', opportunity[world.column('Decision')] == null, opportunity[world.column('Decision')]),
        ];
      },
    },
    {
      name: 'decision-races-partner-center-edit',
      title:
        'The seller accepts while a partner user edits the notes in Partner Center: both land. The seller accepts while a partner user declines there: the first answer stands on both sides, the other goes to Audit',
      async run(sim, world) {
        const edit = await inboundReferral(sim, world, 'Accepted during an edit');
        sim.dataverse.userUpdate('opportunities', edit.id, { [world.column('Decision')]: world.option('referraldecision', 'Accept') });
        sim.partnerCenter.editAsPartnerUser(edit.referralId, [{ op: 'replace', path: '/details/notes', value: 'Partner Center note' }]);
        await sim.settle();
        const edited = sim.dataverse.row('opportunities', edit.id) as Row;
        const notes = (sim.partnerCenter.referral(edit.referralId) as { details: { notes: string } }).details.notes;
        const clash = await inboundReferral(sim, world, 'Declined in Partner Center meanwhile');
        sim.dataverse.userUpdate('opportunities', clash.id, { [world.column('Decision')]: world.option('referraldecision', 'Accept') });
        sim.partnerCenter.editAsPartnerUser(clash.referralId, [
          { op: 'replace', path: '/status', value: 'Closed' },
          { op: 'replace', path: '/substatus', value: 'Declined' },
        ]);
        await sim.settle();
        const clashed = sim.dataverse.row('opportunities', clash.id) as Row;
        return [
          expectation(
            'the edited referral is Active/Accepted',
            referralState(sim, edit.referralId) === 'Active/Accepted',
            referralState(sim, edit.referralId),
          ),
          expectation('and keeps the partner note', notes === 'Partner Center note', notes),
          expectation('Dynamics has the note too', edited.description === 'Partner Center note', edited.description),
          expectation(
            'the referral declined in Partner Center stays Closed/Declined',
            referralState(sim, clash.referralId) === 'Closed/Declined',
            referralState(sim, clash.referralId),
          ),
          expectation(
            "the seller's accept is refused to Audit, and Decision shows Partner Center's answer (Decline)",
            display(clashed[world.column('Audit')] ?? '').includes('Decision not sent') &&
              clashed[world.column('Decision')] === world.option('referraldecision', 'Decline') &&
              clashed[world.column('ReferralSubstatus')] === world.option('referralsubstatus', 'Declined'),
            clashed,
          ),
        ];
      },
    },
    {
      name: 'seller-decides-on-lead',
      title:
        'Sync only co-sell = No: the seller declines a referral that became a lead, from the lead (Respond by written, Closed/Declined with the reason, Audit on the lead); a second decision on it is refused',
      environment: { SyncOnlyCoSell: false },
      async run(sim, world) {
        const shared = sim.partnerCenter.shareReferralFromMicrosoft({ name: 'Lead answered from Dynamics', type: 'Independent' });
        await sim.settle();
        const referralId = String(shared.id);
        const lead = sim.dataverse.rows('leads').find((row) => row[world.column('ReferralIdentifier')] === referralId);
        const leadId = String(lead?.leadid);
        sim.dataverse.userUpdate('leads', leadId, {
          [world.column('Decision')]: world.option('referraldecision', 'Decline'),
          [world.column('DeclineReason')]: world.option('declinereason', 'NotACustomer'),
        });
        await sim.settle();
        const declined = sim.dataverse.row('leads', leadId) as Row;
        sim.dataverse.userUpdate('leads', leadId, { [world.column('Decision')]: world.option('referraldecision', 'Accept') });
        await sim.settle();
        const again = sim.dataverse.row('leads', leadId) as Row;
        const referral = sim.partnerCenter.referral(referralId) as Row;
        return [
          expectation('the lead shows the deadline (Respond by)', Boolean(lead?.[world.column('RespondBy')]), lead),
          expectation(
            'Partner Center has it Closed/Declined with the reason',
            referralState(sim, referralId) === 'Closed/Declined' && referral.statusReason === 'Not a customer',
            referral,
          ),
          expectation(
            "the lead's Audit says so",
            display(declined[world.column('Audit')] ?? '').includes('Referral declined in Partner Center: Not a customer'),
            declined[world.column('Audit')],
          ),
          expectation(
            'a later Accept is refused and Decision shows Decline again',
            display(again[world.column('Audit')] ?? '').includes('Decision not sent: the referral is Closed/Declined') &&
              again[world.column('Decision')] === world.option('referraldecision', 'Decline'),
            again,
          ),
        ];
      },
    },
  ];
}

/** Issue 11: a flow turned off for a while, and a child flow failing (sim/runtime/README.md, "Turned off"). */
function flowFaultScenarios(): Scenario[] {
  const webhookFlow = Flow.PartnerCenterToDynamics.name;
  const attemptsSince = (sim: Simulation, before: number): string[] =>
    sim.partnerCenter.deliveries.slice(before).map((delivery) => `${delivery.attempt}:${String(delivery.status)}`);
  return [
    {
      name: 'webhook-flow-off-briefly-redelivered',
      title:
        "The webhook flow is off for 150 seconds while a partner edits: Partner Center's deliveries are answered 400 until it is on again, and the next redelivery brings the edit in",
      async run(sim, world) {
        const { id, referralId } = await sharedOpportunity(sim, world);
        const before = sim.partnerCenter.deliveries.length;
        sim.turnOff(webhookFlow, { forMs: 150_000 });
        sim.partnerCenter.editAsPartnerUser(referralId, [
          { op: 'replace', path: '/details/notes', value: 'Edited while the flow was off' },
        ]);
        await sim.settle();
        const attempts = attemptsSince(sim, before);
        const opportunity = sim.dataverse.row('opportunities', id) as Row;
        return [
          expectation('the deliveries while it is off are answered 400', attempts.slice(0, 3).join(' ') === '1:400 2:400 3:400', attempts),
          expectation('the attempt after it is on again is answered 200', attempts[3] === '4:200', attempts),
          expectation('the flow is on again', sim.isOn(webhookFlow)),
          expectation('Dynamics has the edit', opportunity.description === 'Edited while the flow was off', opportunity.description),
        ];
      },
    },
    {
      name: 'webhook-flow-off-reconciled',
      title:
        "The webhook flow is off for 20 minutes while a partner edits: Partner Center's 10 attempts are all refused (400), and the hourly reconciliation brings the edit in once the flow is on again",
      async run(sim, world) {
        const { id, referralId } = await sharedOpportunity(sim, world);
        const before = sim.partnerCenter.deliveries.length;
        sim.turnOff(webhookFlow, { forMs: 20 * 60_000 });
        sim.partnerCenter.editAsPartnerUser(referralId, [{ op: 'replace', path: '/details/notes', value: 'Edited during a long pause' }]);
        await sim.settle();
        const attempts = attemptsSince(sim, before);
        const missing = (sim.dataverse.row('opportunities', id) as Row).description !== 'Edited during a long pause';
        const offAfterRetries = !sim.isOn(webhookFlow);
        sim.clock.advance(60 * 60_000);
        await sim.runScheduled();
        const opportunity = sim.dataverse.row('opportunities', id) as Row;
        return [
          expectation('all 10 attempts are answered 400', attempts.length === 10 && attempts.every((a) => a.endsWith(':400')), attempts),
          expectation('the flow is still off when Partner Center gives up, and the edit is not in Dynamics', offAfterRetries && missing),
          expectation('the flow is on again after 20 minutes', sim.isOn(webhookFlow)),
          expectation(
            'the reconciliation brought the edit in',
            opportunity.description === 'Edited during a long pause',
            opportunity.description,
          ),
        ];
      },
    },
    {
      name: 'outbound-flow-off-reconciled',
      title:
        '"Dynamics 365 to Partner Center" is off while the seller changes the deal value: its trigger misses the change for good, and the hourly reconciliation\'s touch sends it once the flow is on again',
      async run(sim, world) {
        const { id, referralId } = await sharedOpportunity(sim, world);
        const outbound = Flow.DynamicsToPartnerCenter.name;
        sim.turnOff(outbound);
        sim.dataverse.userUpdate('opportunities', id, { estimatedvalue: 310000 });
        await sim.settle();
        const missed = sim.missedRowChanges.filter((change) => change.flowName === outbound).length;
        const unsent = (sim.partnerCenter.referral(referralId) as Row).details;
        sim.turnOn(outbound);
        sim.clock.advance(60 * 60_000);
        await sim.runScheduled();
        const details = (sim.partnerCenter.referral(referralId) as Row).details as Row;
        return [
          expectation('the change was missed by the flow that was off', missed === 1, sim.missedRowChanges),
          expectation('Partner Center did not get it meanwhile', (unsent as Row).dealValue !== 310000, unsent),
          expectation('the reconciliation got it to Partner Center', Number(details.dealValue) === 310000, details),
        ];
      },
    },
    {
      name: 'customize-child-fails-twice',
      title:
        "The [Customize] child flow fails twice (a maker's change gone wrong) while a partner edits: the webhook flow answers 500 twice, the failures are in run history, and the third delivery brings the edit in",
      async run(sim, world) {
        const { id, referralId } = await sharedOpportunity(sim, world);
        const before = sim.partnerCenter.deliveries.length;
        sim.failNextRuns(Flow.CreateOrGetDetails.name, 2);
        sim.partnerCenter.editAsPartnerUser(referralId, [
          { op: 'replace', path: '/details/notes', value: 'Edited while the child failed' },
        ]);
        await sim.settle();
        const attempts = attemptsSince(sim, before);
        const failedChildren = sim.runs().filter((run) => run.flowName === Flow.CreateOrGetDetails.name && run.status === 'Failed');
        const opportunity = sim.dataverse.row('opportunities', id) as Row;
        return [
          expectation('two deliveries are answered 500, the third 200', attempts.join(' ') === '1:500 2:500 3:200', attempts),
          expectation('run history shows the two failed child runs', failedChildren.length === 2, failedChildren.length),
          expectation('Dynamics has the edit', opportunity.description === 'Edited while the child failed', opportunity.description),
        ];
      },
    },
  ];
}

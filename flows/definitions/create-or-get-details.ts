import type { CloudFlow } from '../../solution/model.js';
import type { Container, FlowBuilder } from '../wdl/builder.js';
import { bindKey, dataverse } from '../connectors.js';
import { EntitySet, type FlowContext, newFlow } from '../context.js';
import {
  ACCOUNT_MAP,
  CLOSED_STATUS,
  CONTACT_MAP,
  fixedColumn,
  inbound,
  odataString,
  odataStringOrNull,
  OPPORTUNITY_STATE,
  valueAt,
  type FieldMap,
} from '../mapping.js';
import { opportunityFieldsFromReferral, withDynamicColumns, withinLength } from '../sync-expressions.js';
import { childResponse, compose, initializeVariable, manualTrigger, setVariable } from '../wdl/actions.js';
import { and, body, call, concat, empty, emptyArray, equals, Expr, or, outputs, triggerBody, variables } from '../wdl/expr.js';
import type { Value } from '../wdl/value.js';

/** Input keys of this child flow (designer-style), used by its callers. */
export const CreateOrGetDetailsInput = { ReferralJson: 'text', RecordType: 'text_1' } as const;
export const RecordType = { Opportunity: 'opportunity', Lead: 'lead' } as const;

/**
 * [Customize] Create or Get Details from Dynamics 365: the one flow users are meant to edit. Given a
 * referral, it finds or creates the customer account (company name + postal code) and contact (email),
 * then creates or updates the opportunity (upsert on the Referral Identifier key) or a lead.
 */
export function buildCreateOrGetDetailsFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow(
    'CreateOrGetDetails',
    'Creates or updates the account, contact and opportunity or lead for a Partner Center referral. Edit this flow to change how records are created.',
  );
  const dv = ctx.connection(flow, 'Dataverse');
  flow.trigger(
    'manual',
    manualTrigger([
      {
        key: CreateOrGetDetailsInput.ReferralJson,
        title: 'Referral (JSON)',
        type: 'string',
        description: 'The Partner Center referral as JSON',
        required: true,
      },
      { key: CreateOrGetDetailsInput.RecordType, title: 'Record type', type: 'string', description: 'opportunity or lead', required: true },
    ]),
  );
  const top = flow.actions;
  top.add('Initialize_account_id', initializeVariable('AccountId', 'string', ''));
  top.add('Initialize_contact_id', initializeVariable('ContactId', 'string', ''));
  top.add('Initialize_record_id', initializeVariable('RecordId', 'string', ''));
  top.add('Referral', compose(call('json', triggerBody().get(CreateOrGetDetailsInput.ReferralJson)), 'The referral this run writes'));
  const referral = outputs('Referral');
  const customer = referral.get('customerProfile');
  const details: DetailsFlow = {
    ctx,
    flow,
    dv,
    referral,
    customer,
    member: call('first', call('coalesce', customer.get('team'), emptyArray())),
  };
  top.scope('Create_or_get_customer_account', 'Matches the account by company name and postal code, or creates it', (scope) =>
    createOrGetAccount(details, scope),
  );
  top.scope('Create_or_get_customer_contact', 'Matches the customer contact by email, or creates it under the account', (scope) =>
    createOrGetContact(details, scope),
  );
  top.condition(
    'If_opportunity',
    'Co-sell referrals become opportunities; other referrals become leads',
    equals(triggerBody().get(CreateOrGetDetailsInput.RecordType), RecordType.Opportunity),
    (yes) => createOrUpdateOpportunity(details, yes),
    (no) => upsertLead(details, no),
  );
  top.add(
    'Respond_to_the_caller',
    childResponse(
      { recordid: variables('RecordId'), accountid: variables('AccountId'), contactid: variables('ContactId') },
      {
        recordid: { type: 'string', title: 'recordid' },
        accountid: { type: 'string', title: 'accountid' },
        contactid: { type: 'string', title: 'contactid' },
      },
    ),
  );
  return flow.toCloudFlow();
}

/** What every stage of the flow works with: the model, the flow, its connection and the referral's parts. */
interface DetailsFlow {
  readonly ctx: FlowContext;
  readonly flow: FlowBuilder;
  readonly dv: string;
  readonly referral: Expr;
  readonly customer: Expr;
  /** The first member of the customer's team (the contact). */
  readonly member: Expr;
}

function createOrGetAccount({ ctx, flow, dv, customer }: DetailsFlow, scope: Container): void {
  scope.add(
    'Find_account',
    dataverse.listRows(dv, {
      entitySet: EntitySet.account,
      select: ['accountid'],
      top: 1,
      filter: concat(
        'name eq ',
        odataString(customer.get('name')),
        ' and address1_postalcode eq ',
        odataStringOrNull(customer.get('address', 'postalCode')),
      ).at,
    }),
  );
  scope.condition(
    'If_account_exists',
    'Use the matched account, else create it',
    call('not', empty(body('Find_account').get('value'))),
    (yes) => {
      yes.add('Use_existing_account', setVariable('AccountId', call('first', body('Find_account').get('value')).get('accountid')));
    },
    (no) => {
      const fields = mappedFields(ctx, flow, ACCOUNT_MAP, customer);
      no.add('Account_fields', compose(fields.fixed));
      no.add(
        'Create_customer_account',
        dataverse.createRowObject(dv, EntitySet.account, withDynamicColumns(ctx, flow, outputs('Account_fields'), fields.dynamic)),
      );
      no.add('Use_new_account', setVariable('AccountId', call('coalesce', body('Create_customer_account').get('accountid'), '')));
    },
  );
}

function createOrGetContact({ ctx, dv, member }: DetailsFlow, scope: Container): void {
  scope.condition(
    'If_referral_has_contact',
    'Only when the referral names a customer contact with an email',
    call('not', empty(call('coalesce', member.get('email'), ''))),
    (yes) => {
      yes.add(
        'Find_contact',
        dataverse.listRows(dv, {
          entitySet: EntitySet.contact,
          select: ['contactid'],
          top: 1,
          filter: concat('emailaddress1 eq ', odataString(member.get('email'))).at,
        }),
      );
      yes.condition(
        'If_contact_exists',
        'Use the matched contact, else create it',
        call('not', empty(body('Find_contact').get('value'))),
        (found) => {
          found.add('Use_existing_contact', setVariable('ContactId', call('first', body('Find_contact').get('value')).get('contactid')));
        },
        (missing) => {
          const item: Record<string, Value> = {};
          for (const field of inbound(CONTACT_MAP)) item[column(ctx, field)] = valueAt(member, field.path);
          item[bindKey('parentcustomerid_account')] = concat('/accounts(', variables('AccountId'), ')');
          missing.add('Create_customer_contact', dataverse.createRow(dv, EntitySet.contact, item));
          missing.add('Use_new_contact', setVariable('ContactId', call('coalesce', body('Create_customer_contact').get('contactid'), '')));
        },
      );
    },
  );
}

/** Upserts the opportunity on the Referral Identifier key, linked to the account and (when there is one) the contact. */
function createOrUpdateOpportunity({ ctx, flow, dv, referral }: DetailsFlow, yes: Container): void {
  const fields = opportunityFieldsFromReferral(ctx, referral);
  // The key goes in the URL only ("Use Upsert to Create or Update a record": do not send the key's data in the body;
  // an update drops it, a create takes it from the URL).
  const keyColumn = ctx.column('ReferralIdentifier');
  const sent = Object.fromEntries(Object.entries(fields.fixed).filter(([name]) => name !== keyColumn));
  yes.add(
    'Opportunity_fields',
    compose({
      ...sent,
      [ctx.column('SyncWithPartnerCenter')]: true,
      [bindKey('parentaccountid')]: concat('/accounts(', variables('AccountId'), ')'),
    }),
  );
  yes.add(
    'Create_or_update_opportunity',
    dataverse.upsertRowObject(
      dv,
      EntitySet.opportunity,
      concat(keyColumn, '=', odataString(referral.get('id'))),
      call(
        'if',
        empty(variables('ContactId')),
        withDynamicColumns(ctx, flow, outputs('Opportunity_fields'), fields.dynamic),
        call(
          'setProperty',
          withDynamicColumns(ctx, flow, outputs('Opportunity_fields'), fields.dynamic),
          bindKey('parentcontactid'),
          concat('/contacts(', variables('ContactId'), ')'),
        ),
      ),
    ),
  );
  yes.add('Use_opportunity', setVariable('RecordId', body('Create_or_update_opportunity').get('opportunityid')));
  closeWhenClosedInPartnerCenter(dv, referral, body('Create_or_update_opportunity'), yes);
}

/** How a referral closed in Partner Center closes the opportunity: the message and its status reason (Won 3, Lost 4 Canceled). */
const CLOSE_OPPORTUNITY = {
  won: { action: 'WinOpportunity', status: 3 },
  lost: { action: 'LoseOpportunity', status: 4 },
} as const;

/**
 * A referral Partner Center reports Closed/Won or Closed/Lost closes the still-open opportunity through WinOpportunity /
 * LoseOpportunity: Dataverse refuses an update of statecode to Won or Lost (0x80100005).
 */
function closeWhenClosedInPartnerCenter(dv: string, referral: Expr, opportunity: Expr, yes: Container): void {
  const substatus = referral.get('substatus');
  const close = (outcome: keyof typeof CLOSE_OPPORTUNITY) =>
    dataverse.performUnboundAction(dv, CLOSE_OPPORTUNITY[outcome].action, {
      Status: CLOSE_OPPORTUNITY[outcome].status,
      OpportunityClose: {
        subject: concat('Closed in Partner Center: ', substatus),
        [bindKey('opportunityid')]: concat('/opportunities(', opportunity.get('opportunityid'), ')'),
      },
    });
  yes.condition(
    'If_closed_in_Partner_Center',
    'A referral closed as Won or Lost closes the opportunity, if it is still open',
    and(
      equals(referral.get('status'), CLOSED_STATUS.status),
      or(equals(substatus, CLOSED_STATUS.won), equals(substatus, CLOSED_STATUS.lost)),
      equals(opportunity.get('statecode'), OPPORTUNITY_STATE.Open),
    ),
    (closed) => {
      closed.condition(
        'If_won',
        'Won → WinOpportunity, Lost → LoseOpportunity',
        equals(substatus, CLOSED_STATUS.won),
        (won) => {
          won.add('Win_opportunity', close('won'));
        },
        (lost) => {
          lost.add('Lose_opportunity', close('lost'));
        },
      );
    },
  );
}

/**
 * MaxLength of the lead columns written (Learn, "Lead table/entity reference": subject 300, companyname 100,
 * firstname/lastname 50, emailaddress1 100, telephone1 50, description 2000).
 */
const LEAD_LENGTHS = {
  subject: 300,
  companyname: 100,
  firstname: 50,
  lastname: 50,
  emailaddress1: 100,
  telephone1: 50,
  description: 2000,
} as const;

/**
 * The lead of a referral, upserted on the lead's Referral Identifier key: one lead per referral (a second
 * person's request for the same topic and company is its own lead), brought up to date by every later event.
 */
function upsertLead({ ctx, dv, referral, customer, member }: DetailsFlow, no: Container): void {
  no.add(
    'Create_or_update_lead',
    dataverse.upsertRow(dv, EntitySet.lead, concat(ctx.column('ReferralIdentifier'), '=', odataString(referral.get('id'))), {
      subject: withinLength(referral.get('name'), LEAD_LENGTHS.subject),
      companyname: withinLength(customer.get('name'), LEAD_LENGTHS.companyname),
      firstname: withinLength(member.get('firstName'), LEAD_LENGTHS.firstname),
      lastname: withinLength(call('coalesce', member.get('lastName'), customer.get('name')), LEAD_LENGTHS.lastname),
      emailaddress1: withinLength(member.get('email'), LEAD_LENGTHS.emailaddress1),
      telephone1: withinLength(member.get('phoneNumber'), LEAD_LENGTHS.telephone1),
      description: withinLength(referral.get('details', 'notes'), LEAD_LENGTHS.description),
      estimatedvalue: referral.get('details', 'dealValue'),
      // The deadline the seller's Accept/Decline on the lead must meet (Partner Center's UTC string as is).
      [ctx.column('RespondBy')]: referral.get('expirationDateTime'),
    }),
  );
  no.add('Use_the_lead', setVariable('RecordId', call('coalesce', body('Create_or_update_lead').get('leadid'), '')));
}

function column(ctx: FlowContext, field: FieldMap): string {
  if ('environmentVariable' in field.target) throw new Error(`map field ${field.key} cannot use an environment variable column here`);
  return fixedColumn(field.target, ctx.prefix);
}

/** Account fields from the customer profile: fixed columns, and env-var-named ones added with setProperty. */
function mappedFields(ctx: FlowContext, flow: FlowBuilder, map: readonly FieldMap[], source: Expr) {
  const fixed: Record<string, Expr> = {};
  const dynamic: Array<{ field: FieldMap; value: Expr }> = [];
  for (const field of inbound(map)) {
    if ('environmentVariable' in field.target) dynamic.push({ field, value: valueAt(source, field.path) });
    else fixed[column(ctx, field)] = valueAt(source, field.path);
  }
  return { fixed, dynamic };
}

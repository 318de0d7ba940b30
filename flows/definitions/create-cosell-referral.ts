import type { CloudFlow } from '../../solution/model.js';
import { dataverse, partnerCenter } from '../connectors.js';
import { EntitySet, type FlowContext, newFlow } from '../context.js';
import {
  ACCOUNT_MAP,
  choiceOf,
  CONTACT_MAP,
  helpAttributes,
  mapChoiceToOption,
  outbound,
  REFERRAL_LINK_PREFIX,
  resolveColumn,
  type FieldMap,
} from '../mapping.js';
import {
  columnList,
  columnValue,
  CHECK_MARK,
  CROSS_MARK,
  opportunityFingerprint,
  outboundColumns,
  sharedFields,
  unmarkedName,
} from '../sync-expressions.js';
import { closedWriteWindow, openWriteWindow, WRITE_STARTED } from '../known-events.js';
import {
  appendToStringVariable,
  childResponse,
  compose,
  initializeVariable,
  manualTrigger,
  query,
  select,
  setVariable,
} from '../wdl/actions.js';
import { type Container, FAILED_OR_TIMED_OUT, type FlowBuilder } from '../wdl/builder.js';
import {
  type Arg,
  body,
  call,
  concat,
  empty,
  emptyArray,
  equals,
  Expr,
  item,
  not,
  outputs,
  result,
  triggerBody,
  utcNow,
  variables,
} from '../wdl/expr.js';
import type { Value } from '../wdl/value.js';
import { listActiveSolutions, solutionsSent, solutionTags } from './solutions-to-partner-center.js';

export const CreateCoSellReferralInput = { OpportunityId: 'text' } as const;

/**
 * Create Co-sell Referral – Dynamics 365 to Partner Center (child): reads the opportunity, its account,
 * contact and solutions, validates what Partner Center requires before calling it, creates the referral
 * (externalReferenceId = opportunity id) and writes the referral id, link, ETag and fingerprint back.
 * Any failure goes to Audit, and with Checkmark on the name gets ✘ instead of ✔.
 */
export function buildCreateCoSellReferralFlow(ctx: FlowContext): CloudFlow {
  const flow = newFlow(
    'CreateCoSellReferral',
    'Creates the Partner Center co-sell referral for an opportunity and records the result on it.',
  );
  const dv = ctx.connection(flow, 'Dataverse');
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  const checkmark = ctx.environmentVariable(flow, 'Checkmark');
  flow.trigger(
    'manual',
    manualTrigger([
      {
        key: CreateCoSellReferralInput.OpportunityId,
        title: 'Opportunity ID',
        type: 'string',
        description: 'The opportunity to share with Partner Center',
        required: true,
      },
    ]),
  );
  const referralFlow: ReferralFlow = { ctx, flow, dv, pc, opportunityId: triggerBody().get(CreateCoSellReferralInput.OpportunityId) };
  const top = flow.actions;
  top.add('Initialize_audit', initializeVariable('Audit', 'string', ''));
  top.add('Initialize_referral', initializeVariable('Referral', 'object', {}));
  top.add('Initialize_contacts', initializeVariable('Contacts', 'array', []));
  top.add('Initialize_account', initializeVariable('Account', 'object', {}));
  top.add('Initialize_needs_correction', initializeVariable('NeedsCorrection', 'boolean', false));
  top.add('Initialize_write_started', initializeVariable(WRITE_STARTED, 'string', ''));
  top.scope('Synchronizing_referrals', 'Read, validate and create the referral', (scope) => synchronizeReferral(referralFlow, scope));
  top.scope('Catch_errors', 'Records why the call failed', catchErrors, { after: { Synchronizing_referrals: FAILED_OR_TIMED_OUT } });
  recordOutcome(referralFlow, top, checkmark);
  top.add(
    'Respond_to_the_caller',
    childResponse(
      { referralid: call('coalesce', variables('Referral').get('id'), ''), error: variables('Audit') },
      { referralid: { type: 'string', title: 'referralid' }, error: { type: 'string', title: 'error' } },
    ),
  );
  return flow.toCloudFlow();
}

/**
 * The Audit line of a referral refused by our own checks (Partner Center's rules): only the seller can fix it, so
 * the reconciliation does not try again. Any other failure (Partner Center down, throttled) it retries.
 */
export const NOT_CREATED_NEEDS_CORRECTION = 'Referral not created, the opportunity needs a correction:';

/** What every stage of the flow works with: the model, the flow, its connections and the opportunity it is called for. */
interface ReferralFlow {
  readonly ctx: FlowContext;
  readonly flow: FlowBuilder;
  readonly dv: string;
  readonly pc: string;
  readonly opportunityId: Expr;
}

/** The rows the referral is built from, as the Synchronizing_referrals scope reads them. */
interface ReferralSources {
  readonly opportunity: Expr;
  readonly accountId: Expr;
  readonly account: Expr;
  readonly contacts: Expr;
  readonly country: Expr;
  readonly help: Expr;
  readonly currency: Expr;
}

function synchronizeReferral(referralFlow: ReferralFlow, scope: Container): void {
  const sources = readReferralSources(referralFlow, scope);
  scope.add(
    'Validation_errors',
    compose(
      call('createArray', ...validationRules(sources).map(([ok, message]) => call('if', ok, '', message))),
      'One message per rule Partner Center enforces',
    ),
  );
  scope.add('Failed_rules', query(outputs('Validation_errors'), not(empty(item()))));
  scope.condition(
    'If_valid',
    'Call Partner Center only with a referral it will accept',
    empty(body('Failed_rules')),
    (valid) => createReferral(referralFlow, valid, sources),
    (invalid) => {
      invalid.add('Record_validation_errors', setVariable('Audit', call('join', body('Failed_rules'), ' ')));
      invalid.add('Needs_correction', setVariable('NeedsCorrection', true));
    },
  );
}

/** Reads the opportunity, its account (when it has one), its solutions and its contact (when it has one). */
function readReferralSources({ ctx, flow, dv, opportunityId }: ReferralFlow, scope: Container): ReferralSources {
  const selectColumns = columnList([
    'name',
    'description',
    'estimatedclosedate',
    '_parentaccountid_value',
    '_parentcontactid_value',
    ctx.column('HowCanMicrosoftHelp'),
    ctx.column('ReferralVisibility'),
    ctx.column('Audit'),
    ctx.column('LastPartnerCenterWrite'),
    ...outboundColumns(ctx, flow).filter((c) => c instanceof Expr),
  ]);
  scope.add(
    'Get_opportunity',
    dataverse.getRow(dv, EntitySet.opportunity, opportunityId, selectColumns, 'transactioncurrencyid($select=isocurrencycode)'),
  );
  const opportunity = body('Get_opportunity');
  const countryColumn = ctx.environmentVariable(flow, 'CustomerCountryCodeField');
  const accountId = call('coalesce', opportunity.get('_parentaccountid_value'), '');
  scope.condition('If_opportunity_has_account', 'The customer account the referral describes', not(empty(accountId)), (yes) => {
    yes.add('Get_account', dataverse.getRow(dv, EntitySet.account, accountId));
    yes.add('Keep_account', setVariable('Account', body('Get_account')));
  });
  const account = variables('Account');
  scope.add('List_solutions', listActiveSolutions(ctx, dv, opportunityId));
  scope.condition(
    'If_opportunity_has_contact',
    'The customer contact Partner Center needs when Microsoft help is requested',
    not(empty(call('coalesce', opportunity.get('_parentcontactid_value'), ''))),
    (yes) => {
      yes.add(
        'Get_contact',
        dataverse.getRow(
          dv,
          EntitySet.contact,
          opportunity.get('_parentcontactid_value'),
          outbound(CONTACT_MAP).map((f) => column(ctx, flow, f) as string),
        ),
      );
      yes.add('Keep_contact', setVariable('Contacts', call('createArray', body('Get_contact'))));
    },
  );
  return {
    opportunity,
    accountId,
    account,
    contacts: variables('Contacts'),
    country: new Expr(`${account.text}?[${countryColumn.text}]`),
    help: call('coalesce', opportunity.get(ctx.column('HowCanMicrosoftHelp')), ''),
    currency: opportunity.get('transactioncurrencyid', 'isocurrencycode'),
  };
}

/** Each rule Partner Center enforces on a new referral, with the message the seller reads when it fails. */
function validationRules({ opportunity, accountId, contacts, country, help, currency }: ReferralSources): Array<[Arg, string]> {
  return [
    [not(empty(accountId)), 'The opportunity needs a customer account.'],
    [
      call(
        'and',
        equals(call('length', call('coalesce', country, '')), 2),
        equals(call('toUpper', call('coalesce', country, '')), call('coalesce', country, '')),
      ),
      'The customer account needs a two-letter ISO 3166 country code.',
    ],
    [
      call('greater', call('length', body('List_solutions').get('value')), 0),
      'Add at least one Partner Center solution to the opportunity.',
    ],
    [
      call('or', empty(help), call('greater', call('length', contacts), 0)),
      'A customer contact is required when Microsoft help is requested.',
    ],
    [not(empty(call('coalesce', currency, ''))), 'The opportunity needs a currency.'],
    [not(empty(call('coalesce', opportunity.get('estimatedclosedate'), ''))), 'The opportunity needs an estimated close date.'],
  ];
}

function createReferral(referralFlow: ReferralFlow, valid: Container, sources: ReferralSources): void {
  const { ctx, flow, pc, opportunityId } = referralFlow;
  valid.add(
    'Customer_team',
    select(
      sources.contacts,
      Object.fromEntries(outbound(CONTACT_MAP).map((field) => [field.path.join('.'), item().get(column(ctx, flow, field) as string)])),
    ),
  );
  valid.add('Solutions', solutionTags(ctx, body('List_solutions').get('value')));
  valid.add(
    'Help_requested',
    compose(helpAttributes(choiceOf(ctx.model, 'HowCanMicrosoftHelp'), sources.help), "Partner Center's codes for the selected options"),
  );
  const referralBody = newReferral(referralFlow, sources);
  // The create is never retried blindly (a time-out after Partner Center committed it would make a second
  // referral): when an earlier run called CreateReferral (its write window is on the opportunity), the referral
  // this opportunity may already have in Partner Center is looked up by its externalReferenceId first, so running
  // this flow again after such a time-out adopts it instead. A first create needs no lookup.
  valid.condition(
    'If_an_earlier_create_was_sent',
    'An earlier run called CreateReferral: it may have committed',
    not(empty(call('coalesce', sources.opportunity.get(ctx.column('LastPartnerCenterWrite')), ''))),
    (earlier) => {
      earlier.add(
        'Find_existing_referral',
        partnerCenter.listReferrals(pc, { filter: concat("externalReferenceId eq '", call('string', opportunityId), "'"), top: 1 }),
      );
      earlier.add(
        'Adopt_referral',
        setVariable(
          'Referral',
          call('coalesce', call('first', call('coalesce', body('Find_existing_referral').get('value'), emptyArray())), call('json', '{}')),
        ),
      );
    },
  );
  valid.condition(
    'If_there_is_no_referral_yet',
    'No referral made by an earlier run that timed out after Partner Center committed it',
    empty(call('coalesce', variables('Referral').get('id'), '')),
    (none) => {
      openWriteWindow(none, ctx, referralFlow.dv, opportunityId, 'Create');
      none.scope('Call_Partner_Center', "Its own scope, so a failure keeps Partner Center's error message", (call_) => {
        call_.add('Create_Microsoft_referral', partnerCenter.createReferral(pc, referralBody));
        call_.add('Keep_referral', setVariable('Referral', body('Create_Microsoft_referral')));
      });
    },
  );
}

/** The body of CreateReferral, from the sources and the Customer_team, Solutions and Help_requested selects. */
function newReferral(
  { ctx, flow, opportunityId }: ReferralFlow,
  { opportunity, account, help, currency }: ReferralSources,
): Record<string, Value> {
  return {
    name: unmarkedName(opportunity.get('name')),
    externalReferenceId: opportunityId,
    type: 'Shared',
    qualification: 'SalesQualified',
    customerProfile: {
      ...nested(ctx, flow, ACCOUNT_MAP, account),
      team: body('Customer_team'),
    },
    consent: {
      consentToShareReferralWithMicrosoftSellers: call(
        'or',
        call('not', empty(help)),
        call('coalesce', opportunity.get(ctx.column('ReferralVisibility')), false),
      ),
      consentToContact: true,
    },
    details: {
      notes: call('coalesce', opportunity.get('description'), ''),
      dealValue: call(
        'float',
        call(
          'coalesce',
          columnValue(
            ctx,
            flow,
            opportunity,
            sharedFields(ctx.model).find((f) => f.key === 'dealValue')!,
          ),
          0,
        ),
      ),
      currency,
      closingDateTime: call(
        'formatDateTime',
        call('coalesce', opportunity.get('estimatedclosedate'), call('utcNow')),
        'yyyy-MM-ddT00:00:00Z',
      ),
      requirements: { solutions: body('Solutions'), additionalRequirements: { attributes: outputs('Help_requested') } },
    },
    target: emptyArray(),
  };
}

function catchErrors(scope: Container): void {
  // result() lists first-level actions only: the failed call's own message is in Call_Partner_Center's results.
  scope.add('Failed_actions', query(result('Synchronizing_referrals'), equals(item().get('status'), 'Failed')));
  scope.add('Failed_calls', query(call('coalesce', result('Call_Partner_Center'), emptyArray()), equals(item().get('status'), 'Failed')));
  const failedCall = call('first', body('Failed_calls'));
  scope.add(
    'Record_failure',
    appendToStringVariable(
      'Audit',
      call(
        'string',
        call(
          'coalesce',
          failedCall.get('outputs', 'body', 'error', 'message'),
          failedCall.get('error', 'message'),
          call('first', body('Failed_actions')).get('error', 'message'),
        ),
      ),
    ),
  );
}

/** Writes the referral (or why there is none) on the opportunity, with ✔ or ✘ on its name when Checkmark is on. */
function recordOutcome({ ctx, flow, dv, opportunityId }: ReferralFlow, top: Container, checkmark: Expr): void {
  const succeeded = empty(variables('Audit'));
  const name = call('coalesce', body('Get_opportunity').get('name'), '');
  const window = closedWriteWindow(body('Get_opportunity').get(ctx.column('LastPartnerCenterWrite')));
  top.condition(
    'If_referral_created',
    'Write the outcome on the opportunity',
    succeeded,
    (ok) => {
      const referral = variables('Referral');
      ok.add(
        'Write_referral_to_opportunity',
        dataverse.updateRow(dv, EntitySet.opportunity, opportunityId, {
          name: call('if', checkmark, concat(CHECK_MARK, ' ', unmarkedName(name)), unmarkedName(name)),
          [ctx.column('ReferralIdentifier')]: referral.get('id'),
          [ctx.column('ReferralLink')]: concat(REFERRAL_LINK_PREFIX, referral.get('id')),
          [ctx.column('PartnerCenterETag')]: referral.get('eTag'),
          [ctx.column('ReferralStatus')]: mapChoiceToOption(choiceOf(ctx.model, 'ReferralStatus'), referral.get('status')),
          [ctx.column('ReferralSubstatus')]: mapChoiceToOption(choiceOf(ctx.model, 'ReferralSubstatus'), referral.get('substatus')),
          [ctx.column('LastSyncedHash')]: opportunityFingerprint(ctx, flow, body('Get_opportunity')),
          [ctx.column('LastSyncedOn')]: utcNow(),
          [ctx.column('LastPartnerCenterWrite')]: window,
          [ctx.column('PartnerCenterChangedOn')]: referral.get('updatedDateTime'),
          [ctx.column('SolutionsSent')]: solutionsSent(body('Solutions')),
          [ctx.column('Audit')]: concat(utcNow(), ' Referral created in Partner Center'),
        }),
      );
    },
    (failed) => {
      failed.add(
        'Write_failure_to_opportunity',
        dataverse.updateRow(dv, EntitySet.opportunity, opportunityId, {
          name: call('if', checkmark, concat(CROSS_MARK, ' ', unmarkedName(name)), unmarkedName(name)),
          [ctx.column('Audit')]: concat(
            utcNow(),
            call('if', variables('NeedsCorrection'), ` ${NOT_CREATED_NEEDS_CORRECTION} `, ' Referral not created: '),
            variables('Audit'),
          ),
          [ctx.column('LastPartnerCenterWrite')]: window,
        }),
      );
    },
    { after: { Synchronizing_referrals: ['Succeeded', 'Failed', 'TimedOut'], Catch_errors: ['Succeeded', 'Skipped'] } },
  );
}

function column(ctx: FlowContext, flow: FlowBuilder, field: FieldMap): string | Expr {
  return resolveColumn(field.target, ctx.prefix, (name) => ctx.environmentVariable(flow, name));
}

/** A referral sub-object (customer profile) from the outbound rows of a map, nesting by path. */
function nested(ctx: FlowContext, flow: FlowBuilder, map: readonly FieldMap[], row: Expr): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const field of outbound(map)) {
    let cursor = out;
    field.path.slice(0, -1).forEach((segment) => {
      cursor[segment] ??= {};
      cursor = cursor[segment] as Record<string, Value>;
    });
    cursor[field.path[field.path.length - 1]!] = columnValue(ctx, flow, row, field);
  }
  return out;
}

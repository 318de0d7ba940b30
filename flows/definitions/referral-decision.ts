import { DecisionOption } from '../../solution/cosell.js';
import type { CloudFlow, GlobalChoice } from '../../solution/model.js';
import { dataverse, partnerCenter, RowTriggerMessage, RowTriggerRunAs } from '../connectors.js';
import { EntitySet, type FlowContext, type FlowKey, newFlow } from '../context.js';
import { choiceOf, TERMINAL_SUBSTATUSES } from '../mapping.js';
import { optionValue, withAuditLine } from '../sync-expressions.js';
import { closedWriteWindow, openWriteWindow, WRITE_STARTED } from '../known-events.js';
import { compose, initializeVariable, setVariable, terminate } from '../wdl/actions.js';
import { FAILED_OR_TIMED_OUT, type Container } from '../wdl/builder.js';
import {
  and,
  type Arg,
  body,
  call,
  concat,
  empty,
  equals,
  Expr,
  not,
  or,
  outputs,
  triggerOutputs,
  utcNow,
  variables,
} from '../wdl/expr.js';

/**
 * The status/sub-status pairs of an answer to an inbound referral. Accept: New → Active/Accepted; decline: New →
 * Closed/Declined, with the reason as `statusReason` (a free string in the API: "Why was the referral lost?"). The
 * pairs and transitions are the documented table; sending the reason's English label as `statusReason`, and doing it
 * by PATCH, are our inferences (contracts/connectors/partnercenterref.json: PatchReferralById notes, `unsettled`).
 */
export const DECISION_TRANSITION = {
  from: 'New',
  accept: { status: 'Active', substatus: 'Accepted' },
  decline: { status: 'Closed', substatus: 'Declined' },
} as const;

/** Where the seller decides: the opportunity, or the lead a non-co-sell referral became (Sync only co-sell = No). */
interface DecisionTable {
  readonly flow: FlowKey;
  readonly entity: 'opportunity' | 'lead';
  readonly entitySet: string;
  /** The rows whose Decision is sent: synced ones with a referral (a lead always came from one). */
  readonly filter: (ctx: FlowContext) => string;
  /** The opportunity's own columns: Partner Center's new status and the write window (known-events.ts); a lead has neither. */
  readonly opportunityColumns: boolean;
}

const DECISION_TABLES: Readonly<Record<'opportunity' | 'lead', DecisionTable>> = {
  opportunity: {
    flow: 'ReferralDecision',
    entity: 'opportunity',
    entitySet: EntitySet.opportunity,
    filter: (ctx) => `${ctx.column('SyncWithPartnerCenter')} eq true and ${ctx.column('ReferralIdentifier')} ne null`,
    opportunityColumns: true,
  },
  lead: {
    flow: 'LeadReferralDecision',
    entity: 'lead',
    entitySet: EntitySet.lead,
    filter: (ctx) => `${ctx.column('ReferralIdentifier')} ne null`,
    opportunityColumns: false,
  },
};

interface DecisionFlow {
  readonly ctx: FlowContext;
  readonly table: DecisionTable;
  readonly dv: string;
  readonly pc: string;
  /** The opportunity or lead, as read at the start. */
  readonly opportunity: Expr;
  readonly referral: Expr;
  readonly decision: GlobalChoice;
  readonly reason: GlobalChoice;
}

/**
 * Send the seller's decision to Partner Center: when the Decision of a synced opportunity is set, re-read the
 * referral and answer it (accept, or decline with a reason) with one PatchReferralById, unless the referral is
 * terminal, expired or already answered. Every outcome goes to Audit; a refused or failed decision puts Decision
 * back to the answer Partner Center holds (none, Accept or Decline), so the section shows the truth again.
 */
export const buildReferralDecisionFlow = (ctx: FlowContext): CloudFlow => buildDecisionFlow(ctx, DECISION_TABLES.opportunity);

/** The same for a lead made from a referral (Sync only co-sell = No): Audit on the lead, no status columns there. */
export const buildLeadReferralDecisionFlow = (ctx: FlowContext): CloudFlow => buildDecisionFlow(ctx, DECISION_TABLES.lead);

function buildDecisionFlow(ctx: FlowContext, table: DecisionTable): CloudFlow {
  const flow = newFlow(
    table.flow,
    `Sends the seller's accept or decline of an inbound referral, set on the ${table.entity}, to Partner Center.`,
  );
  const dv = ctx.connection(flow, 'Dataverse');
  const pc = ctx.connection(flow, 'PartnerCenterReferrals');
  flow.trigger(
    'When_the_seller_decides',
    dataverse.rowTrigger(dv, {
      message: RowTriggerMessage.Modified,
      entity: table.entity,
      filteringAttributes: [ctx.column('Decision')],
      filterExpression: `${ctx.column('Decision')} ne null and ${table.filter(ctx)}`,
      runAs: RowTriggerRunAs.FlowOwner,
    }),
  );
  const decisionFlow: DecisionFlow = {
    ctx,
    table,
    dv,
    pc,
    opportunity: body('Get_record'),
    referral: body('Get_referral'),
    decision: choiceOf(ctx.model, 'ReferralDecision'),
    reason: choiceOf(ctx.model, 'DeclineReason'),
  };
  const top = flow.actions;
  top.add('Initialize_outcome', initializeVariable('Outcome', 'string', ''));
  top.add('Initialize_write_started', initializeVariable(WRITE_STARTED, 'string', ''));
  top.add('Get_record', dataverse.getRow(dv, table.entitySet, triggerOutputs().get(`body/${table.entity}id`)));
  readReferral(decisionFlow, top);
  stopWhenAlreadyHeld(decisionFlow, top);
  top.add('Refusal', compose(refusal(decisionFlow), 'Why this decision cannot be sent (empty when it can)'));
  top.condition(
    'If_the_decision_can_be_sent',
    'Only a New referral, not expired, answered once',
    and(equals(variables('Outcome'), ''), empty(outputs('Refusal'))),
    (send) => sendDecision(decisionFlow, send),
    (refused) => {
      refused.condition('If_refused_by_a_check', 'A failed read already set the outcome', equals(variables('Outcome'), ''), (check) => {
        check.add('Record_refusal', setVariable('Outcome', outputs('Refusal')));
      });
    },
  );
  recordOutcome(decisionFlow, top);
  return flow.toCloudFlow();
}

/** GetReferralById: the decision is checked against the referral as Partner Center holds it now. */
function readReferral({ ctx, pc, opportunity }: DecisionFlow, top: Container): void {
  top.add('Get_referral', partnerCenter.getReferral(pc, opportunity.get(ctx.column('ReferralIdentifier'))));
  top.add('Record_read_error', setVariable('Outcome', concat('Partner Center could not be read: ', errorOf('Get_referral'))), {
    after: { Get_referral: FAILED_OR_TIMED_OUT },
  });
}

const errorOf = (action: string): Expr =>
  call(
    'coalesce',
    outputs(action).get('body', 'error', 'message'),
    concat('Partner Center answered ', call('string', outputs(action).get('statusCode'))),
  );

/**
 * The Decision option the referral's answer stands for: Accept for Accepted, or for a referral closed after it was
 * accepted (it has an acceptedDateTime: RES); Decline for Declined; else none.
 */
function heldDecision({ referral, decision }: DecisionFlow): Expr {
  const substatus = referral.get('substatus');
  const accepted = or(
    equals(substatus, DECISION_TRANSITION.accept.substatus),
    and(equals(referral.get('status'), 'Closed'), not(empty(call('coalesce', referral.get('acceptedDateTime'), '')))),
  );
  return call(
    'if',
    accepted,
    optionValue(decision, DecisionOption.Accept),
    call('if', equals(substatus, DECISION_TRANSITION.decline.substatus), optionValue(decision, DecisionOption.Decline), null),
  );
}

/** A Decision equal to the answer Partner Center holds is this flow's own write back (or a repeat): nothing to send. */
function stopWhenAlreadyHeld(decisionFlow: DecisionFlow, top: Container): void {
  const { ctx, opportunity } = decisionFlow;
  top.condition(
    'If_Partner_Center_holds_this_answer',
    'The referral already has this answer: the write that set it back, or a decision made twice',
    and(equals(variables('Outcome'), ''), equals(opportunity.get(ctx.column('Decision')), heldDecision(decisionFlow))),
    (held) => {
      // Recorded as sent, so the reconciliation does not send it again (a Decision made while this flow was off, and
      // given in Partner Center meanwhile).
      if (decisionFlow.table.opportunityColumns)
        held.add(
          'Record_held_answer',
          dataverse.updateRow(decisionFlow.dv, decisionFlow.table.entitySet, opportunity.get('opportunityid'), {
            [ctx.column('DecisionSent')]: opportunity.get(ctx.column('Decision')),
          }),
        );
      held.add('Stop_already_held', terminate('Succeeded'));
    },
    undefined,
    { after: { Record_read_error: ['Succeeded', 'Skipped'] } },
  );
}

/** Why the decision cannot go: a terminal or answered referral, one past its deadline, or a decline without a reason. */
function refusal(decisionFlow: DecisionFlow): Expr {
  const { ctx, opportunity, referral } = decisionFlow;
  const state = concat(referral.get('status'), '/', referral.get('substatus'));
  const expiration = referral.get('expirationDateTime');
  // ticks() of an empty value fails the run and WDL evaluates every argument: no deadline compares as the far future.
  const deadline = call('ticks', call('coalesce', expiration, '9999-12-31T00:00:00Z'));
  const terminal = or(...TERMINAL_SUBSTATUSES.map((substatus) => equals(referral.get('substatus'), substatus)));
  const declining = equals(opportunity.get(ctx.column('Decision')), optionValue(decisionFlow.decision, DecisionOption.Decline));
  const cases: Array<[Expr, Arg]> = [
    [terminal, concat('the referral is ', state, ', a terminal state: Partner Center takes no answer')],
    [not(equals(referral.get('status'), DECISION_TRANSITION.from)), concat('the referral was already answered (', state, ')')],
    [
      call('less', deadline, call('ticks', utcNow())),
      concat('the referral expired on ', expiration, ' (Partner Center answers within 14 days)'),
    ],
    [
      and(declining, equals(opportunity.get(ctx.column('DeclineReason')), null)),
      'a decline needs a reason: choose one in Decline reason, then Decline again',
    ],
  ];
  return cases.reduceRight<Expr>((otherwise, [when, why]) => call('if', when, why, otherwise), new Expr("''"));
}

/** The reason's English label for `statusReason` (nested if over the options, empty when none is chosen). */
function reasonText({ ctx, opportunity, reason }: DecisionFlow): Expr {
  const value = opportunity.get(ctx.column('DeclineReason'));
  return reason.options.reduceRight<Expr>(
    (otherwise, option) => call('if', equals(value, option.value), option.label[1033], otherwise),
    new Expr("''"),
  );
}

/** The JSON Patch of the answer: status and sub-status, and for a decline its reason. */
function decisionOperations(decisionFlow: DecisionFlow): Expr {
  const { ctx, opportunity } = decisionFlow;
  const pair = (to: { status: string; substatus: string }) => [
    { op: 'replace', path: '/status', value: to.status },
    { op: 'replace', path: '/substatus', value: to.substatus },
  ];
  const reason = call(
    'setProperty',
    call('json', JSON.stringify({ op: 'replace', path: '/statusReason' })),
    'value',
    reasonText(decisionFlow),
  );
  return call(
    'if',
    equals(opportunity.get(ctx.column('Decision')), optionValue(decisionFlow.decision, DecisionOption.Accept)),
    call('json', JSON.stringify(pair(DECISION_TRANSITION.accept))),
    call('union', call('json', JSON.stringify(pair(DECISION_TRANSITION.decline))), call('createArray', reason)),
  );
}

function sendDecision(decisionFlow: DecisionFlow, send: Container): void {
  const { ctx, dv, pc, opportunity, table } = decisionFlow;
  send.add('Decision_operations', compose(decisionOperations(decisionFlow)));
  if (table.opportunityColumns) openWriteWindow(send, ctx, dv, opportunity.get(`${table.entity}id`), 'Patch');
  send.add(
    'Patch_referral',
    partnerCenter.patchReferral(pc, opportunity.get(ctx.column('ReferralIdentifier')), outputs('Decision_operations')),
  );
  send.add('Record_patch_error', setVariable('Outcome', concat('Partner Center refused it: ', errorOf('Patch_referral'))), {
    after: { Patch_referral: FAILED_OR_TIMED_OUT },
  });
}

/**
 * Success: the new status on the opportunity and an Audit line. Refusal: Audit, and Decision set back. Partner Center
 * unavailable: Audit, and the opportunity's Decision kept, which the reconciliation writes again (it fires this flow).
 */
function recordOutcome(decisionFlow: DecisionFlow, top: Container): void {
  const { ctx, dv, opportunity, table } = decisionFlow;
  const id = opportunity.get(`${table.entity}id`);
  const accepting = equals(opportunity.get(ctx.column('Decision')), optionValue(decisionFlow.decision, DecisionOption.Accept));
  top.condition(
    'If_answered',
    `Record the outcome on the ${table.entity}`,
    equals(variables('Outcome'), ''),
    (ok) => {
      ok.add(
        'Record_answer',
        dataverse.updateRow(dv, table.entitySet, id, {
          ...(table.opportunityColumns
            ? {
                ...answerStatus(decisionFlow, accepting),
                ...windowColumn(decisionFlow),
                [ctx.column('DecisionSent')]: opportunity.get(ctx.column('Decision')),
              }
            : {}),
          [ctx.column('Audit')]: withAuditLine(
            ctx,
            opportunity,
            call(
              'if',
              accepting,
              ' Referral accepted in Partner Center',
              concat(' Referral declined in Partner Center: ', reasonText(decisionFlow)),
            ),
          ),
        }),
      );
    },
    (refused) => {
      const reset = (container: Container): void => {
        container.add(
          'Record_refusal_and_reset',
          dataverse.updateRow(dv, table.entitySet, id, {
            [ctx.column('Decision')]: heldDecision(decisionFlow),
            [ctx.column('Audit')]: withAuditLine(ctx, opportunity, ' Decision not sent: ', variables('Outcome')),
            ...(table.opportunityColumns
              ? { ...windowColumn(decisionFlow), [ctx.column('DecisionSent')]: heldDecision(decisionFlow) }
              : {}),
          }),
        );
      };
      // A lead's Decision is not retried (nothing tells an unsent one from a sent one): the seller decides again.
      if (!table.opportunityColumns) return reset(refused);
      refused.condition(
        'If_Partner_Center_was_unavailable',
        'Down, throttling or timing out after the connector retries: keep the Decision for the reconciliation to send again',
        or(unavailable('Get_referral'), unavailable('Patch_referral')),
        (retry) => {
          retry.add(
            'Record_retry',
            dataverse.updateRow(dv, table.entitySet, id, {
              [ctx.column('Audit')]: withAuditLine(
                ctx,
                opportunity,
                ' Decision not sent yet: ',
                variables('Outcome'),
                '; the sync sends it again within the hour',
              ),
              ...windowColumn(decisionFlow),
            }),
          );
        },
        reset,
      );
    },
  );
}

/**
 * The call failed for want of Partner Center (no answer, 429, 5xx, after the connector's own retries), not because
 * Partner Center refused it: sending it again later can succeed. False for an action that did not run.
 */
const unavailable = (action: string): Expr => {
  const code = outputs(action).get('statusCode');
  const status = call('actions', action).get('status');
  return and(
    or(equals(status, 'Failed'), equals(status, 'TimedOut')),
    or(equals(code, null), equals(code, 429), call('greaterOrEquals', call('coalesce', code, 0), 500)),
  );
};

/** The opportunity's Referral Status / Sub-status after the answer (the inbound echo writes the same). */
function answerStatus({ ctx }: DecisionFlow, accepting: Expr): Record<string, Expr> {
  const status = choiceOf(ctx.model, 'ReferralStatus');
  const substatus = choiceOf(ctx.model, 'ReferralSubstatus');
  const pick = (choice: GlobalChoice, accepted: string, declined: string): Expr =>
    call('if', accepting, optionValue(choice, accepted), optionValue(choice, declined));
  return {
    [ctx.column('ReferralStatus')]: pick(status, DECISION_TRANSITION.accept.status, DECISION_TRANSITION.decline.status),
    [ctx.column('ReferralSubstatus')]: pick(substatus, DECISION_TRANSITION.accept.substatus, DECISION_TRANSITION.decline.substatus),
  };
}

/** The opportunity's write window closed with the outcome (kept as it was when no PATCH was sent). */
const windowColumn = ({ ctx, opportunity }: DecisionFlow): Record<string, Expr> => ({
  [ctx.column('LastPartnerCenterWrite')]: closedWriteWindow(opportunity.get(ctx.column('LastPartnerCenterWrite'))),
});

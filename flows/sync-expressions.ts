import type { GlobalChoice, SolutionModel } from '../solution/model.js';
import {
  choiceOf,
  CLOSED_STATUS,
  fixedColumn,
  helpAttributes,
  mapChoiceToOption,
  optionCodes,
  optionValuesOf,
  referralHelpCodes,
  mapValue,
  OPPORTUNITY_MAP,
  opportunityMap,
  OPPORTUNITY_STATE,
  outbound,
  REFERRAL_LINK_PREFIX,
  resolveColumn,
  unmapValue,
  valueAt,
  type FieldMap,
} from './mapping.js';
import type { FlowContext } from './context.js';
import type { FlowBuilder } from './wdl/builder.js';
import { call, concat, Expr, type Arg } from './wdl/expr.js';

/**
 * Expressions derived from the field mapping that several flows share: the fingerprint that detects
 * echoes of the sync's own writes, the opportunity fields written from a referral, the JSON Patch
 * operations sent to Partner Center.
 */

export const CHECK_MARK = '✔';
export const CROSS_MARK = '✘';

/**
 * The opportunity name without the ✔/✘ mark the sync puts in front of it: only a leading mark and its space
 * are ours; a ✔ or ✘ inside the text is the seller's and stays.
 */
export const unmarkedName = (name: Arg): Expr => {
  const text = call('coalesce', name, '');
  const marked = call('or', call('startsWith', text, `${CHECK_MARK} `), call('startsWith', text, `${CROSS_MARK} `));
  return call('if', marked, call('substring', text, 2), text);
};

/** Audit with a line on top (newest first): the time, then `parts`, then what the row's Audit held. */
export const withAuditLine = (ctx: FlowContext, row: Expr, ...parts: Arg[]): Expr =>
  concat(call('utcNow'), ...parts, '\n', call('coalesce', row.get(ctx.column('Audit')), ''));

/** Text cut to a column's maximum length (Dataverse refuses a longer value). */
export const withinLength = (text: Arg, maxLength: number | undefined): Expr => {
  const value = call('coalesce', text, '');
  return maxLength === undefined
    ? value
    : call('if', call('greater', call('length', value), maxLength), call('substring', value, 0, maxLength), value);
};

/** Which side a value was read from: the referral JSON or the Dataverse row. */
type Side = 'referral' | 'row';

/** A value normalised the same way on both sides, so equal data gives an equal fingerprint. */
function normalise(model: SolutionModel, field: FieldMap, value: Expr, side: Side): Expr {
  switch (field.type) {
    case 'number':
      // To the cent: the money column keeps 2 decimals, so more precise Partner Center values are equal once stored.
      return call('formatNumber', call('float', call('coalesce', value, 0)), 'F2', 'en-US');
    case 'date':
      return call('if', call('empty', value), '', call('formatDateTime', value, 'yyyy-MM-dd'));
    case 'text':
      // Cut to the column's length on both sides, so text longer than Dynamics can hold counts as synced.
      return withinLength(field.key === 'name' ? unmarkedName(value) : value, field.maxLength);
    case 'choice':
      // A partner's choice compares as the option value: the referral's enum value goes through its value map.
      return call('string', call('coalesce', field.valueMap && side === 'referral' ? mapValue(field.valueMap, value) : value, ''));
    case 'boolean':
      return call('string', call('equals', value, true));
    case 'choices': {
      // The same codes, sorted: Dataverse and Partner Center need not keep the same order.
      const choice = choiceOf(model, field.choice!);
      const codes = side === 'referral' ? referralHelpCodes(choice, value) : optionCodes(choice, value);
      return call('join', call('sort', call('split', codes, ',')), ',');
    }
  }
}

/**
 * The fields both sides own (direction `both` of the model's opportunity map), the partner's after the built-in ones.
 * Without a model, the built-in ones only: they have the same positions in every model, but a fingerprint must be
 * built from the model's list, or the partner's fields drop out of it.
 */
export const sharedFields = (model?: SolutionModel): FieldMap[] =>
  (model ? opportunityMap(model) : OPPORTUNITY_MAP).filter((field) => field.direction === 'both');

/**
 * The fingerprint of the shared fields: WDL has no hash function, so it is the base64 of the
 * normalised values as a JSON array; equality is all the sync needs.
 */
const fingerprint = (values: Expr[]): Expr => call('base64', call('string', call('createArray', ...values)));

export const referralFingerprint = (ctx: FlowContext, referral: Expr): Expr =>
  fingerprint(sharedFields(ctx.model).map((field) => normalise(ctx.model, field, valueAt(referral, field.path), 'referral')));

export function opportunityFingerprint(ctx: FlowContext, builder: FlowBuilder, opportunity: Expr): Expr {
  return fingerprint(
    sharedFields(ctx.model).map((field) => normalise(ctx.model, field, columnValue(ctx, builder, opportunity, field), 'row')),
  );
}

/** `row?['column']`, or `row?[parameters('…')]` when an environment variable names the column. */
export function columnValue(ctx: FlowContext, builder: FlowBuilder, row: Expr, field: FieldMap): Expr {
  const column = resolveColumn(field.target, ctx.prefix, (name) => ctx.environmentVariable(builder, name));
  return column instanceof Expr ? new Expr(`${row.text}?[${column.text}]`) : row.get(column);
}

/** The logical names the outbound map reads (for $select and trigger filtering attributes), env-var columns as expressions. */
export function outboundColumns(ctx: FlowContext, builder: FlowBuilder): Array<string | Expr> {
  return outbound(opportunityMap(ctx.model)).map((field) =>
    resolveColumn(field.target, ctx.prefix, (name) => ctx.environmentVariable(builder, name)),
  );
}

/** A comma list of columns, some named by env vars: a plain string when all are fixed, else a concat() expression. */
export function columnList(columns: ReadonlyArray<string | Expr>): string | Expr {
  if (columns.every((column) => typeof column === 'string')) return columns.join(',');
  const parts: Arg[] = [];
  columns.forEach((column, index) => {
    if (index > 0) parts.push(',');
    parts.push(column);
  });
  return concat(...parts);
}

/**
 * The opportunity fields written from a referral (inbound map), as a Compose input object; the
 * env-var-named deal value column is added afterwards with setProperty (a parameter key cannot be dynamic).
 */
export function opportunityFieldsFromReferral(
  ctx: FlowContext,
  referral: Expr,
): { fixed: Record<string, Expr>; dynamic: Array<{ field: FieldMap; value: Expr }> } {
  const fixed: Record<string, Expr> = {};
  const dynamic: Array<{ field: FieldMap; value: Expr }> = [];
  for (const field of opportunityMap(ctx.model).filter((candidate) => candidate.direction !== 'toPartnerCenter')) {
    let value = valueAt(referral, field.path);
    if (field.type === 'choice' && field.choice) value = mapChoiceToOption(choiceOf(ctx.model, field.choice), value);
    if (field.type === 'choice' && field.valueMap) value = mapValue(field.valueMap, value);
    if (field.type === 'choices' && field.choice) {
      const choice = choiceOf(ctx.model, field.choice);
      value = optionValuesOf(choice, referralHelpCodes(choice, value));
    }
    if (field.type === 'date') value = call('if', call('empty', value), null, call('formatDateTime', value, 'yyyy-MM-dd'));
    if (field.type === 'text' && field.maxLength !== undefined)
      value = call('if', call('empty', value), null, withinLength(value, field.maxLength));
    if ('environmentVariable' in field.target) dynamic.push({ field, value });
    else fixed[fixedColumn(field.target, ctx.prefix)] = value;
  }
  fixed[ctx.column('ReferralLink')] = concat(REFERRAL_LINK_PREFIX, referral.get('id'));
  fixed[ctx.column('LastSyncedHash')] = call('coalesce', referral.get(SYNC_BASE_PROPERTY), referralFingerprint(ctx, referral));
  fixed[ctx.column('LastSyncedOn')] = call('utcNow');
  return { fixed, dynamic };
}

/** setProperty() chain adding the env-var-named columns to an object expression. */
export function withDynamicColumns(
  ctx: FlowContext,
  builder: FlowBuilder,
  base: Expr,
  dynamic: Array<{ field: FieldMap; value: Expr }>,
): Expr {
  return dynamic.reduce<Expr>((object, { field, value }) => {
    const column = resolveColumn(field.target, ctx.prefix, (name) => ctx.environmentVariable(builder, name));
    return call('setProperty', object, column, value);
  }, base);
}

/**
 * The shared fields' values at the last sync, read back from an opportunity's fingerprint (a JSON array in
 * base64, so it starts with "W"); anything else (empty, edited by hand) reads as nothing synced yet.
 */
export function lastSyncedValues(ctx: FlowContext, row: Expr): Expr {
  const stored = call('coalesce', row.get(ctx.column('LastSyncedHash')), '');
  return call('if', call('startsWith', stored, 'W'), call('json', call('base64ToString', stored)), call('json', '[]'));
}

/** A shared field of a row, normalised as the fingerprint holds it. */
export const rowFieldNormalised = (ctx: FlowContext, builder: FlowBuilder, row: Expr, field: FieldMap): Expr =>
  normalise(ctx.model, field, columnValue(ctx, builder, row, field), 'row');

/** A shared field of a referral, normalised as the fingerprint holds it. */
export const referralFieldNormalised = (ctx: FlowContext, referral: Expr, field: FieldMap): Expr =>
  normalise(ctx.model, field, valueAt(referral, field.path), 'referral');

/** A shared field of a row in the shape Partner Center takes it (a JSON Patch value, or a merged referral's). */
export function referralValueOf(ctx: FlowContext, builder: FlowBuilder, row: Expr, field: FieldMap): Expr {
  const raw = columnValue(ctx, builder, row, field);
  switch (field.type) {
    case 'date':
      return call('if', call('empty', raw), null, call('formatDateTime', raw, 'yyyy-MM-ddT00:00:00Z'));
    case 'number':
      return call('float', call('coalesce', raw, 0));
    case 'choices':
      return helpAttributes(choiceOf(ctx.model, field.choice!), raw);
    case 'choice':
      return field.valueMap ? unmapValue(field.valueMap, raw) : raw;
    case 'boolean':
      return call('equals', raw, true);
    default:
      return field.key === 'name' ? unmarkedName(raw) : call('coalesce', raw, '');
  }
}

/**
 * JSON Patch `replace` operations for the outbound shared fields, each flagged `changed` when its value
 * differs from the last synced one (read back from the fingerprint): sending only changed fields lets
 * a concurrent Partner Center edit of another field survive.
 */
export function patchOperations(ctx: FlowContext, builder: FlowBuilder, opportunity: Expr): Array<Record<string, Expr | string>> {
  const lastSynced = lastSyncedValues(ctx, opportunity);
  const operation = (field: FieldMap, changed: Expr | boolean): Record<string, Expr | string> => ({
    op: 'replace',
    path: `/${field.path.join('/')}`,
    value: referralValueOf(ctx, builder, opportunity, field),
    changed: changed as Expr,
  });
  // A field sent only to Partner Center has no last synced value (it is not in the fingerprint): it goes with every PATCH.
  const sentOnly = opportunityMap(ctx.model).filter((field) => field.direction === 'toPartnerCenter');
  return [
    ...sharedFields(ctx.model).map((field, index) =>
      operation(field, call('not', call('equals', rowFieldNormalised(ctx, builder, opportunity, field), lastSynced.get(index)))),
    ),
    ...sentOnly.map((field) => operation(field, true)),
  ];
}

/**
 * The referral property that carries the fingerprint of the referral as Partner Center holds it, when the inbound
 * path hands [Customize] a referral merged with the seller's unsent changes: the fingerprint written must be
 * Partner Center's, so the outbound flow still sees those changes as unsent.
 */
export const SYNC_BASE_PROPERTY = 'cosellSyncBase';

/** The option value of a choice key (e.g. the sub-status `Won`), for comparisons in expressions. */
export const optionValue = (choice: GlobalChoice, key: string): number => {
  const option = choice.options.find((candidate) => candidate.key === key);
  if (!option) throw new Error(`choice ${choice.schemaName} has no option ${key}`);
  return option.value;
};

/**
 * Whether Partner Center already has everything of this opportunity: its shared fields as last synced (same
 * fingerprint) and, when it is won or lost, the close sent (the referral's sub-status Won or Lost). The outbound
 * flow stops on such a row (an echo of the sync's own write); the reconciliation re-sends any other. `fingerprint`
 * is the row's `opportunityFingerprint`, computed once by an action of its own (the expression is long).
 */
export function sentToPartnerCenter(ctx: FlowContext, opportunity: Expr, fingerprint: Expr): Expr {
  const substatus = choiceOf(ctx.model, 'ReferralSubstatus');
  const closedInPartnerCenter = call(
    'or',
    ...[CLOSED_STATUS.won, CLOSED_STATUS.lost].map((key) =>
      call('equals', opportunity.get(ctx.column('ReferralSubstatus')), optionValue(substatus, key)),
    ),
  );
  return call(
    'and',
    call('equals', fingerprint, opportunity.get(ctx.column('LastSyncedHash'))),
    call('or', call('equals', opportunity.get('statecode'), OPPORTUNITY_STATE.Open), closedInPartnerCenter),
  );
}

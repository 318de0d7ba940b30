import { dataverse } from './connectors.js';
import { EntitySet, type FlowContext } from './context.js';
import { setVariable } from './wdl/actions.js';
import type { Container } from './wdl/builder.js';
import { and, call, concat, empty, type Arg, type Expr, or, utcNow, variables } from './wdl/expr.js';

/**
 * Which Partner Center events the sync already knows, so the webhook flow does not read their referral again.
 *
 * The write window: every write of the sync to a referral (create, PATCH) is bracketed on its opportunity by an
 * ISO 8601 interval `start/end` in the LastPartnerCenterWrite column, `start/` while the call is on its way.
 * Partner Center answers each write with a webhook (its echo); an event whose ResourceChangeUtcDate falls inside
 * the window is the sync's own write, already in Dynamics, so the webhook flow does not read the referral again.
 *
 * That Partner Center stamps the event with the time of the change it reports is an assumption (its webhook page
 * only says "UTC timestamp"); when it does not hold, or the two clocks disagree, events fall outside the window and
 * are read as before, so the window only ever saves calls. A partner user's edit made while our write was on its
 * way is skipped with the echo; the hourly reconciliation lists it (its updatedDateTime is past the watermark) and
 * its fingerprint differs from the one the write recorded, so it reaches Dynamics within the hour.
 *
 * The change read: the inbound sync records the referral's updatedDateTime (PartnerCenterChangedOn, a mapped field);
 * an event dated up to it reports a change that read already saw (a duplicate delivery, an older event out of order).
 */

/** How long an open window (`start/`, the call still on its way, or a run that died) counts from its start. */
export const OPEN_WRITE_WINDOW_MINUTES = 10;

/** The variable a flow keeps its write's start in (initialised empty at the top: no write yet). */
export const WRITE_STARTED = 'WriteStarted';

/**
 * Opens the window before a call to Partner Center: keeps the start in WRITE_STARTED and records it on the
 * opportunity, so an echo that overtakes the run's own bookkeeping is still known. `prefix` keeps action names unique.
 */
export function openWriteWindow(container: Container, ctx: FlowContext, dv: string, opportunityId: Expr, prefix: string): void {
  container.add(`${prefix}_started`, setVariable(WRITE_STARTED, utcNow()));
  container.add(
    `Open_${prefix}_window`,
    dataverse.updateRow(dv, EntitySet.opportunity, opportunityId, {
      [ctx.column('LastPartnerCenterWrite')]: concat(variables(WRITE_STARTED), '/'),
    }),
  );
}

/** The window to record with the outcome: closed now when this run wrote, else `previous` (the column as read). */
export const closedWriteWindow = (previous: Arg): Expr =>
  call('if', empty(variables(WRITE_STARTED)), call('coalesce', previous, ''), concat(variables(WRITE_STARTED), '/', utcNow()));

/** A time no event has: the stand-in for a column the sync has not written yet, so only the event's date can fail to parse. */
const NEVER = '0001-01-01T00:00:00Z';

/**
 * True when the event (its ResourceChangeUtcDate) is known: inside the opportunity's write window (the sync's own
 * write), or not after the referral's updatedDateTime as last read (a duplicate, or an older event overtaken by a
 * later read, which saw its change). Parses the event date: one that is missing or not a date (webhook payloads are
 * untrusted) makes the expression fail, and the caller's next action runs on Failed too and treats the event as news.
 */
export function knownEvent(eventDate: Arg, row: { window: Expr; changedOn: Expr }): Expr {
  const window = call('coalesce', row.window, '');
  const parts = call('split', call('if', empty(window), `${NEVER}/${NEVER}`, window), '/');
  const start = call('first', parts);
  const end = call('if', empty(call('last', parts)), call('addMinutes', start, OPEN_WRITE_WINDOW_MINUTES), call('last', parts));
  const at = call('ticks', eventDate);
  const changedOn = call('coalesce', row.changedOn, '');
  return or(
    and(call('greaterOrEquals', at, call('ticks', start)), call('lessOrEquals', at, call('ticks', end))),
    call('lessOrEquals', at, call('ticks', call('if', empty(changedOn), NEVER, changedOn))),
  );
}

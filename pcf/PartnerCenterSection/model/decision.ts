import type { FormState } from './form';
import { choiceKey } from './status';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the section offers for the seller's answer to an inbound referral. */
export type DecisionView =
  /** Nothing to answer: no referral, or one not waiting for us (ours, already answered, closed). */
  | { readonly kind: 'none' }
  /** The seller's answer is set and on its way (the referral is still New in Dynamics). */
  | { readonly kind: 'sent'; readonly decision: string }
  /** The referral waits for an answer; `daysLeft` is null without a known deadline. */
  | {
      readonly kind: 'open';
      readonly respondBy: Date | null;
      readonly daysLeft: number | null;
      /** The deadline passed: Partner Center closes it as Expired and takes no answer. */
      readonly expired: boolean;
      readonly accept: number;
      readonly decline: number;
    };

type DecisionInput = Pick<FormState, 'referralId' | 'status' | 'respondBy' | 'decision' | 'decisionOptions'>;

/**
 * An inbound referral waits for the seller while it is New (Pending or Received) in Partner Center; accepting moves it
 * to Active/Accepted, declining to Closed/Declined, and after its 14 days Partner Center closes it as Expired.
 * `now` is injected so the days left are testable.
 */
export function decisionView(form: DecisionInput, now: Date): DecisionView {
  if (!form.referralId || choiceKey('ReferralStatus', form.status) !== 'New') return { kind: 'none' };
  const option = (key: string): number | undefined =>
    form.decisionOptions.find((candidate) => choiceKey('ReferralDecision', candidate.value) === key)?.value;
  const accept = option('Accept');
  const decline = option('Decline');
  if (accept === undefined || decline === undefined) return { kind: 'none' };
  if (form.decision !== null) {
    const chosen = form.decisionOptions.find((candidate) => candidate.value === form.decision);
    return { kind: 'sent', decision: chosen?.label ?? String(form.decision) };
  }
  const left = form.respondBy ? form.respondBy.getTime() - now.getTime() : null;
  return {
    kind: 'open',
    respondBy: form.respondBy,
    daysLeft: left === null ? null : Math.max(0, Math.ceil(left / DAY_MS)),
    expired: left !== null && left <= 0,
    accept,
    decline,
  };
}

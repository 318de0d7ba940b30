import type { StringKey } from '../names';

/** A value loaded from Dataverse: the rules only decide on what is known. */
export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error' }
  /** Nothing to load: e.g. a new, unsaved opportunity has no solutions yet. */
  | { readonly state: 'none' }
  | { readonly state: 'ready'; readonly value: T };

export interface SolutionRow {
  readonly id: string;
  readonly name: string;
  readonly identifier: string;
}

export type BlockerKey = Extract<StringKey, `Blocker_${string}`>;
export type UncheckedKey = Extract<StringKey, `Unchecked_${string}`>;

export interface CoSellFacts {
  readonly accountId: string | null;
  /** The customer account's country code column (`Loaded` of its value). */
  readonly countryCode: Loaded<string | null>;
  readonly solutions: Loaded<readonly SolutionRow[]>;
  readonly contactId: string | null;
  readonly help: readonly number[];
}

export interface CoSellCheck {
  /** What Partner Center will reject, in the order the create flow checks it. */
  readonly blockers: readonly BlockerKey[];
  /** What could not be checked (still loading, or the query failed). */
  readonly unchecked: readonly UncheckedKey[];
}

/** An ISO 3166-1 alpha-2 code, as Partner Center wants it: two upper-case letters. */
export const isCountryCode = (value: string | null | undefined): boolean => typeof value === 'string' && /^[A-Z]{2}$/.test(value);

/**
 * What blocks co-sell, mirroring the create flow's validation: a customer account with a two-letter
 * country code, at least one Partner Center solution, and a customer contact when Microsoft help is
 * requested. Unknown facts are never blockers: they are listed as unchecked.
 */
export function coSellCheck(facts: CoSellFacts): CoSellCheck {
  const blockers: BlockerKey[] = [];
  const unchecked: UncheckedKey[] = [];
  if (!facts.accountId) {
    blockers.push('Blocker_Account');
  } else if (facts.countryCode.state === 'ready') {
    if (!isCountryCode(facts.countryCode.value)) blockers.push('Blocker_CountryCode');
  } else if (facts.countryCode.state !== 'none') {
    unchecked.push('Unchecked_CountryCode');
  }
  if (facts.solutions.state === 'ready' || facts.solutions.state === 'none') {
    if (facts.solutions.state === 'none' || facts.solutions.value.length === 0) blockers.push('Blocker_Solution');
  } else {
    unchecked.push('Unchecked_Solutions');
  }
  if (facts.help.length > 0 && !facts.contactId) blockers.push('Blocker_Contact');
  return { blockers, unchecked };
}

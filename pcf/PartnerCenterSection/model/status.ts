import { Choice, type Language } from '../names';
import type { Translate } from './strings';

/** A choice option as the form gives it (`attributes.Options`): value and label in the user's language. */
export interface OptionInfo {
  readonly value: number;
  readonly label: string;
}

export type ChoiceName = keyof typeof Choice;

/** Fluent v9 Badge colours used for the referral state. */
export type BadgeColor = 'brand' | 'danger' | 'informative' | 'severe' | 'subtle' | 'success' | 'warning';

export interface StatusView {
  readonly label: string;
  readonly color: BadgeColor;
  /** False for a value the model does not know (shown neutral, with the raw value). */
  readonly known: boolean;
}

/** Choice values are option-value prefix × 10000 + offset: the offset names the option whatever the prefix. */
export function choiceKey(choice: ChoiceName, value: number | null | undefined): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return undefined;
  return Choice[choice].find((option) => option.offset === value % 10000)?.key;
}

/**
 * The options of a choice column: the form's (already in the user's language) when it gives them,
 * else the model's own labels for the user's language.
 */
export function optionsOf(
  choice: ChoiceName,
  formOptions: ReadonlyArray<{ Value: number; Label: string }> | undefined,
  language: Language,
  optionValuePrefix: number | undefined,
): OptionInfo[] {
  if (formOptions && formOptions.length > 0) {
    return formOptions
      .filter((option) => typeof option.Value === 'number')
      .map((option) => ({ value: option.Value, label: String(option.Label ?? option.Value) }));
  }
  if (optionValuePrefix === undefined) return [];
  return Choice[choice].map((option) => ({ value: optionValuePrefix * 10000 + option.offset, label: option.label[language] }));
}

const STATUS_COLOR: Readonly<Record<string, BadgeColor>> = { New: 'brand', Active: 'brand', Closed: 'subtle' };
const SUBSTATUS_COLOR: Readonly<Record<string, BadgeColor>> = {
  Pending: 'warning',
  Received: 'informative',
  Accepted: 'success',
  Won: 'success',
  Lost: 'danger',
  Declined: 'danger',
  Expired: 'severe',
};

function badge(
  choice: ChoiceName,
  value: number,
  options: readonly OptionInfo[],
  colors: Readonly<Record<string, BadgeColor>>,
  language: Language,
  t: Translate,
): StatusView {
  const key = choiceKey(choice, value);
  const option = options.find((candidate) => candidate.value === value);
  // A value is known when the model knows its offset and, if the form listed options, it is one of them.
  if (!key || (options.length > 0 && !option)) return { label: t('Status_Unknown', value), color: 'subtle', known: false };
  const fallback = Choice[choice].find((candidate) => candidate.key === key)!.label[language];
  return { label: option?.label || fallback, color: colors[key] ?? 'informative', known: true };
}

export interface StatusInput {
  readonly sync: boolean;
  readonly referralId: string | null;
  readonly status: number | null;
  readonly substatus: number | null;
  readonly statusOptions: readonly OptionInfo[];
  readonly substatusOptions: readonly OptionInfo[];
  readonly language: Language;
}

/**
 * The badges for the referral's state: status then sub-status. Without a referral: "not synced" (sync
 * off) or "not shared yet" (sync on). A value nobody knows shows as a neutral "unknown status (value)".
 */
export function statusBadges(input: StatusInput, t: Translate): StatusView[] {
  const badges: StatusView[] = [];
  if (input.status !== null) badges.push(badge('ReferralStatus', input.status, input.statusOptions, STATUS_COLOR, input.language, t));
  if (input.substatus !== null)
    badges.push(badge('ReferralSubstatus', input.substatus, input.substatusOptions, SUBSTATUS_COLOR, input.language, t));
  if (badges.length > 0) return badges;
  if (input.referralId) return [{ label: t('Status_Unknown', '—'), color: 'subtle', known: false }];
  return input.sync
    ? [{ label: t('Status_NotShared'), color: 'informative', known: true }]
    : [{ label: t('Status_NotSynced'), color: 'subtle', known: true }];
}

import { choiceKey, optionsOf, statusBadges, type StatusInput } from '../PartnerCenterSection/model/status';
import { t1028, t1033 } from './support';

const P = 10437 * 10000;
const statusOptions = optionsOf('ReferralStatus', undefined, 1033, 10437);
const substatusOptions = optionsOf('ReferralSubstatus', undefined, 1033, 10437);
const input = (extra: Partial<StatusInput>): StatusInput => ({
  sync: true,
  referralId: 'REF-1',
  status: null,
  substatus: null,
  statusOptions,
  substatusOptions,
  language: 1033,
  ...extra,
});

describe('status badge mapping', () => {
  test.each([
    [P + 0, 'New', 'brand'],
    [P + 1, 'Active', 'brand'],
    [P + 2, 'Closed', 'subtle'],
  ])('status %i → %s (%s)', (status, label, color) => {
    expect(statusBadges(input({ status }), t1033)).toEqual([{ label, color, known: true }]);
  });

  test.each([
    [P + 0, 'Pending', 'warning'],
    [P + 1, 'Received', 'informative'],
    [P + 2, 'Accepted', 'success'],
    [P + 3, 'Won', 'success'],
    [P + 4, 'Lost', 'danger'],
    [P + 5, 'Declined', 'danger'],
    [P + 6, 'Expired', 'severe'],
  ])('sub-status %i → %s (%s)', (substatus, label, color) => {
    expect(statusBadges(input({ status: P + 1, substatus }), t1033)[1]).toEqual({ label, color, known: true });
  });

  test('an unknown status code is a neutral badge with the raw value, never a crash', () => {
    expect(statusBadges(input({ status: P + 9 }), t1033)).toEqual([{ label: 'Unknown status (104370009)', color: 'subtle', known: false }]);
    expect(statusBadges(input({ status: -5 }), t1033)).toEqual([{ label: 'Unknown status (-5)', color: 'subtle', known: false }]);
    expect(statusBadges(input({ status: 1.5 }), t1033)).toEqual([{ label: 'Unknown status (1.5)', color: 'subtle', known: false }]);
  });

  test('a value the form does not list is unknown even when its offset is', () => {
    expect(statusBadges(input({ status: 999990001 }), t1033)[0]).toEqual({
      label: 'Unknown status (999990001)',
      color: 'subtle',
      known: false,
    });
  });

  test('another option-value prefix maps by offset (value mod 10000)', () => {
    expect(choiceKey('ReferralSubstatus', 543210004)).toBe('Lost');
    const other = optionsOf('ReferralSubstatus', undefined, 1033, 54321);
    expect(statusBadges(input({ substatus: 543210004, substatusOptions: other }), t1033)).toEqual([
      { label: 'Lost', color: 'danger', known: true },
    ]);
  });

  test('without a referral: "not synced" when sync is off, "not shared yet" when on', () => {
    expect(statusBadges(input({ sync: false, referralId: null }), t1033)).toEqual([{ label: 'Not synced', color: 'subtle', known: true }]);
    expect(statusBadges(input({ sync: true, referralId: null }), t1033)).toEqual([
      { label: 'Not shared yet: saved opportunities are shared on the next sync', color: 'informative', known: true },
    ]);
  });

  test('a referral without any status is a neutral unknown', () => {
    expect(statusBadges(input({}), t1033)).toEqual([{ label: 'Unknown status (—)', color: 'subtle', known: false }]);
  });

  test('labels come from the form options (user language), else from the model in that language', () => {
    expect(statusBadges(input({ status: P + 1, statusOptions: [{ value: P + 1, label: 'Live' }] }), t1033)[0].label).toBe('Live');
    const zh = optionsOf('ReferralStatus', undefined, 1028, 10437);
    expect(statusBadges(input({ status: P + 2, statusOptions: zh, language: 1028 }), t1028)[0].label).toBe('已結束');
    expect(statusBadges(input({ status: P + 9, language: 1028 }), t1028)[0].label).toBe('未知的狀態（104370009）');
  });

  test('optionsOf: without form options and without a known prefix there are none', () => {
    expect(optionsOf('HowCanMicrosoftHelp', undefined, 1033, undefined)).toEqual([]);
    expect(optionsOf('HowCanMicrosoftHelp', [{ Value: 1, Label: 'x' }], 1033, undefined)).toEqual([{ value: 1, label: 'x' }]);
  });
});

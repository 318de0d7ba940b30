import { coSellCheck, isCountryCode, type CoSellFacts } from '../PartnerCenterSection/model/blockers';

const ready = <T>(value: T) => ({ state: 'ready', value }) as const;
const ok: CoSellFacts = {
  accountId: 'a',
  countryCode: ready('TW'),
  solutions: ready([{ id: '1', name: 'S', identifier: 'SOL-1' }]),
  contactId: null,
  help: [],
};
const check = (extra: Partial<CoSellFacts>) => coSellCheck({ ...ok, ...extra });

describe('what blocks co-sell', () => {
  test('nothing blocks a complete opportunity', () => {
    expect(check({})).toEqual({ blockers: [], unchecked: [] });
  });

  test('rule: no customer account', () => {
    expect(check({ accountId: null, countryCode: { state: 'none' } }).blockers).toEqual(['Blocker_Account']);
  });

  test.each([[null], [''], ['tw'], ['TWN'], ['Taiwan'], ['T1']])('rule: country code %j is missing or not ISO 3166 alpha-2', (code) => {
    expect(check({ countryCode: ready(code) }).blockers).toEqual(['Blocker_CountryCode']);
  });

  test('rule: no Partner Center solution (none loaded, or a new unsaved opportunity)', () => {
    expect(check({ solutions: ready([]) }).blockers).toEqual(['Blocker_Solution']);
    expect(check({ solutions: { state: 'none' } }).blockers).toEqual(['Blocker_Solution']);
  });

  test('rule: help requested without a customer contact', () => {
    expect(check({ help: [104370002] }).blockers).toEqual(['Blocker_Contact']);
    expect(check({ help: [104370002], contactId: 'c' }).blockers).toEqual([]);
    expect(check({ help: [], contactId: null }).blockers).toEqual([]);
  });

  test('what is still loading or failed to load is "not checked", never a blocker', () => {
    expect(check({ countryCode: { state: 'loading' }, solutions: { state: 'error' } })).toEqual({
      blockers: [],
      unchecked: ['Unchecked_CountryCode', 'Unchecked_Solutions'],
    });
  });

  test("every blocker at once, in the create flow's order", () => {
    expect(check({ countryCode: ready('tw'), solutions: ready([]), help: [1] }).blockers).toEqual([
      'Blocker_CountryCode',
      'Blocker_Solution',
      'Blocker_Contact',
    ]);
  });

  test('isCountryCode', () => {
    expect(isCountryCode('US')).toBe(true);
    expect(isCountryCode('us')).toBe(false);
    expect(isCountryCode(undefined)).toBe(false);
  });
});

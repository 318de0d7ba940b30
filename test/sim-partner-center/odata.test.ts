import { describe, expect, test } from '@jest/globals';
import { ApiError, compileFilter, compileOrderBy } from '../../sim/partner-center/index.js';

const item = {
  status: 'New',
  substatus: 'Pending',
  engagementId: '65edc0b5-3485-41b7-a17e-dfa9ef4706e2',
  dealValue: 10,
  closed: false,
  statusReason: null,
  updatedDateTime: '2024-01-02T00:00:00.0000000Z',
  customerProfile: { address: { country: 'US' } },
  team: [{ email: 'a@x.com' }, { email: 'b@x.com' }],
};

describe('$filter subset', () => {
  test.each([
    ["status eq 'New' and substatus eq 'Pending'", true],
    ["status eq 'new'", false],
    ["status eq 'Active' or (substatus eq 'Pending' and customerProfile/address/country ne 'DE')", true],
    ['dealValue gt 5 and dealValue le 10', true],
    ['closed eq false and statusReason eq null', true],
    ['missing eq null', true],
    ['updatedDateTime gt 2024-01-01T23:59:59.9999999Z', true],
    ['updatedDateTime lt 2024-01-02T00:00:00Z', false],
    ["team/any(t:t/email eq 'b@x.com')", true],
    ["team/all(t:t/email ne 'c@x.com')", true],
    ['team/any()', true],
    ['not (dealValue eq 10)', false],
  ])('[Referrals API · $filter] %s → %s', (filter, expected) => {
    expect(compileFilter(filter)(item)).toBe(expected);
  });

  test.each(["substringof('x', name)", "status eq 'New' xor status eq 'Active'", 'status', "status eq 'unterminated"])(
    '[Referrals API · $filter] %s is refused with 400 invalidRequest',
    (filter) => {
      let error: unknown;
      try {
        compileFilter(filter);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 400, code: 'invalidRequest', target: '$filter' });
    },
  );

  test('[Referrals API · $orderby] several keys, desc; unknown keys refused', () => {
    const rows = [
      { createdDateTime: '2024-01-01T00:00:00Z', updatedDateTime: '2024-01-03T00:00:00Z' },
      { createdDateTime: '2024-01-01T00:00:00Z', updatedDateTime: '2024-01-04T00:00:00Z' },
      { createdDateTime: '2024-01-02T00:00:00Z', updatedDateTime: '2024-01-01T00:00:00Z' },
    ];
    const sorted = [...rows].sort(compileOrderBy('createdDateTime desc, updatedDateTime desc'));
    expect(sorted.map((row) => row.updatedDateTime)).toEqual(['2024-01-01T00:00:00Z', '2024-01-04T00:00:00Z', '2024-01-03T00:00:00Z']);
    expect(() => compileOrderBy('name asc')).toThrow(ApiError);
  });
});

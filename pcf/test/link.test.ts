import { referralHref } from '../PartnerCenterSection/model/link';
import { REFERRAL_LINK_PREFIX } from '../PartnerCenterSection/names';

const id = '7a3f0c2e-91b4-4d7e-a6c1-5b2e8d4f1a90';

describe('referral link', () => {
  test('the stored Partner Center link is used', () => {
    expect(referralHref(`${REFERRAL_LINK_PREFIX}${id}`, id)).toBe(`${REFERRAL_LINK_PREFIX}${id}`);
  });

  test.each([
    ['javascript:alert(1)'],
    ['http://partner.microsoft.com/dashboard/x'],
    ['https://evil.example/phish'],
    ['not a url'],
    ['   '],
  ])('%j is never a link: rebuilt from the referral id instead', (link) => {
    expect(referralHref(link, id)).toBe(`${REFERRAL_LINK_PREFIX}${id}`);
  });

  test('missing link and no usable id → no link (neutral "no link yet")', () => {
    expect(referralHref(null, null)).toBeUndefined();
    expect(referralHref(undefined, '<b>x</b>')).toBeUndefined();
    expect(referralHref('javascript:alert(1)', '"><script>')).toBeUndefined();
  });
});

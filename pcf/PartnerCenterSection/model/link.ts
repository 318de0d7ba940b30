import { REFERRAL_LINK_PREFIX } from '../names';

const REFERRAL_HOST = new URL(REFERRAL_LINK_PREFIX).host;
const REFERRAL_ID = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;

/**
 * The link that opens the referral in Partner Center, or undefined (shown as "no link yet"). The stored
 * link is used only when it is an https URL on Partner Center's host, so a hand-edited value (say
 * `javascript:…`) is never clickable; otherwise it is rebuilt from a well-formed referral id.
 */
export function referralHref(link: string | null | undefined, referralId: string | null | undefined): string | undefined {
  const text = typeof link === 'string' ? link.trim() : '';
  if (text !== '') {
    try {
      const url = new URL(text);
      if (url.protocol === 'https:' && url.host === REFERRAL_HOST) return url.href;
    } catch {
      // not a URL: fall through to the id
    }
  }
  const id = typeof referralId === 'string' ? referralId.trim() : '';
  return REFERRAL_ID.test(id) ? `${REFERRAL_LINK_PREFIX}${id}` : undefined;
}

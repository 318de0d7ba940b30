/**
 * The referrals the tenant can see (ours and Microsoft's related ones): each write gets a new eTag and
 * raises its event; the 14-day expiry of unanswered inbound referrals runs on demand.
 */
import type { Clock } from '../contracts.js';
import { READ_ONLY_PROPERTIES, clone, formatDateTime, parseDateTime, type JsonObject } from './referral-model.js';

export const REFERRALS_PATH = '/v1.0/engagements/referrals';

export interface StoredReferral {
  doc: JsonObject;
  owner: 'partner' | 'microsoft';
  sequence: number;
}

/** Called on every insert (`created`) and change (`updated`) of a referral. */
type ReferralEvent = (kind: 'created' | 'updated', stored: StoredReferral) => void;

export class ReferralStore {
  private readonly store = new Map<string, StoredReferral>();
  private sequence = 0;
  private eTagCounter = 0;
  /**
   * The earliest expiration among referrals that may expire (ours, Incoming, New), so `expireDue`, which runs on
   * every API call, costs nothing until one is due instead of reading every referral each time.
   */
  private nextExpiry = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly onEvent: ReferralEvent,
  ) {}

  find(id: string): StoredReferral | undefined {
    return this.store.get(id.toLowerCase());
  }

  /** Every referral in creation order. */
  all(): StoredReferral[] {
    return [...this.store.values()].sort((a, b) => a.sequence - b.sequence);
  }

  /** Microsoft's referral in an engagement, if Microsoft has answered. */
  microsoftReferralOf(engagementId: unknown): StoredReferral | undefined {
    return [...this.store.values()].find((stored) => stored.owner === 'microsoft' && stored.doc.engagementId === engagementId);
  }

  /** Our referral of an engagement (engagement ids compare case-insensitively). */
  partnerReferralOf(engagementId: string): StoredReferral | undefined {
    return [...this.store.values()].find(
      (stored) => stored.owner === 'partner' && String(stored.doc.engagementId).toLowerCase() === engagementId.toLowerCase(),
    );
  }

  insert(doc: JsonObject, owner: StoredReferral['owner']): StoredReferral {
    doc.eTag = this.nextETag();
    doc.attributes = { objectType: 'Referral' };
    const stored: StoredReferral = { doc, owner, sequence: ++this.sequence };
    this.store.set(String(doc.id).toLowerCase(), stored);
    this.noteExpiry(stored);
    this.onEvent('created', stored);
    return stored;
  }

  /** Stores a change: read-only properties kept, new eTag and updatedDateTime, acceptedDateTime on acceptance, and the event. */
  commit(stored: StoredReferral, next: JsonObject): StoredReferral {
    const now = this.clock.now();
    for (const key of READ_ONLY_PROPERTIES) {
      if (key in stored.doc) next[key] = clone(stored.doc[key]);
      else delete next[key];
    }
    if (stored.doc.status !== 'Active' && next.status === 'Active') next.acceptedDateTime = formatDateTime(now);
    next.updatedDateTime = formatDateTime(now);
    next.eTag = this.nextETag();
    stored.doc = next;
    this.noteExpiry(stored);
    this.onEvent('updated', stored);
    return stored;
  }

  /** Closes as Expired our inbound referrals still New past their expiration date. */
  expireDue(expiryDays: number): void {
    const now = this.clock.now().getTime();
    if (now < this.nextExpiry) return;
    this.nextExpiry = Number.POSITIVE_INFINITY;
    for (const stored of [...this.store.values()]) {
      const expires = expiryOf(stored);
      if (Number.isNaN(expires)) continue;
      if (expires > now) {
        this.nextExpiry = Math.min(this.nextExpiry, expires);
        continue;
      }
      const next = clone(stored.doc);
      next.status = 'Closed';
      next.substatus = 'Expired';
      next.statusReason = `Not responded to within ${expiryDays} days`;
      this.commit(stored, next);
    }
  }

  private noteExpiry(stored: StoredReferral): void {
    const expires = expiryOf(stored);
    if (!Number.isNaN(expires)) this.nextExpiry = Math.min(this.nextExpiry, expires);
  }

  private nextETag(): string {
    this.eTagCounter += 1;
    const seconds = Math.floor(this.clock.now().getTime() / 1000);
    return `"${this.eTagCounter.toString(16).padStart(8, '0')}-0000-0000-0000-${seconds.toString(16).padStart(12, '0')}"`;
  }
}

/** When the referral expires if still unanswered: ours, Incoming and New only; NaN for any other (or no valid date). */
function expiryOf(stored: StoredReferral): number {
  const doc = stored.doc;
  if (stored.owner !== 'partner' || doc.direction !== 'Incoming' || doc.status !== 'New') return Number.NaN;
  return typeof doc.expirationDateTime === 'string' ? parseDateTime(doc.expirationDateTime) : Number.NaN;
}

/** A referral as the API returns it: the stored document with its links (`base` is the emulator's URL once started). */
export function render(stored: StoredReferral, base = 'https://api.partner.microsoft.com'): JsonObject {
  const doc = clone(stored.doc);
  doc.links = {
    relatedReferrals: {
      uri: `${base}${REFERRALS_PATH}?$filter=engagementId eq '${String(doc.engagementId)}'`,
      method: 'GET',
      headers: [],
    },
    self: { uri: `${base}${REFERRALS_PATH}/${String(doc.id)}`, method: 'GET', headers: [] },
  };
  return doc;
}

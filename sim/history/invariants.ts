/**
 * What must hold after any history, once the world has come to rest and a reconciliation has run: nothing
 * duplicated, both sides agree on every shared field, and the value each side holds is the last edit made.
 */
import { display } from '../display.js';
import type { Row, World } from '../simulate/scenarios.js';
import type { Simulation } from '../simulate/session.js';
import { opportunityOf, SHARED_FIELDS, type HistoryState, type SharedField } from './steps.js';

export interface Violation {
  readonly invariant: 'no-duplicate-opportunity' | 'no-duplicate-referral' | 'converged' | 'no-lost-update' | 'synced';
  readonly detail: string;
}

const CHECK_MARKS = /^[✔✘] /;

/** A field's value as both sides are compared: names without our mark, numbers to cents, empty text as null. */
function comparable(field: SharedField, value: unknown): string | number | null {
  if (value === undefined || value === null || value === '') return null;
  if (field === 'dealValue') return Math.round(Number(value) * 100) / 100;
  const text = display(value);
  return field === 'name' ? text.replace(CHECK_MARKS, '') : text;
}

const referralValue = (referral: Row, field: SharedField): unknown => {
  const path = SHARED_FIELDS[field].partnerCenter.split('/').slice(1);
  return path.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Row)[key] : undefined), referral);
};

export function checkInvariants(sim: Simulation, world: World, state: HistoryState): Violation[] {
  const violations: Violation[] = [];
  const key = world.column('ReferralIdentifier');
  const byReferral = new Map<string, number>();
  for (const row of sim.dataverse.rows('opportunities')) {
    const id = row[key];
    if (typeof id === 'string' && id !== '') byReferral.set(id, (byReferral.get(id) ?? 0) + 1);
  }
  for (const [id, count] of byReferral) {
    if (count > 1) violations.push({ invariant: 'no-duplicate-opportunity', detail: `${count} opportunities hold referral ${id}` });
  }
  const byExternal = new Map<string, number>();
  for (const referral of sim.partnerCenter.referrals()) {
    const external = referral.externalReferenceId;
    if (typeof external === 'string' && external !== '') byExternal.set(external, (byExternal.get(external) ?? 0) + 1);
  }
  for (const [external, count] of byExternal) {
    if (count > 1) violations.push({ invariant: 'no-duplicate-referral', detail: `${count} referrals for opportunity ${external}` });
  }
  state.deals.forEach((deal, index) => {
    const referral = deal.referralId ? sim.partnerCenter.referral(deal.referralId) : undefined;
    const opportunity = opportunityOf(sim, world, deal);
    if (!referral || !opportunity) {
      violations.push({
        invariant: 'synced',
        detail: `deal ${index} (${deal.origin}): ${referral ? 'no opportunity holds its referral' : 'no referral was made for its opportunity'}`,
      });
      return;
    }
    for (const field of Object.keys(SHARED_FIELDS) as SharedField[]) {
      const inDynamics = comparable(field, opportunity[SHARED_FIELDS[field].dynamics]);
      const inPartnerCenter = comparable(field, referralValue(referral, field));
      if (inDynamics !== inPartnerCenter) {
        violations.push({
          invariant: 'converged',
          detail: `deal ${index} ${field}: Dynamics ${JSON.stringify(inDynamics)}, Partner Center ${JSON.stringify(inPartnerCenter)}`,
        });
        continue;
      }
      const last = state.lastEdit.get(`${index}:${field}`);
      if (last !== undefined && comparable(field, last) !== inDynamics) {
        violations.push({
          invariant: 'no-lost-update',
          detail: `deal ${index} ${field}: the last edit set ${JSON.stringify(last)}, both sides hold ${JSON.stringify(inDynamics)}`,
        });
      }
    }
  });
  return violations;
}

import * as React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { Section } from '../PartnerCenterSection/components/Section';
import type { SectionData } from '../PartnerCenterSection/data';
import { decisionView } from '../PartnerCenterSection/model/decision';
import { readForm, toOutputs, type FormChanges, type FormState } from '../PartnerCenterSection/model/form';
import { Choice } from '../PartnerCenterSection/names';
import { t1028, t1033 } from './support';

/**
 * The seller's answer to an inbound referral (issue 14): the deadline, what accepting shares, and Accept / Decline with a
 * reason, handed back to the form as the Decision and Decline reason columns (the decision flow sends them).
 */
const PREFIX = 104370000;
const value = (choice: keyof typeof Choice, key: string): number => PREFIX + Choice[choice].find((option) => option.key === key)!.offset;
const NOW = new Date('2025-03-10T09:00:00Z');

function inboundForm(values: Record<string, unknown> = {}, language: 1033 | 1028 = 1033): FormState {
  const raw: Record<string, unknown> = {
    SyncWithPartnerCenter: true,
    ReferralIdentifier: '23833ca8-9dd6-414b-98e0-b9fa6257cca0',
    ReferralStatus: value('ReferralStatus', 'New'),
    ReferralSubstatus: value('ReferralSubstatus', 'Pending'),
    RespondBy: '2025-03-17T09:00:00Z',
    Decision: null,
    DeclineReason: null,
    ...values,
  };
  return readForm({
    parameters: Object.fromEntries(
      Object.entries(raw).map(([name, v]) => [name, { raw: v, attributes: { LogicalName: `pcs_${name.toLowerCase()}` } }]),
    ),
    mode: { isControlDisabled: false, contextInfo: { entityId: '4a7b2ed4-0159-489f-b3ad-c7d291da0363' } },
    userSettings: { languageId: language, getTimeZoneOffsetMinutes: () => 0 },
  });
}

const data: SectionData = { solutions: () => Promise.resolve([]), countryCode: () => Promise.resolve('US') };

/** Renders the section and lets its loads (solutions, country) settle. */
async function renderSection(form: FormState, t = t1033): Promise<FormChanges[]> {
  const changes: FormChanges[] = [];
  render(<Section form={form} t={t} data={data} onChange={(change) => changes.push(change)} now={() => NOW} />);
  await act(async () => {
    await Promise.resolve();
  });
  return changes;
}

describe('decisionView: which referrals wait for the seller', () => {
  test('a New referral with a deadline is open, with the whole days left', () => {
    expect(decisionView(inboundForm(), NOW)).toMatchObject({ kind: 'open', daysLeft: 7, expired: false });
    expect(decisionView(inboundForm({ RespondBy: '2025-03-10T10:00:00Z' }), NOW)).toMatchObject({ daysLeft: 1, expired: false });
  });

  test('past the deadline it is expired (Partner Center takes no answer)', () => {
    expect(decisionView(inboundForm({ RespondBy: '2025-03-09T09:00:00Z' }), NOW)).toMatchObject({
      kind: 'open',
      daysLeft: 0,
      expired: true,
    });
  });

  test('an answered, closed or outgoing referral (Active/Accepted) offers nothing; a set Decision is on its way', () => {
    expect(decisionView(inboundForm({ ReferralStatus: value('ReferralStatus', 'Active') }), NOW)).toEqual({ kind: 'none' });
    expect(decisionView(inboundForm({ ReferralStatus: value('ReferralStatus', 'Closed') }), NOW)).toEqual({ kind: 'none' });
    expect(decisionView(inboundForm({ ReferralIdentifier: null }), NOW)).toEqual({ kind: 'none' });
    expect(decisionView(inboundForm({ Decision: value('ReferralDecision', 'Accept') }), NOW)).toEqual({ kind: 'sent', decision: 'Accept' });
  });
});

describe('the section answers an inbound referral', () => {
  test('shows the deadline and what accepting shares, and Accept sets Decision', async () => {
    const changes = await renderSection(inboundForm());
    expect(screen.getByTestId('decision-panel').textContent).toContain('Respond by March 17, 2025, 7 days left');
    expect(screen.getByTestId('decision-panel').textContent).toContain('the sender sees your team on it');
    fireEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(changes).toEqual([{ decision: value('ReferralDecision', 'Accept') }]);
    expect(toOutputs(changes[0] ?? {})).toEqual({ Decision: value('ReferralDecision', 'Accept') });
    expect(screen.getByText('Your answer (Accept) is on its way to Partner Center.')).toBeTruthy();
  });

  test('Decline waits for a reason, then sets Decision and Decline reason', async () => {
    const changes = await renderSection(inboundForm());
    const decline = screen.getByRole<HTMLButtonElement>('button', { name: 'Decline' });
    expect(decline.disabled).toBe(true);
    fireEvent.click(screen.getByRole('combobox'));
    fireEvent.click(screen.getByRole('option', { name: 'Customer chose another vendor' }));
    fireEvent.click(screen.getByRole('button', { name: 'Decline' }));
    expect(changes).toEqual([
      { decision: value('ReferralDecision', 'Decline'), declineReason: value('DeclineReason', 'CustomerChoseAnotherVendor') },
    ]);
  });

  test('past the deadline the buttons are off and the section says why', async () => {
    await renderSection(inboundForm({ RespondBy: '2025-03-01T09:00:00Z' }));
    expect(screen.getByTestId('decision-panel').textContent).toContain('Partner Center closes the referral as Expired');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Accept' }).disabled).toBe(true);
  });

  test('in Traditional Chinese', async () => {
    await renderSection(inboundForm({}, 1028), t1028);
    expect(screen.getByTestId('decision-panel').textContent).toContain('剩 7 天');
    expect(screen.getByRole('button', { name: '接受' })).toBeTruthy();
  });
});

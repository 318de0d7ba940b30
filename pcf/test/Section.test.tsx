import * as React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { Section } from '../PartnerCenterSection/components/Section';
import type { SectionData } from '../PartnerCenterSection/data';
import type { SolutionRow } from '../PartnerCenterSection/model/blockers';
import { readForm, type FormChanges, type FormState } from '../PartnerCenterSection/model/form';
import type { Translate } from '../PartnerCenterSection/model/strings';
import { sample, t1028, t1033 } from './support';

const s = sample();

/** The sample opportunity as the form reads it (1033 options unless told). */
function formOf(
  values: Record<string, unknown> = {},
  extra: {
    language?: 1033 | 1028;
    disabled?: boolean;
    security?: Record<string, { readable?: boolean; editable?: boolean }>;
    entityId?: string;
  } = {},
): FormState {
  const language = extra.language ?? 1033;
  const merged = { ...s.values, ...values };
  const parameters = Object.fromEntries(
    Object.keys(s.columns).map((name) => [
      name,
      {
        raw: merged[name] ?? null,
        attributes: { LogicalName: s.columns[name], Options: s.options[String(language) as '1033' | '1028'][name] },
        security: extra.security?.[name] ?? { readable: true, editable: true },
      },
    ]),
  );
  return readForm({
    parameters,
    mode: { isControlDisabled: extra.disabled === true, contextInfo: { entityId: extra.entityId ?? s.entityId } },
    userSettings: { languageId: language, getTimeZoneOffsetMinutes: () => 0 },
  });
}

const solutions: SolutionRow[] = [
  { id: '1', name: 'Contoso Analytics on Azure <img src=x onerror="window.__pwned = true">', identifier: 'SOL-0042-AZ' },
];

function fakeData(
  overrides: Partial<{ solutions: SolutionRow[] | Error; country: string | null | Error }> = {},
): SectionData & { calls: string[] } {
  const calls: string[] = [];
  const settle = <T,>(value: T | Error): Promise<T> => (value instanceof Error ? Promise.reject(value) : Promise.resolve(value));
  return {
    calls,
    solutions: (id) => {
      calls.push(`solutions ${id}`);
      return settle('solutions' in overrides ? overrides.solutions! : solutions);
    },
    countryCode: (id) => {
      calls.push(`country ${id}`);
      return settle('country' in overrides ? overrides.country! : 'TW');
    },
  };
}

/** The names of the blockers shown, in order. */
const blockerNames = (): Array<string | null> =>
  [...screen.getByTestId('blockers').querySelectorAll('[data-blocker]')].map((el) => el.getAttribute('data-blocker'));

/** Each solution as the list shows it: name, then identifier. */
const shownSolutions = (): Array<string | null> =>
  within(screen.getByRole('list', { name: 'Partner Center solutions' }))
    .getAllByRole('listitem')
    .map((item) => item.textContent);

async function show(form: FormState, options: { t?: Translate; data?: SectionData } = {}) {
  const onChange = jest.fn<void, [FormChanges]>();
  const view = render(<Section form={form} t={options.t ?? t1033} data={options.data ?? fakeData()} onChange={onChange} />);
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return { ...view, onChange };
}

describe('Section', () => {
  test('shows the co-sell state at a glance', async () => {
    await show(formOf());
    expect(screen.getByRole('switch', { name: 'Sync with Partner Center' })).not.toBeChecked();
    const status = screen.getByRole('status', { name: 'Status' });
    expect(within(status).getByText('Active')).toBeInTheDocument();
    expect(within(status).getByText('Accepted')).toBeInTheDocument();
    const link = screen.getByRole('link', { name: /Open referral 7a3f0c2e-91b4-4d7e-a6c1-5b2e8d4f1a90 in Partner Center/ });
    expect(link).toHaveAttribute('href', s.values.ReferralLink);
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByText('7-3KXQ2PZ9L')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: 'Proof of concept / demo' })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: 'Quotes and licensing' })).not.toBeChecked();
    const choices = within(screen.getByRole('group', { name: 'How can Microsoft help?' })).getAllByRole('checkbox');
    expect(choices.map((box) => (box as HTMLInputElement).checked)).toEqual([false, false, true, false, false, false]);
    s.options['1033'].HowCanMicrosoftHelp.forEach((option, index) => expect(choices[index]).toHaveAccessibleName(option.Label));
    expect(shownSolutions()).toEqual([`${solutions[0].name} (SOL-0042-AZ)`]);
  });

  test('the audit list: newest first, errors highlighted with their fix', async () => {
    await show(formOf());
    const items = within(screen.getByTestId('audit-list')).getAllByRole('listitem');
    expect(items).toHaveLength(5);
    expect(items[0]).toHaveTextContent('Microsoft referral Active/Accepted');
    expect(items[1]).toHaveTextContent('412');
    expect(items[1]).toHaveAttribute('data-level', 'error');
    expect(items[1]).toHaveTextContent('Someone changed the referral in Partner Center at the same time');
    expect(items[3]).toHaveAttribute('data-level', 'error');
    expect(within(items[3]).getByText(/two-letter ISO 3166 code/, { selector: '[data-fix]' })).toBeInTheDocument();
    expect(items[0].querySelector('time')).toHaveAttribute('datetime', '2024-05-06T09:30:12.000Z');
  });

  test('more than five audit entries: the older ones behind a button', async () => {
    const audit = Array.from({ length: 8 }, (_, i) => `2024-05-0${i + 1}T00:00:00Z entry ${i + 1}`).join('\n');
    await show(formOf({ Audit: audit }));
    expect(within(screen.getByTestId('audit-list')).getAllByRole('listitem')).toHaveLength(5);
    fireEvent.click(screen.getByRole('button', { name: 'Show 3 older entries' }));
    expect(within(screen.getByTestId('audit-list')).getAllByRole('listitem')).toHaveLength(8);
  });

  test('untrusted referral text renders as text: no element is created from it', async () => {
    const { container } = await show(formOf());
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(screen.getByText(/<script>window.__pwned = true<\/script>/)).toBeInTheDocument();
    expect(screen.getByText(/Contoso Analytics on Azure <img/)).toBeInTheDocument();
  });

  test('clicking the switch hands the new value to the form', async () => {
    const { onChange } = await show(formOf());
    fireEvent.click(screen.getByRole('switch', { name: 'Sync with Partner Center' }));
    expect(onChange).toHaveBeenLastCalledWith({ sync: true });
    expect(screen.getByRole('switch', { name: 'Sync with Partner Center' })).toBeChecked();
  });

  test('ticking and clearing help choices hands back the whole selection', async () => {
    const { onChange } = await show(formOf());
    fireEvent.click(screen.getByRole('checkbox', { name: 'Workload-specific value proposition' }));
    expect(onChange).toHaveBeenLastCalledWith({ help: [104370000, 104370002] });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Proof of concept / demo' }));
    expect(onChange).toHaveBeenLastCalledWith({ help: [104370000] });
  });

  test('the visibility switch', async () => {
    const { onChange } = await show(formOf());
    fireEvent.click(screen.getByRole('switch', { name: 'Visible to Microsoft sellers' }));
    expect(onChange).toHaveBeenLastCalledWith({ visibility: true });
  });

  test('blockers show while sync is on, each rule by name', async () => {
    const data = fakeData({ country: 'tw', solutions: [] });
    await show(formOf({ SyncWithPartnerCenter: true }), { data });
    const blockers = screen.getByTestId('blockers');
    expect(within(blockers).getByText('Partner Center will reject this co-sell referral')).toBeInTheDocument();
    expect(blockerNames()).toEqual(['Blocker_CountryCode', 'Blocker_Solution', 'Blocker_Contact']);
    expect(data.calls).toEqual([`solutions ${s.entityId}`, 'country 1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35']);
  });

  test('no blockers while sync is off, nor when everything is there', async () => {
    await show(formOf({ SyncWithPartnerCenter: false }), { data: fakeData({ country: 'tw', solutions: [] }) });
    expect(screen.queryByTestId('blockers')).toBeNull();
    await show(formOf({ SyncWithPartnerCenter: true, HowCanMicrosoftHelp: [], CustomerContact: null }));
    expect(screen.queryByTestId('blockers')).toBeNull();
  });

  test('blockers appear as soon as the seller turns sync on (before saving)', async () => {
    await show(formOf({ SyncWithPartnerCenter: false }));
    expect(screen.queryByTestId('blockers')).toBeNull();
    fireEvent.click(screen.getByRole('switch', { name: 'Sync with Partner Center' }));
    expect(blockerNames()).toEqual(['Blocker_Contact']);
  });

  test('a failed load is "not checked", not a blocker, and the list says it could not load', async () => {
    await show(formOf({ SyncWithPartnerCenter: true, HowCanMicrosoftHelp: [] }), {
      data: fakeData({ solutions: new Error('offline'), country: new Error('offline') }),
    });
    expect(screen.queryByTestId('blockers')).toBeNull();
    expect(
      [...screen.getByTestId('unchecked').querySelectorAll('[data-unchecked]')].map((el) => el.getAttribute('data-unchecked')),
    ).toEqual(['Unchecked_CountryCode', 'Unchecked_Solutions']);
    expect(screen.getByText('The solutions could not be loaded.')).toBeInTheDocument();
  });

  test('a new opportunity: no query, "save first", and no solution blocks co-sell', async () => {
    const data = fakeData();
    await show(formOf({ SyncWithPartnerCenter: true, HowCanMicrosoftHelp: [] }, { entityId: '' }), { data });
    expect(data.calls).toEqual(['country 1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35']);
    expect(screen.getByText('Save the opportunity to add solutions.')).toBeInTheDocument();
    expect(blockerNames()).toEqual(['Blocker_Solution']);
  });

  test('bad input gives neutral states: malformed audit, unknown status, missing link', async () => {
    await show(
      formOf({
        Audit: 'garbage without time\n\u0000\u0007',
        ReferralStatus: 104379999,
        ReferralSubstatus: null,
        ReferralLink: null,
        ReferralIdentifier: null,
        MicrosoftCrmIdentifier: null,
      }),
    );
    expect(screen.getByText('Unknown status (104379999)')).toBeInTheDocument();
    expect(screen.getByText('No Partner Center link yet')).toBeInTheDocument();
    expect(screen.getByText('No referral yet')).toBeInTheDocument();
    expect(screen.getByText('Shown once Microsoft accepts the referral')).toBeInTheDocument();
    const audit = within(screen.getByTestId('audit-list')).getAllByRole('listitem');
    expect(audit.map((item) => item.textContent)).toEqual([
      'InfoTime not recordedgarbage without time',
      'InfoTime not recorded\u0000\u0007',
    ]);
    expect(screen.queryByRole('link')).toBeNull();
  });

  test('an empty audit and no help options', async () => {
    await show(formOf({ Audit: null, HowCanMicrosoftHelp: null, ReferralStatus: null, ReferralSubstatus: null }, { language: 1033 }));
    expect(screen.getByText('Nothing synced yet.')).toBeInTheDocument();
  });

  test('a read-only form disables every input', async () => {
    await show(formOf({}, { disabled: true }));
    expect(screen.getByRole('switch', { name: 'Sync with Partner Center' })).toBeDisabled();
    expect(screen.getByRole('switch', { name: 'Visible to Microsoft sellers' })).toBeDisabled();
    for (const box of screen.getAllByRole('checkbox')) expect(box).toBeDisabled();
  });

  test('field-level security: a read-only column is disabled, an unreadable one is not shown', async () => {
    await show(
      formOf(
        {},
        {
          security: {
            SyncWithPartnerCenter: { readable: true, editable: false },
            Audit: { readable: false, editable: false },
            MicrosoftCrmIdentifier: { readable: false },
          },
        },
      ),
    );
    expect(screen.getByRole('switch', { name: 'Sync with Partner Center' })).toBeDisabled();
    expect(screen.getByRole('checkbox', { name: 'Quotes and licensing' })).toBeEnabled();
    expect(screen.queryByTestId('audit-list')).toBeNull();
    expect(screen.queryByText('7-3KXQ2PZ9L')).toBeNull();
    expect(screen.getAllByText('You do not have permission to see this field.')).toHaveLength(2);
  });

  test("Traditional Chinese (1028): resx strings and the form's option labels", async () => {
    await show(formOf({ SyncWithPartnerCenter: true }, { language: 1028 }), { t: t1028, data: fakeData({ country: 'tw' }) });
    expect(screen.getByRole('switch', { name: '與合作夥伴中心同步' })).toBeChecked();
    expect(screen.getByText('進行中')).toBeInTheDocument();
    expect(screen.getByText('已接受')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: '概念驗證 / 示範' })).toBeChecked();
    expect(screen.getByText('合作夥伴中心將拒絕此共同銷售推薦')).toBeInTheDocument();
    expect(screen.getByText('同步紀錄')).toBeInTheDocument();
    expect(screen.getByTestId('partner-center-section')).toHaveAttribute('lang', 'zh-TW');
  });

  test('refreshing the solutions loads them again and shows the new list', async () => {
    let rows: SolutionRow[] = [];
    const data = fakeData();
    data.solutions = (id) => {
      data.calls.push(`solutions ${id}`);
      return Promise.resolve(rows);
    };
    await show(formOf(), { data });
    expect(screen.getByText('No solution yet: add one in the Partner Center Solutions grid.')).toBeVisible();
    rows = solutions;
    fireEvent.click(screen.getByRole('button', { name: 'Refresh solutions' }));
    expect(screen.getByText('Loading solutions…')).toBeVisible();
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(shownSolutions()).toEqual([`${solutions[0].name} (SOL-0042-AZ)`]);
    expect(data.calls.filter((call) => call.startsWith('solutions'))).toEqual([`solutions ${s.entityId}`, `solutions ${s.entityId}`]);
  });

  test('a new value from the form replaces the one shown (business rule, save)', async () => {
    const data = fakeData();
    const { rerender, onChange } = await show(formOf({ SyncWithPartnerCenter: false }), { data });
    fireEvent.click(screen.getByRole('switch', { name: 'Sync with Partner Center' }));
    expect(onChange).toHaveBeenCalledWith({ sync: true });
    rerender(
      <Section form={formOf({ SyncWithPartnerCenter: false, ReferralStatus: 104370002 })} t={t1033} data={data} onChange={onChange} />,
    );
    expect(screen.getByRole('switch', { name: 'Sync with Partner Center' })).toBeChecked();
    rerender(<Section form={formOf({ SyncWithPartnerCenter: true })} t={t1033} data={data} onChange={onChange} />);
    rerender(<Section form={formOf({ SyncWithPartnerCenter: false })} t={t1033} data={data} onChange={onChange} />);
    expect(screen.getByRole('switch', { name: 'Sync with Partner Center' })).not.toBeChecked();
  });
});

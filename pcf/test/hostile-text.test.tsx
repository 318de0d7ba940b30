import * as React from 'react';
import { act, render, screen, within } from '@testing-library/react';
import { Section } from '../PartnerCenterSection/components/Section';
import type { SectionData } from '../PartnerCenterSection/data';
import type { SolutionRow } from '../PartnerCenterSection/model/blockers';
import { readForm, type FormState } from '../PartnerCenterSection/model/form';
import { sample, t1033 } from './support';

/**
 * Issue 11 point 5, PCF hop: referral text from Partner Center and Dataverse rows (solution names and identifiers,
 * the Microsoft CRM id, Audit lines carrying Partner Center's messages) is hostile: markup, quotes, bidi overrides,
 * zero-width marks, emoji joiner sequences, control characters, 2,500 characters. The control must show it as text:
 * no element created from it, no script run, every character intact in the DOM.
 */
const NAME = `Deal ✔ phase 2 <script>window.__pwned = true</script> "quoted" 'single' \u202Eevil\u202C\u200B 👩‍👩‍👧`;
const IDENTIFIER = `SOL-1\u202E<img src=x onerror="window.__pwned = true">\u200D`;
const CRM_ID = `7-<iframe src="javascript:window.__pwned=true">\u202E-X\u0007`;
const NOTES = `${'Ünïcode ‍👨‍💻 & <b>bold</b> \u0007 '.repeat(100)}`.slice(0, 2500);
const AUDIT_MESSAGE = `Note from Partner Center: ${NOTES}`;
const AUDIT = `2025-03-03T09:00:00Z ${AUDIT_MESSAGE}\n2025-03-02T09:00:00Z Referral created in Partner Center`;

const s = sample();

function formOf(values: Record<string, unknown>): FormState {
  const merged = { ...s.values, ...values };
  const parameters = Object.fromEntries(
    Object.keys(s.columns).map((name) => [
      name,
      {
        raw: merged[name] ?? null,
        attributes: { LogicalName: s.columns[name], Options: s.options['1033'][name] },
        security: { readable: true, editable: true },
      },
    ]),
  );
  return readForm({
    parameters,
    mode: { isControlDisabled: false, contextInfo: { entityId: s.entityId } },
    userSettings: { languageId: 1033, getTimeZoneOffsetMinutes: () => 0 },
  });
}

const data = (solutions: SolutionRow[]): SectionData => ({
  solutions: () => Promise.resolve(solutions),
  countryCode: () => Promise.resolve('US'),
});

async function showHostile() {
  const view = render(
    <Section
      form={formOf({ MicrosoftCrmIdentifier: CRM_ID, Audit: AUDIT })}
      t={t1033}
      data={data([{ id: '1', name: NAME, identifier: IDENTIFIER }])}
      onChange={() => undefined}
    />,
  );
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  return view;
}

/** The element whose own text is exactly `text` (the one the control put it in). */
const holderOf = (container: HTMLElement, text: string): Element | undefined =>
  [...container.querySelectorAll('*')].find((element) => element.textContent === text && element.children.length === 0);

afterEach(() => {
  delete (globalThis as { __pwned?: boolean }).__pwned;
});

describe('PCF hop: hostile referral text renders as text', () => {
  test('[PCF · DOM] no element is created from the text and no script runs', async () => {
    const { container } = await showHostile();
    expect(container.querySelectorAll('script, img, iframe, b').length).toBe(0);
    expect((globalThis as { __pwned?: boolean }).__pwned).toBeUndefined();
  });

  test('[PCF · DOM text] the solution name, the Microsoft CRM id and a 2,500-character Audit note are intact, character for character', async () => {
    const { container } = await showHostile();
    expect(holderOf(container, NAME)).toBeDefined();
    expect(holderOf(container, CRM_ID)).toBeDefined();
    expect(holderOf(container, AUDIT_MESSAGE)).toBeDefined();
    const item = within(screen.getByRole('list', { name: 'Partner Center solutions' })).getByRole('listitem');
    expect(item.textContent).toBe(`${NAME} (${IDENTIFIER})`);
  });

  /**
   * Fluent's Text is a plain <span> under
   * FluentProvider dir="ltr", which does not isolate: a U+202E in a solution name reverses the " (SOL-…)" identifier
   * that follows it on the line (seen in Debian chromium: the identifier's "S" is drawn right of its "Z"; with
   * <bdi> or dir="auto" it is not). So each untrusted value sits in a <bdi>: SolutionsList (name, identifier),
   * ReferralFacts (referral id, CRM id) and AuditList (message).
   */
  test('[PCF · bidi isolation] each untrusted value sits in its own bidi-isolated element (<bdi> or dir)', async () => {
    const { container } = await showHostile();
    /** Whether an element holding exactly `text` (the holder or an ancestor with the same text) isolates it. */
    const isolated = (text: string): boolean => {
      for (let element = holderOf(container, text) ?? null; element && element.textContent === text; element = element.parentElement)
        if (element.tagName === 'BDI' || element.getAttribute('dir') === 'auto') return true;
      return false;
    };
    expect([NAME, IDENTIFIER, CRM_ID, AUDIT_MESSAGE].filter((text) => !isolated(text)).map((text) => text.slice(0, 12))).toEqual([]);
  });
});

import type * as React from 'react';
import * as ReactDOM from 'react-dom';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { createHost, fakeWebApi } from '../harness/fake-context';
import { PartnerCenterSection } from '../PartnerCenterSection/index';
import { Section, type SectionProps } from '../PartnerCenterSection/components/Section';
import { webApiData } from '../PartnerCenterSection/data';
import { sample, strings } from './support';

const s = sample();

const containers: HTMLElement[] = [];

function host(extra: { languageId?: 1033 | 1028; values?: Record<string, unknown>; disabled?: boolean } = {}) {
  const container = document.createElement('div');
  document.body.appendChild(container);
  containers.push(container);
  const language = extra.languageId ?? 1033;
  const h = createHost({
    Control: PartnerCenterSection,
    ReactDOM,
    container,
    values: { ...s.values, ...extra.values },
    columns: s.columns,
    options: s.options[String(language) as '1033' | '1028'],
    strings: strings(language),
    languageId: language,
    entityId: s.entityId,
    data: s.data,
    ...(extra.disabled ? { disabled: true } : {}),
  });
  return { h, container };
}

afterEach(() => {
  for (const container of containers.splice(0))
    act(() => {
      ReactDOM.unmountComponentAtNode(container);
    });
  document.body.innerHTML = '';
});

describe('the control class in a fake form (index.ts)', () => {
  test('updateView returns an element (never renders with ReactDOM itself); getOutputs is empty until the user changes something', () => {
    const { h, container } = host();
    const element = h.control.updateView(h.context) as React.ReactElement<SectionProps>;
    expect(element.type).toBe(Section);
    expect(element.props.form.opportunityId).toBe(s.entityId);
    expect(element.props.form.sync).toBe(false);
    expect(element.props.t('Sync_Label')).toBe('Sync with Partner Center');
    expect(container.childNodes).toHaveLength(0);
    expect(h.control.getOutputs!()).toEqual({});
  });

  test('switch and help clicks reach the form through notifyOutputChanged → getOutputs, once each', async () => {
    const { h } = host();
    act(() => {
      h.render();
    });
    await waitFor(() => expect(screen.getByText('Contoso Copilot Onboarding')).toBeInTheDocument());
    fireEvent.click(screen.getByRole('switch', { name: 'Sync with Partner Center' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Quotes and licensing' }));
    await waitFor(() => expect(h.outputs).toHaveLength(2));
    expect(h.outputs).toEqual([{ SyncWithPartnerCenter: true }, { HowCanMicrosoftHelp: [104370002, 104370003] }]);
    expect(h.values.SyncWithPartnerCenter).toBe(true);
    expect(h.control.getOutputs!()).toEqual({});
    await waitFor(() =>
      expect([...screen.getByTestId('blockers').querySelectorAll('[data-blocker]')].map((el) => el.getAttribute('data-blocker'))).toEqual([
        'Blocker_CountryCode',
        'Blocker_Contact',
      ]),
    );
  });

  test('the Web API is asked for the solutions of this opportunity and the account country (env var first)', async () => {
    const { h } = host();
    act(() => {
      h.render();
    });
    await waitFor(() => expect(h.webAPI.calls).toHaveLength(3));
    await waitFor(() => expect(screen.getByText('Contoso Copilot Onboarding')).toBeInTheDocument());
    expect(h.webAPI.calls).toEqual([
      {
        op: 'retrieveMultipleRecords',
        entity: 'pcs_partnercentersolution',
        query: `?$select=pcs_name,pcs_solutionidentifier&$filter=_pcs_opportunity_value eq ${s.entityId}&$orderby=pcs_name`,
      },
      {
        op: 'retrieveMultipleRecords',
        entity: 'environmentvariabledefinition',
        query:
          "?$select=defaultvalue&$filter=schemaname eq 'pcs_CustomerCountryCodeField'&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)",
      },
      { op: 'retrieveRecord', entity: 'account', id: '1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35', query: '?$select=address1_country' },
    ]);
    expect(screen.getByText('Contoso Copilot Onboarding')).toBeInTheDocument();
  });

  test('1028 strings come from the 1028 resx', async () => {
    const { h } = host({ languageId: 1028 });
    act(() => {
      h.render();
    });
    await waitFor(() => expect(screen.getByText('Contoso Copilot Onboarding')).toBeInTheDocument());
    expect(screen.getByRole('switch', { name: '與合作夥伴中心同步' })).toBeInTheDocument();
  });
});

describe('webApiData', () => {
  test('the environment variable value wins over its default; a bad column name falls back to the default', async () => {
    const api = fakeWebApi({
      environmentVariables: [
        { defaultvalue: 'address1_country', environmentvariabledefinition_environmentvariablevalue: [{ value: 'new_countrycode' }] },
      ],
      records: { account: { '1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35': { new_countrycode: 'US' } } },
    });
    expect(await webApiData(api, 'pcs').countryCode('1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35')).toBe('US');
    const injected = fakeWebApi({
      environmentVariables: [{ defaultvalue: 'x&$expand=*' }],
      records: { account: { '1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35': { address1_country: 'TW' } } },
    });
    expect(await webApiData(injected as never, 'pcs').countryCode('1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35')).toBe('TW');
  });

  test('ids that are not GUIDs never reach a query', async () => {
    const api = fakeWebApi({});
    const data = webApiData(api, 'pcs');
    expect(await data.solutions("x' or 1 eq 1")).toEqual([]);
    expect(await data.countryCode('../account')).toBeNull();
    expect(api.calls).toEqual([]);
  });

  test('another prefix queries its own table', async () => {
    const api = fakeWebApi({
      tables: { abc_partnercentersolution: [{ abc_partnercentersolutionid: 'i', abc_name: 'N', abc_solutionidentifier: 'S' }] },
    });
    expect(await webApiData(api, 'abc').solutions('6f2c1d7e-3b7a-4c55-9a0e-2d1f0c7b9a11')).toEqual([
      { id: 'i', name: 'N', identifier: 'S' },
    ]);
  });
});

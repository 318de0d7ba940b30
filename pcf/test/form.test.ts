import { normalizeId, readForm, toggleHelp, toOutputs, type SectionContext } from '../PartnerCenterSection/model/form';

const context = (parameters: Record<string, unknown>, extra: Partial<SectionContext> = {}): SectionContext => ({
  parameters,
  mode: { isControlDisabled: false, contextInfo: { entityId: '{6F2C1D7E-3B7A-4C55-9A0E-2D1F0C7B9A11}' } },
  ...extra,
});

describe('readForm: form values → view state', () => {
  test('reads every bound column', () => {
    const form = readForm(
      context(
        {
          SyncWithPartnerCenter: { raw: true, attributes: { LogicalName: 'abc_syncwithpartnercenter' } },
          ReferralIdentifier: { raw: 'REF-1' },
          ReferralLink: { raw: 'https://partner.microsoft.com/x' },
          HowCanMicrosoftHelp: {
            raw: [104370002, 104370000],
            attributes: {
              Options: [
                { Value: 104370000, Label: 'A' },
                { Value: 104370002, Label: 'C' },
              ],
            },
          },
          ReferralVisibility: { raw: true },
          ReferralStatus: { raw: 104370001 },
          ReferralSubstatus: { raw: 104370002 },
          MicrosoftCrmIdentifier: { raw: 'MS-1' },
          Audit: { raw: '2024-05-01T00:00:00Z x' },
          CustomerAccount: { raw: [{ id: '{1B0C5E2A-7D3F-4E8A-9C61-2F4B8D0E7A35}', name: 'Contoso', entityType: 'account' }] },
          CustomerContact: { raw: [] },
        },
        { userSettings: { languageId: 1028, getTimeZoneOffsetMinutes: () => 480 } },
      ),
    );
    expect(form).toMatchObject({
      prefix: 'abc',
      language: 1028,
      locale: 'zh-TW',
      offsetMinutes: 480,
      opportunityId: '6f2c1d7e-3b7a-4c55-9a0e-2d1f0c7b9a11',
      disabled: false,
      sync: true,
      referralId: 'REF-1',
      help: [104370002, 104370000],
      helpOptions: [
        { value: 104370000, label: 'A' },
        { value: 104370002, label: 'C' },
      ],
      visibility: true,
      status: 104370001,
      substatus: 104370002,
      microsoftCrmId: 'MS-1',
      accountId: '1b0c5e2a-7d3f-4e8a-9c61-2f4b8d0e7a35',
      contactId: null,
    });
    // Status options were not given: the model's labels, in the user's language, with the prefix read from a value.
    expect(form.statusOptions.map((option) => option.label)).toEqual(['新增', '進行中', '已結束']);
  });

  test('missing and malformed values read as empty (no crash)', () => {
    const form = readForm(
      context(
        {
          SyncWithPartnerCenter: { raw: 'yes' },
          HowCanMicrosoftHelp: { raw: 'not an array' },
          ReferralStatus: { raw: '3' },
          Audit: { raw: 12 },
          CustomerAccount: { raw: [{ id: 'not-a-guid' }] },
          ReferralIdentifier: { raw: '   ' },
        },
        { mode: { isControlDisabled: true, contextInfo: { entityId: '00000000-0000-0000-0000-000000000000' } } },
      ),
    );
    expect(form).toMatchObject({
      prefix: 'pcs',
      language: 1033,
      sync: false,
      help: [],
      status: null,
      audit: null,
      accountId: null,
      referralId: null,
      opportunityId: null,
      disabled: true,
      helpOptions: [],
    });
  });

  test('field security and read-only columns', () => {
    const form = readForm(
      context({
        SyncWithPartnerCenter: { raw: false, security: { readable: true, editable: false } },
        Audit: { raw: 'x', security: { readable: false, editable: false } },
      }),
    );
    expect(form.access.SyncWithPartnerCenter).toEqual({ readable: true, editable: false });
    expect(form.access.Audit).toEqual({ readable: false, editable: false });
    expect(form.access.HowCanMicrosoftHelp).toEqual({ readable: true, editable: true });
  });

  test('normalizeId', () => {
    expect(normalizeId('{ABCDEF01-2345-6789-ABCD-EF0123456789}')).toBe('abcdef01-2345-6789-abcd-ef0123456789');
    expect(normalizeId('')).toBeNull();
    expect(normalizeId(7)).toBeNull();
  });
});

describe('view changes → form outputs', () => {
  const options = [0, 1, 2, 3].map((value) => ({ value, label: String(value) }));
  test('toggleHelp keeps the options order and no duplicates', () => {
    expect(toggleHelp([2], options, 0, true)).toEqual([0, 2]);
    expect(toggleHelp([0, 2], options, 0, false)).toEqual([2]);
    expect(toggleHelp([2], options, 2, true)).toEqual([2]);
  });

  test('toOutputs hands back only what the user changed', () => {
    expect(toOutputs({})).toEqual({});
    expect(toOutputs({ sync: true })).toEqual({ SyncWithPartnerCenter: true });
    expect(toOutputs({ help: [1, 2], visibility: false })).toEqual({ HowCanMicrosoftHelp: [1, 2], ReferralVisibility: false });
  });
});

import { classify, formatAuditTime, parseAudit } from '../PartnerCenterSection/model/audit';

describe('parseAudit: the Audit column as entries', () => {
  test('flow lines become entries, newest first whatever the written order', () => {
    const entries = parseAudit(
      '2024-05-02T08:15:00Z Referral created in Partner Center\n2024-05-06T09:30:12Z Microsoft referral Active/Accepted\n2024-05-03T14:02:45Z Referral not updated: Partner Center kept answering 412 after 5 attempts',
    );
    expect(entries.map((entry) => entry.time?.toISOString())).toEqual([
      '2024-05-06T09:30:12.000Z',
      '2024-05-03T14:02:45.000Z',
      '2024-05-02T08:15:00.000Z',
    ]);
    expect(entries.map((entry) => entry.level)).toEqual(['info', 'error', 'info']);
  });

  test('a line without a time continues the entry above it (multi-line Partner Center messages)', () => {
    const entries = parseAudit('2024-05-01T17:45:09Z Referral not created: first line\r\nsecond line\n\n2024-04-01T00:00:00Z older');
    expect(entries.map((entry) => [entry.time?.toISOString(), entry.message])).toEqual([
      ['2024-05-01T17:45:09.000Z', 'Referral not created: first line\nsecond line'],
      ['2024-04-01T00:00:00.000Z', 'older'],
    ]);
  });

  test('malformed values never throw: not a string → no entries, free text → entries without time', () => {
    expect(parseAudit(null)).toEqual([]);
    expect(parseAudit(undefined)).toEqual([]);
    expect(parseAudit(42)).toEqual([]);
    expect(parseAudit({ lines: [] })).toEqual([]);
    expect(parseAudit('')).toEqual([]);
    const free = parseAudit('typed by hand\nanother note');
    expect(free.map((entry) => [entry.time, entry.message])).toEqual([
      [undefined, 'typed by hand'],
      [undefined, 'another note'],
    ]);
  });

  test('an impossible time is not a time: the whole line is the message', () => {
    const [entry] = parseAudit('2024-13-45T99:99:00Z Referral created in Partner Center');
    expect(entry.time).toBeUndefined();
    expect(entry.message).toBe('2024-13-45T99:99:00Z Referral created in Partner Center');
  });

  test('untimed lines before the first time are listed after the timed entries', () => {
    const entries = parseAudit('stray note\n2024-05-01T00:00:00Z Referral created in Partner Center');
    expect(entries.map((entry) => entry.message)).toEqual(['Referral created in Partner Center', 'stray note']);
  });

  test('HTML and script in a line stay text, character for character', () => {
    const line = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    expect(parseAudit(`2024-05-01T00:00:00Z ${line}`)[0].message).toBe(line);
  });

  test('a huge value is cut at 100,000 characters instead of hanging the form', () => {
    const stamp = '2024-05-01T00:00:00Z ';
    const entries = parseAudit(`${stamp}${'x'.repeat(300_000)}`);
    expect(entries).toHaveLength(1);
    expect(entries[0].message).toBe('x'.repeat(100_000 - stamp.length));
  });
});

describe('classify: errors and the fix each suggests', () => {
  test.each([
    ['Referral created in Partner Center', 'info', []],
    ['Microsoft referral Active/Accepted', 'info', []],
    ['Referral not created: The opportunity needs a customer account.', 'error', ['Fix_Account']],
    ['Referral not created: The customer account needs a two-letter ISO 3166 country code.', 'error', ['Fix_CountryCode']],
    ['Referral not created: Add at least one Partner Center solution to the opportunity.', 'error', ['Fix_Solution']],
    ['Referral not created: A customer contact is required when Microsoft help is requested.', 'error', ['Fix_Contact']],
    ['Referral not created: The opportunity needs a currency.', 'error', ['Fix_Currency']],
    ['Referral not created: The opportunity needs an estimated close date.', 'error', ['Fix_CloseDate']],
    ['Referral not updated: Partner Center kept answering 412 after 5 attempts', 'error', ['Fix_Conflict']],
    ['Referral not created: 401 Unauthorized', 'error', ['Fix_Connection']],
    ['Referral not created: something nobody planned for', 'error', ['Fix_Generic']],
  ] as const)('%s → %s %j', (message, level, fixes) => {
    expect(classify(message)).toEqual({ level, fixes });
  });

  test('a message naming several problems suggests every fix, in order', () => {
    expect(
      classify(
        'Referral not created: The customer account needs a two-letter ISO 3166 country code. Add at least one Partner Center solution to the opportunity.',
      ).fixes,
    ).toEqual(['Fix_CountryCode', 'Fix_Solution']);
  });
});

describe('formatAuditTime', () => {
  const time = new Date('2024-05-06T09:30:12Z');
  test('applies the user time-zone offset and language', () => {
    expect(formatAuditTime(time, 'en-US', 0)).toMatch(/May 6, 2024/);
    expect(formatAuditTime(time, 'en-US', 8 * 60)).toMatch(/05:30 PM/);
    expect(formatAuditTime(time, 'zh-TW', 8 * 60)).toMatch(/2024年5月6日/);
  });
});

/** Date and time functions (virtual "now" = 2018-04-15T13:00:00Z) and workflow functions over a fake host. */
import { ev, host, START, thrown } from './support.js';
import { evaluateTemplate } from '../../sim/runtime/evaluate.js';

const cases = (rows: Array<[string, unknown]>): void => {
  test.each(rows)('%s → %p', (expression, expected) => {
    expect(ev(expression)).toEqual(expected);
  });
};

describe('date and time functions', () => {
  describe('utcNow (from the host clock)', () => {
    cases([
      ['@utcNow()', '2018-04-15T13:00:00.0000000Z'],
      ["@utcNow('D')", 'Sunday, April 15, 2018'],
      ["@utcNow('yyyy-MM-dd')", '2018-04-15'],
    ]);
  });

  describe('addDays / addHours / addMinutes / addSeconds', () => {
    cases([
      ["@addDays('2018-03-15T00:00:00Z', 10)", '2018-03-25T00:00:00.0000000Z'],
      ["@addDays('2018-03-15T00:00:00Z', -5)", '2018-03-10T00:00:00.0000000Z'],
      ["@addHours('2018-03-15T00:00:00Z', 10)", '2018-03-15T10:00:00.0000000Z'],
      ["@addHours('2018-03-15T15:00:00Z', -5)", '2018-03-15T10:00:00.0000000Z'],
      ["@addMinutes('2018-03-15T00:10:00Z', 10)", '2018-03-15T00:20:00.0000000Z'],
      ["@addMinutes('2018-03-15T00:20:00Z', -5)", '2018-03-15T00:15:00.0000000Z'],
      ["@addSeconds('2018-03-15T00:00:00Z', 10)", '2018-03-15T00:00:10.0000000Z'],
      ["@addSeconds('2018-03-15T00:00:30Z', -5)", '2018-03-15T00:00:25.0000000Z'],
      ["@addDays('2018-03-15', 1)", '2018-03-16T00:00:00.0000000'],
      ["@addDays('2018-03-15T00:00:00Z', 1, 'yyyy-MM-dd')", '2018-03-16'],
      ["@addHours('2024-01-01T10:00:00.1234567Z', 1)", '2024-01-01T11:00:00.1234567Z'],
    ]);
    test('null and non-timestamps are errors', () => {
      expect(thrown(() => ev('@addDays(null, 1)'))).toMatch(
        /'addDays' expects its first parameter to be a string that contains the time. The provided value is of type 'Null'/,
      );
      expect(thrown(() => ev("@addDays('not a date', 1)"))).toBe(
        "In function 'addDays', the value provided for date time string 'not a date' was not valid. The datetime string must match ISO 8601 format.",
      );
    });
  });

  describe('addToTime / subtractFromTime / getFutureTime / getPastTime', () => {
    cases([
      ["@addToTime('2018-01-01T00:00:00Z', 1, 'Day')", '2018-01-02T00:00:00.0000000Z'],
      ["@addToTime('2018-01-01T00:00:00Z', 1, 'Day', 'D')", 'Tuesday, January 2, 2018'],
      ["@addToTime('2018-01-31T00:00:00Z', 1, 'Month')", '2018-02-28T00:00:00.0000000Z'],
      ["@addToTime('2020-02-29T00:00:00Z', 1, 'Year')", '2021-02-28T00:00:00.0000000Z'],
      ["@addToTime('2018-01-01T00:00:00Z', 2, 'Week')", '2018-01-15T00:00:00.0000000Z'],
      ["@subtractFromTime('2018-01-02T00:00:00Z', 1, 'Day')", '2018-01-01T00:00:00.0000000Z'],
      ["@subtractFromTime('2018-01-02T00:00:00Z', 1, 'Day', 'D')", 'Monday, January 1, 2018'],
      ["@getFutureTime(5, 'Day')", '2018-04-20T13:00:00.0000000Z'],
      ["@getPastTime(5, 'Day', 'yyyy-MM-dd')", '2018-04-10'],
    ]);
    test('an unknown unit is an error', () => {
      expect(thrown(() => ev("@addToTime('2018-01-01T00:00:00Z', 1, 'Fortnight')"))).toMatch(/time unit of 'Second'/);
    });
  });

  describe('formatDateTime', () => {
    cases([
      ["@formatDateTime('03/15/2018 12:00:00', 'yyyy-MM-ddTHH:mm:ss')", '2018-03-15T12:00:00'],
      ["@formatDateTime('03/15/2018')", '2018-03-15T00:00:00.0000000'],
      ["@formatDateTime('01/31/2016', 'dddd MMMM d')", 'Sunday January 31'],
      ["@formatDateTime('01/31/2016', 'dddd MMMM d', 'fr-fr')", 'dimanche janvier 31'],
      ["@formatDateTime('2024-06-30', 'yyyy-MM-ddT00:00:00Z')", '2024-06-30T00:00:00Z'],
      ["@formatDateTime('2024-06-30T17:45:00Z', 'yyyy-MM-dd')", '2024-06-30'],
      ["@formatDateTime('2024-06-30T17:45:09.5Z', 'h:mm:ss tt')", '5:45:09 PM'],
      ["@formatDateTime('2024-06-30T17:45:09.5Z', 'HH:mm:ss.fff')", '17:45:09.500'],
      ["@formatDateTime('2024-06-30T17:45:09Z', 'ss.FFF')", '09'],
      ["@formatDateTime('2024-06-30T17:45:09Z', 'MMM d, yy')", 'Jun 30, 24'],
      ["@formatDateTime('2024-06-30T17:45:09Z', 'u')", '2024-06-30 17:45:09Z'],
      ["@formatDateTime('2024-06-30T17:45:09Z', 's')", '2024-06-30T17:45:09'],
      ["@formatDateTime('2024-06-30T17:45:09Z', 'r')", 'Sun, 30 Jun 2024 17:45:09 GMT'],
      ["@formatDateTime('2024-06-30T17:45:09Z', 'o')", '2024-06-30T17:45:09.0000000Z'],
      ["@formatDateTime('2024-06-30T19:45:09+02:00')", '2024-06-30T17:45:09.0000000Z'],
      ["@formatDateTime('2024-06-30T17:45:09Z', '''Day'' d')", 'Day 30'],
    ]);
    test('null is a type error, garbage is not a timestamp', () => {
      expect(thrown(() => ev('@formatDateTime(null)'))).toMatch(
        /'formatDateTime' expects its first parameter to be a string that contains the time/,
      );
      expect(thrown(() => ev("@formatDateTime('2024-13-01')"))).toMatch(/was not valid/);
      expect(thrown(() => ev("@formatDateTime('2024-01-01', 'Q')"))).toMatch(/not a valid standard date and time format/);
    });
  });

  describe('parseDateTime', () => {
    cases([
      ["@parseDateTime('20/10/2014', 'fr-fr')", '2014-10-20T00:00:00.0000000'],
      ["@parseDateTime('21052019', 'fr-fr', 'ddMMyyyy')", '2019-05-21T00:00:00.0000000'],
      ["@parseDateTime('10/20/2014 15h', 'en-US', 'MM/dd/yyyy HH\\h')", '2014-10-20T15:00:00.0000000'],
      ["@parseDateTime('2014-10-20T15:00:00Z')", '2014-10-20T15:00:00.0000000Z'],
    ]);
    test('text that does not fit the format is an error', () => {
      expect(thrown(() => ev("@parseDateTime('2019-05-21', 'fr-fr', 'ddMMyyyy')"))).toMatch(/was not valid for the format/);
    });
  });

  describe('time zones (Windows names)', () => {
    cases([
      ["@convertFromUtc('2018-01-01T08:00:00.0000000Z', 'Pacific Standard Time')", '2018-01-01T00:00:00.0000000'],
      ["@convertFromUtc('2018-01-01T08:00:00.0000000Z', 'Pacific Standard Time', 'D')", 'Monday, January 1, 2018'],
      ["@convertTimeZone('2018-01-01T08:00:00.0000000Z', 'UTC', 'Pacific Standard Time')", '2018-01-01T00:00:00.0000000'],
      ["@convertToUtc('01/01/2018 00:00:00', 'Pacific Standard Time')", '2018-01-01T08:00:00.0000000Z'],
      ["@convertToUtc('01/01/2018 00:00:00', 'Pacific Standard Time', 'D')", 'Monday, January 1, 2018'],
      ["@convertFromUtc('2018-07-01T08:00:00Z', 'W. Europe Standard Time')", '2018-07-01T10:00:00.0000000'],
    ]);
    test('an unknown zone is an error', () => {
      expect(thrown(() => ev("@convertFromUtc('2018-01-01T08:00:00Z', 'Mars Standard Time')"))).toMatch(/not a Windows time zone name/);
    });
  });

  describe('startOf… / dayOf… / ticks / dateDifference', () => {
    cases([
      ["@startOfDay('2018-03-15T13:30:30Z')", '2018-03-15T00:00:00.0000000Z'],
      ["@startOfHour('2018-03-15T13:30:30Z')", '2018-03-15T13:00:00.0000000Z'],
      ["@startOfMonth('2018-03-15T13:30:30Z')", '2018-03-01T00:00:00.0000000Z'],
      ["@startOfMonth('2018-03-15T13:30:30Z', 'yyyy-MM-dd')", '2018-03-01'],
      ["@dayOfMonth('2018-03-15T13:27:36Z')", 15],
      ["@dayOfWeek('2018-03-15T13:27:36Z')", 4],
      ["@dayOfYear('2018-03-15T13:27:36Z')", 74],
      ["@ticks('2018-01-01T00:00:00Z')", 636503616000000000],
      ["@dateDifference('2015-02-08', '2018-07-30')", '1268.00:00:00'],
      ["@dateDifference('2018-07-30T10:00:00Z', '2018-07-30T08:30:00Z')", '-01:30:00'],
      ["@dateDifference('2018-07-30T00:00:00Z', '2018-07-30T00:00:01.5Z')", '00:00:01.5000000'],
    ]);
  });
});

describe('workflow functions', () => {
  const records: Record<string, Record<string, unknown> | undefined> = {
    Get_row: { name: 'Get_row', status: 'Succeeded', outputs: { statusCode: 200, headers: {}, body: { name: 'Row' } } },
    Compose: { name: 'Compose', status: 'Succeeded', outputs: 'composed' },
    Skipped_one: undefined,
  };
  const workflowHost = host({
    trigger: () => ({ name: 'manual', outputs: { headers: { a: '1' }, body: { text: 'hi' } } }),
    action: (name) => (name in records ? { record: records[name] } : undefined),
    variable: (name) => (name === 'Count' ? { value: 3 } : undefined),
    parameter: (name) => (name === 'Deal value field (pcs_DealValueField)' ? { value: 'estimatedvalue' } : undefined),
    item: () => ({ value: { id: 7 } }),
    items: (loop) => (loop === 'For_each' ? { value: 'outer' } : undefined),
    iterationIndex: (loop) => (loop === 'Until' ? 2 : undefined),
    result: (scope) => (scope === 'Try' ? [{ name: 'Get_row', status: 'Failed' }] : undefined),
    workflow: () => ({ name: 'flow-id', run: { name: 'run-1' }, tags: { flowDisplayName: 'My flow' } }),
  });
  const evw = (template: string): unknown => evaluateTemplate(template, workflowHost);

  test('trigger, triggerOutputs, triggerBody', () => {
    expect(evw("@trigger()?['name']")).toBe('manual');
    expect(evw("@triggerOutputs()?['headers']?['a']")).toBe('1');
    expect(evw("@triggerBody()?['text']")).toBe('hi');
    expect(evw("@triggerOutputs()?['body/text']")).toBe('hi');
  });

  test('body, outputs, actions (and their action… aliases)', () => {
    expect(evw("@body('Get_row')?['name']")).toBe('Row');
    expect(evw("@actionBody('Get_row')")).toEqual({ name: 'Row' });
    expect(evw("@outputs('Get_row')?['statusCode']")).toBe(200);
    expect(evw("@actionOutputs('Compose')")).toBe('composed');
    expect(evw("@actions('Get_row')?['status']")).toBe('Succeeded');
    expect(evw("@actions('Get_row').outputs.body.name")).toBe('Row');
  });

  test('an action that did not run has null outputs; an unknown action is an error', () => {
    expect(evw("@body('Skipped_one')")).toBeNull();
    expect(evw("@coalesce(body('Skipped_one'), 'fallback')")).toBe('fallback');
    expect(() => evw("@body('Nope')")).toThrow(
      "The template language function 'body' refers to the action 'Nope', which is not defined in the workflow.",
    );
  });

  test('variables, parameters (environment variable parameters included)', () => {
    expect(evw("@variables('Count')")).toBe(3);
    expect(evw("@parameters('Deal value field (pcs_DealValueField)')")).toBe('estimatedvalue');
    expect(() => evw("@variables('Missing')")).toThrow(/variable 'Missing' is not initialized/);
    expect(() => evw("@parameters('Missing')")).toThrow(/parameter 'Missing' is not found/);
  });

  test('item, items, iterationIndexes, result, workflow', () => {
    expect(evw("@item()?['id']")).toBe(7);
    expect(evw("@items('For_each')")).toBe('outer');
    expect(evw("@iterationIndexes('Until')")).toBe(2);
    expect(evw("@result('Try')")).toEqual([{ name: 'Get_row', status: 'Failed' }]);
    expect(evw("@workflow()?['tags']?['flowDisplayName']")).toBe('My flow');
    expect(evw('@workflow().run.name')).toBe('run-1');
    expect(() => evw("@items('Other')")).toThrow(/inside the Foreach loop 'Other'/);
    expect(() => evw("@result('Get_row_x')")).toThrow(/expects the name of a Scope, Foreach or Until/);
  });

  test('form data and multipart outputs', () => {
    const formHost = host({
      trigger: () => ({
        outputs: {
          body: {
            '$content-type': 'application/x-www-form-urlencoded',
            $formdata: [
              { key: 'feedUrl', value: 'https://a' },
              { key: 'tag', value: 'x' },
              { key: 'tag', value: 'y' },
            ],
          },
        },
      }),
      action: () => ({
        record: {
          outputs: {
            body: {
              '$content-type': 'multipart/form-data',
              $multipart: [{ headers: { 'Content-Disposition': 'form-data; name="Subject"' }, body: 'Hello world' }],
            },
          },
        },
      }),
    });
    expect(evaluateTemplate("@triggerFormDataValue('feedUrl')", formHost)).toBe('https://a');
    expect(evaluateTemplate("@triggerFormDataMultiValues('tag')", formHost)).toEqual(['x', 'y']);
    expect(() => evaluateTemplate("@triggerFormDataValue('tag')", formHost)).toThrow(/more than one value/);
    expect(evaluateTemplate("@formDataValue('Send', 'Subject')", formHost)).toBe('Hello world');
    expect(evaluateTemplate("@multipartBody('Send', 0)", formHost)).toBe('Hello world');
  });

  test('outside a run the run-bound functions are errors naming themselves', () => {
    expect(() => ev('@triggerBody()')).toThrow(
      "The template language function 'triggerBody' cannot be used here: there is no run context for it.",
    );
    expect(() => ev('@listCallbackUrl()')).toThrow(/'listCallbackUrl' cannot be used here/);
    expect(new Date(START).toISOString()).toBe(START);
  });
});

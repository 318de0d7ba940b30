import { retryDelayMs, WebApi, type Fetch } from '../../deploy/web-api.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

function client(answers: Array<Response | Error>) {
  const sent: Array<{ url: string; headers: Record<string, string> }> = [];
  const sleeps: number[] = [];
  const fetchImpl: Fetch = (url, init) => {
    sent.push({ url, headers: init.headers });
    const next = answers.shift()!;
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  const api = new WebApi({
    orgUrl: 'https://contoso.crm.dynamics.com/',
    token: () => Promise.resolve('secret-token-value'),
    fetch: fetchImpl,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    maxRetries: 2,
  });
  return { api, sent, sleeps };
}

describe('Web API client', () => {
  test('sends the documented headers with the bearer token, under /api/data/v9.2', async () => {
    const { api, sent } = client([json(200, { value: [] })]);
    await api.get('solutions?$select=version', 'reading');
    expect(sent).toEqual([
      {
        url: 'https://contoso.crm.dynamics.com/api/data/v9.2/solutions?$select=version',
        headers: {
          Authorization: 'Bearer secret-token-value',
          Accept: 'application/json',
          'OData-Version': '4.0',
          'OData-MaxVersion': '4.0',
        },
      },
    ]);
  });

  test('429 waits Retry-After (seconds or an HTTP date), else 2^n s; gives up after maxRetries with the fix', async () => {
    expect(retryDelayMs('3', 0)).toBe(3000);
    expect(retryDelayMs(null, 3)).toBe(8000);
    expect(retryDelayMs(new Date(Date.now() + 60_000).toUTCString(), 0)).toBeGreaterThan(55_000);
    const throttled = () =>
      json(429, { error: { code: '0x80072322', message: 'Number of requests exceeded the limit' } }, { 'Retry-After': '4' });
    const { api, sleeps } = client([throttled(), throttled(), throttled()]);
    await expect(api.get('solutions', 'reading solutions')).rejects.toThrow(
      'reading solutions failed: HTTP 429 0x80072322: Number of requests exceeded the limit\n  fix: Dataverse throttled the calls',
    );
    expect(sleeps).toEqual([4000, 4000]);
  });

  test('401 and 403 say what to set up; the token is in no message', async () => {
    const { api } = client([
      json(401, undefined),
      json(403, { error: { code: '0x80040220', message: 'Principal user is missing prvImportCustomization privilege' } }),
    ]);
    const unauthorized = await api.get('solutions', 'reading').then(
      () => '',
      (error: Error) => error.message,
    );
    expect(unauthorized).toMatch(/^reading failed: HTTP 401: \(no body\)\n {2}fix: the token was refused: .*application user/);
    const forbidden = await api.post('StageSolution', {}, 'StageSolution').then(
      () => '',
      (error: Error) => error.message,
    );
    expect(forbidden).toMatch(/fix: the application user lacks a privilege: give it the System Customizer/);
    expect(unauthorized + forbidden).not.toContain('secret-token-value');
  });

  test('an unreachable org URL is named with the fix', async () => {
    const { api } = client([Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } })]);
    await expect(api.get('solutions', 'reading')).rejects.toThrow(
      'reading failed: https://contoso.crm.dynamics.com cannot be reached (ENOTFOUND)\n  fix: check the orgUrl of the environment in pac.config.json',
    );
  });
});

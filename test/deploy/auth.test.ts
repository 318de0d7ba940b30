import { UserError } from '../../core/errors.js';
import { credentialFromEnv, tokenProvider } from '../../deploy/auth.js';
import { TokenEndpoint } from '../../sim/dataverse/token-endpoint.js';
import { clientCertificate, localTls, trustingNetworkClient, type TestTls } from './tls.js';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SECRET = 'right-secret-value~123';
const ORG = 'https://contoso-staging.crm.dynamics.com';

let tls: TestTls;
let endpoint: TokenEndpoint;
let certificate: { pem: string; cert: string };
beforeAll(async () => {
  tls = await localTls();
  certificate = await clientCertificate();
  endpoint = new TokenEndpoint({
    tls,
    tenantId: TENANT,
    clients: [{ clientId: CLIENT, secret: SECRET, certificatePem: certificate.cert }],
    resources: [ORG],
  });
  await endpoint.start();
});
afterAll(() => endpoint.stop());

const provider = (env: Record<string, string>, tenantId = TENANT) =>
  tokenProvider({
    tenantId,
    clientId: CLIENT,
    orgUrl: ORG,
    credential: credentialFromEnv(env, 'staging'),
    authorityHost: endpoint.authorityHost,
    networkClient: trustingNetworkClient(tls.ca),
  });

async function failure(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

describe('msal-node client credentials against the local token endpoint', () => {
  test('a client secret gets a token for <org>/.default that the endpoint then accepts; msal caches it', async () => {
    const before = endpoint.requests.length;
    const token = provider({ COSELL_CLIENT_SECRET: SECRET });
    const first = await token();
    expect(await token()).toBe(first);
    expect(endpoint.accepts(`Bearer ${first}`, ORG)).toBe(true);
    expect(endpoint.accepts('Bearer forged', ORG)).toBe(false);
    expect(endpoint.requests.slice(before)).toEqual([
      {
        path: `/${TENANT}/oauth2/v2.0/token`,
        grantType: 'client_credentials',
        clientId: CLIENT,
        scope: `${ORG}/.default`,
        credential: 'secret',
        status: 200,
      },
    ]);
  });

  test('a certificate (PEM with its key) signs a client assertion the endpoint verifies', async () => {
    const before = endpoint.requests.length;
    const token = await provider({ COSELL_STAGING_CLIENT_CERTIFICATE: certificate.pem })();
    expect(endpoint.accepts(`Bearer ${token}`)).toBe(true);
    expect(endpoint.requests.slice(before).map((request) => [request.credential, request.status])).toEqual([['assertion', 200]]);
  });

  test('a wrong secret is refused with AADSTS7000215 and a fix; the secret is in no message', async () => {
    const message = await failure(() => provider({ COSELL_CLIENT_SECRET: 'wrong-secret-value' })());
    expect(message).toMatch(
      /^sign-in as aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee to tenant 11111111-2222-4333-8444-555555555555 failed: invalid_client: AADSTS7000215: Invalid client secret provided/,
    );
    expect(message).toMatch(/fix: the client secret is wrong or expired/);
    expect(message).not.toContain('wrong-secret-value');
    expect(endpoint.requests.at(-1)).toMatchObject({ credential: 'secret', status: 401 });
  });

  test('an unknown tenant is named with its fix', async () => {
    const message = await failure(() => provider({ COSELL_CLIENT_SECRET: SECRET }, '99999999-2222-4333-8444-555555555555')());
    expect(message).toMatch(/fix: tenant 99999999-2222-4333-8444-555555555555 was not found: check tenantId in pac.config.json/);
  });

  test('no credential in the environment: the variables to set are named', () => {
    expect(() => credentialFromEnv({}, 'production')).toThrow(
      'no credential for environment "production": neither COSELL_PRODUCTION_CLIENT_SECRET, COSELL_CLIENT_SECRET, COSELL_PRODUCTION_CLIENT_CERTIFICATE nor COSELL_CLIENT_CERTIFICATE is set',
    );
    expect(credentialFromEnv({ COSELL_CLIENT_SECRET: 'shared', COSELL_STAGING_CLIENT_SECRET: 'own' }, 'staging')).toEqual({
      kind: 'secret',
      secret: 'own',
    });
  });
});

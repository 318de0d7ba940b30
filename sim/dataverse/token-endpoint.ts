/**
 * A local Microsoft Entra ID token endpoint for the emulators, on HTTPS at 127.0.0.1 (msal-node accepts only an
 * https authority): the OpenID configuration (`<tenant>/v2.0/.well-known/openid-configuration`) and the OAuth 2.0
 * client credentials grant (`<tenant>/oauth2/v2.0/token`) with a client secret or a certificate-signed client
 * assertion (Learn: "Microsoft identity platform and the OAuth 2.0 client credentials flow"). msal-node reaches it
 * through its documented `knownAuthorities` option. Errors carry the AADSTS codes Learn lists ("Microsoft Entra
 * authentication and authorization error codes"). See CONTRACT.md section L.
 */
import { X509Certificate, constants, randomBytes, timingSafeEqual, verify } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RegisteredClient {
  clientId: string;
  secret?: string;
  /** PEM of the certificate whose private key signs the client assertion. */
  certificatePem?: string;
}

export interface TokenEndpointOptions {
  tls: { key: string; cert: string };
  tenantId: string;
  clients: RegisteredClient[];
  /** Resources (`<org URL>`) tokens may be issued for; any when empty. */
  resources?: string[];
  lifetimeSeconds?: number;
  now?: () => Date;
  /** Port on 127.0.0.1 (default 0: a free port). */
  port?: number;
}

/** One token request, without any credential. */
export interface TokenRequest {
  path: string;
  grantType: string;
  clientId: string;
  scope: string;
  credential: 'secret' | 'assertion' | 'none';
  status: number;
}

export class TokenEndpoint {
  readonly requests: TokenRequest[] = [];
  private readonly tokens = new Map<string, { resource: string; expires: number }>();
  private server: Server | undefined;
  private origin: string | undefined;

  constructor(private readonly options: TokenEndpointOptions) {}

  /** `https://127.0.0.1:<port>`: the authority host (COSELL_AUTHORITY_HOST). */
  get authorityHost(): string {
    if (!this.origin) throw new Error('The token endpoint is not started');
    return this.origin;
  }

  async start(): Promise<void> {
    const server = createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, (request, response) => {
      this.onRequest(request, response).catch(() => response.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Whether an `Authorization` header carries a live token of this endpoint (for `resource` when given). */
  accepts(authorization: string | undefined, resource?: string): boolean {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    const issued = token ? this.tokens.get(token) : undefined;
    if (!issued || issued.expires <= this.now()) return false;
    return resource === undefined || issued.resource === resource.replace(/\/+$/, '');
  }

  private now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', this.authorityHost);
    const parts = url.pathname.split('/').filter(Boolean);
    const tenant = parts[0] ?? '';
    const rest = parts.slice(1).join('/');
    if (request.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') {
      if (tenant !== this.options.tenantId) return send(response, 400, aadError('invalid_tenant', 90002, `Tenant '${tenant}' not found.`));
      const base = `${this.authorityHost}/${tenant}`;
      return send(response, 200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      });
    }
    if (request.method === 'POST' && rest === 'oauth2/v2.0/token') {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const outcome = this.token(tenant, form, `${this.authorityHost}${url.pathname}`);
      this.requests.push({
        path: url.pathname,
        grantType: form.get('grant_type') ?? '',
        clientId: form.get('client_id') ?? '',
        scope: form.get('scope') ?? '',
        credential: form.has('client_secret') ? 'secret' : form.has('client_assertion') ? 'assertion' : 'none',
        status: outcome.status,
      });
      return send(response, outcome.status, outcome.body);
    }
    return send(response, 404, aadError('invalid_request', 90010, `The request path '${url.pathname}' is not supported.`));
  }

  private token(tenant: string, form: URLSearchParams, endpoint: string): { status: number; body: unknown } {
    if (tenant !== this.options.tenantId)
      return {
        status: 400,
        body: aadError('invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`),
      };
    if (form.get('grant_type') !== 'client_credentials') {
      return { status: 400, body: aadError('unsupported_grant_type', 70003, 'The app requested an unsupported grant type.') };
    }
    const clientId = form.get('client_id') ?? '';
    const client = this.options.clients.find((candidate) => candidate.clientId === clientId);
    if (!client) {
      return {
        status: 400,
        body: aadError(
          'unauthorized_client',
          700016,
          `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
        ),
      };
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (!client.secret || !sameText(secret, client.secret)) {
        return {
          status: 401,
          body: aadError(
            'invalid_client',
            7000215,
            'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.',
          ),
        };
      }
    } else if (assertion !== null) {
      const problem = client.certificatePem
        ? assertionProblem(assertion, client.certificatePem, clientId, endpoint, this.now())
        : 'no certificate registered';
      if (problem)
        return { status: 401, body: aadError('invalid_client', 700027, `Client assertion failed signature validation. (${problem})`) };
    } else {
      return {
        status: 401,
        body: aadError(
          'invalid_client',
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ),
      };
    }
    const scope = form.get('scope') ?? '';
    const resource = /^(.*)\/\.default$/.exec(scope.split(' ')[0] ?? '')?.[1];
    if (!resource || (this.options.resources && this.options.resources.length > 0 && !this.options.resources.includes(resource))) {
      return {
        status: 400,
        body: aadError(
          'invalid_scope',
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        ),
      };
    }
    const lifetime = this.options.lifetimeSeconds ?? 3599;
    const token = `emu.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { resource, expires: this.now() + lifetime * 1000 });
    return { status: 200, body: { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token } };
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why a client assertion (a JWT signed RS256 or PS256 with the certificate's key) is not valid, or undefined. */
function assertionProblem(jwt: string, certificatePem: string, clientId: string, endpoint: string, now: number): string | undefined {
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return 'not a JWT';
  let head: { alg?: string };
  let claims: { aud?: string; iss?: string; sub?: string; exp?: number; nbf?: number };
  try {
    head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as typeof head;
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return 'unreadable JWT';
  }
  const key = new X509Certificate(certificatePem).publicKey;
  const data = Buffer.from(`${header}.${payload}`);
  const signed = Buffer.from(signature, 'base64url');
  const valid =
    head.alg === 'PS256'
      ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signed)
      : head.alg === 'RS256'
        ? verify('sha256', data, key, signed)
        : false;
  if (!valid) return `signature (${head.alg ?? 'no alg'})`;
  if (claims.iss !== clientId || claims.sub !== clientId) return 'iss/sub';
  if (claims.aud !== endpoint) return `aud ${claims.aud ?? ''}`;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) return 'expired';
  return undefined;
}

function aadError(error: string, code: number, description: string): unknown {
  return {
    error,
    error_description: `AADSTS${code}: ${description}`,
    error_codes: [code],
    timestamp: new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
    trace_id: '00000000-0000-0000-0000-000000000000',
    correlation_id: '00000000-0000-0000-0000-000000000000',
  };
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(body));
}

/**
 * Sign-in as the app registration of an environment's application user, with @azure/msal-node's client
 * credentials flow: `acquireTokenByClientCredential({ scopes: ['<org URL>/.default'] })` (Learn: "Use OAuth
 * authentication with Microsoft Dataverse"; ../shared/docs/alm.md §2.5). The secret or certificate comes from
 * environment variables only, never from a file of the project; neither it nor a token is ever printed.
 *
 * Another authority host (the emulators' local token endpoint) is set with COSELL_AUTHORITY_HOST; msal-node then
 * trusts it through its documented `knownAuthorities` option and reads its OpenID configuration from it.
 */
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { ConfidentialClientApplication, type Configuration, type INetworkModule } from '@azure/msal-node';
import { UserError } from '../core/errors.js';

export const AuthEnv = {
  secret: 'COSELL_CLIENT_SECRET',
  certificate: 'COSELL_CLIENT_CERTIFICATE',
  authorityHost: 'COSELL_AUTHORITY_HOST',
} as const;

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** `COSELL_STAGING_CLIENT_SECRET` for environment `staging`: a per-environment variable wins over the shared one. */
export const perEnvironment = (name: string, environment: string): string =>
  name.replace(/^COSELL_/, `COSELL_${environment.toUpperCase()}_`);

export type Credential =
  { kind: 'secret'; secret: string } | { kind: 'certificate'; privateKey: string; thumbprintSha256: string; x5c: string };

/** The credential for an environment, from the process environment; a UserError naming the variables when none is set. */
export function credentialFromEnv(env: Readonly<Record<string, string | undefined>>, environment: string): Credential {
  const read = (name: string): { name: string; value: string } | undefined => {
    for (const candidate of [perEnvironment(name, environment), name]) {
      const value = env[candidate];
      if (value !== undefined && value.trim() !== '') return { name: candidate, value };
    }
    return undefined;
  };
  const secret = read(AuthEnv.secret);
  if (secret) return { kind: 'secret', secret: secret.value };
  const certificate = read(AuthEnv.certificate);
  if (certificate) return certificateCredential(certificate.value, certificate.name);
  throw new UserError(
    undefined,
    undefined,
    `no credential for environment "${environment}": neither ${perEnvironment(AuthEnv.secret, environment)}, ${AuthEnv.secret}, ${perEnvironment(AuthEnv.certificate, environment)} nor ${AuthEnv.certificate} is set`,
    `set ${AuthEnv.secret} to the client secret of the app registration (or ${AuthEnv.certificate} to its PEM certificate with the private key) in the shell or the pipeline's secret variables; never in a file of the project`,
  );
}

/** A PEM holding the certificate and its private key (as `openssl` or Key Vault export it). */
function certificateCredential(pem: string, variable: string): Credential {
  const text = pem.replace(/\\n/g, '\n');
  const certificateBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  const keyBlock = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(text)?.[0];
  if (!certificateBlock || !keyBlock) {
    throw new UserError(
      undefined,
      variable,
      'does not hold both a PEM certificate and its private key',
      `put both PEM blocks (CERTIFICATE and PRIVATE KEY) in ${variable}`,
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificateBlock);
    createPrivateKey(keyBlock);
  } catch {
    throw new UserError(
      undefined,
      variable,
      'holds a PEM block that cannot be read',
      'export the certificate again as PEM (with its unencrypted private key)',
    );
  }
  const thumbprintSha256 = createHash('sha256').update(certificate.raw).digest('hex');
  const privateKey = createPrivateKey(keyBlock).export({ format: 'pem', type: 'pkcs8' }).toString();
  return { kind: 'certificate', privateKey, thumbprintSha256, x5c: certificateBlock };
}

export interface TokenOptions {
  tenantId: string;
  clientId: string;
  orgUrl: string;
  credential: Credential;
  /** Default https://login.microsoftonline.com; COSELL_AUTHORITY_HOST for another (the emulators'). */
  authorityHost?: string;
  /** msal-node's `system.networkClient` (tests trust the emulators' certificate through it). */
  networkClient?: INetworkModule;
}

/** A token provider for `<orgUrl>/.default`; msal-node caches the token and renews it before it expires. */
export function tokenProvider(options: TokenOptions): () => Promise<string> {
  const host = (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
  const custom = host !== DEFAULT_AUTHORITY_HOST;
  const credential = options.credential;
  const configuration: Configuration = {
    auth: {
      clientId: options.clientId,
      authority: `${host}/${options.tenantId}`,
      ...(custom ? { knownAuthorities: [new URL(host).host] } : {}),
      ...(credential.kind === 'secret'
        ? { clientSecret: credential.secret }
        : { clientCertificate: { privateKey: credential.privateKey, thumbprintSha256: credential.thumbprintSha256, x5c: credential.x5c } }),
    },
    ...(options.networkClient ? { system: { networkClient: options.networkClient } } : {}),
  };
  const app = new ConfidentialClientApplication(configuration);
  const scope = `${options.orgUrl.replace(/\/+$/, '')}/.default`;
  return async () => {
    let result;
    try {
      result = await app.acquireTokenByClientCredential({ scopes: [scope] });
    } catch (error) {
      throw signInError(error, options, host);
    }
    if (!result?.accessToken)
      throw new UserError(
        undefined,
        undefined,
        `sign-in to ${host} returned no access token`,
        'run again; if it persists, check the app registration',
      );
    return result.accessToken;
  };
}

/** msal's error in words, with the fix; the credential itself is never part of it. */
function signInError(error: unknown, options: TokenOptions, host: string): UserError {
  const code = (error as { errorCode?: string }).errorCode ?? 'error';
  const raw = ((error as { errorMessage?: string }).errorMessage ?? (error instanceof Error ? error.message : String(error))).split(
    /\r?\n/,
  )[0]!;
  // msal writes "Error(s): <codes> - Timestamp: … - Description: AADSTS…: … - Correlation ID: … - Trace ID: …".
  const message = /Description: (.*?)(?: - Correlation ID:|$)/.exec(raw)?.[1] ?? raw;
  const aadsts = /AADSTS(\d+)/.exec(message)?.[1];
  const fix =
    aadsts === '7000215' || aadsts === '7000222'
      ? `the client secret is wrong or expired: create a new one in Entra ID → App registrations → ${options.clientId} → Certificates & secrets and set ${AuthEnv.secret}`
      : aadsts === '700016'
        ? `no application ${options.clientId} in tenant ${options.tenantId}: check clientId and tenantId in pac.config.json`
        : aadsts === '90002' || aadsts === '900023' || code === 'endpoints_resolution_error'
          ? `tenant ${options.tenantId} was not found: check tenantId in pac.config.json`
          : aadsts === '700027'
            ? 'the certificate is not registered on the app registration: upload its public part under Certificates & secrets'
            : `check the app registration, the tenant and the network to ${host}`;
  return new UserError(
    undefined,
    undefined,
    `sign-in as ${options.clientId} to tenant ${options.tenantId} failed: ${code}: ${message}`,
    fix,
  );
}

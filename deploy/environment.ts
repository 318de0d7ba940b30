/**
 * From a command's options to a connected Web API client: the environment's block of pac.config.json (org URL,
 * tenant, client id), the credential from the process environment, a token provider, and the settings file
 * validated against the zip before any call.
 */
import { UserError } from '../core/errors.js';
import type { PacConfig } from '../solution/config/config.js';
import { AuthEnv, credentialFromEnv, tokenProvider } from './auth.js';
import { WebApi, type Fetch } from './web-api.js';

export type EnvironmentName = 'staging' | 'production';
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['staging', 'production'];

export interface EnvironmentConfig {
  name: EnvironmentName;
  orgUrl: string;
  tenantId: string;
  clientId: string;
}

export function environmentOf(config: PacConfig, name: string, configFile: string): EnvironmentConfig {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(name)) {
    throw new UserError(undefined, '--env', `"${name}" is not an environment`, `give one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  const block = config.environments?.[name as EnvironmentName];
  if (!block) {
    throw new UserError(
      configFile,
      `/environments/${name}`,
      'is missing',
      `add "environments": { "${name}": { "orgUrl": "https://<org>.crm.dynamics.com", "tenantId": "<GUID>", "clientId": "<GUID>" } } (README: one-time set-up)`,
    );
  }
  return { name: name as EnvironmentName, orgUrl: block.orgUrl.replace(/\/+$/, ''), tenantId: block.tenantId, clientId: block.clientId };
}

export interface ConnectOptions {
  env: Readonly<Record<string, string | undefined>>;
  fetch?: Fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** A Web API client signed in for the environment; the credential is read now, so a missing one stops before any call. */
export function connect(environment: EnvironmentConfig, options: ConnectOptions): WebApi {
  const credential = credentialFromEnv(options.env, environment.name);
  const authorityHost = options.env[AuthEnv.authorityHost];
  const token = tokenProvider({
    tenantId: environment.tenantId,
    clientId: environment.clientId,
    orgUrl: environment.orgUrl,
    credential,
    ...(authorityHost ? { authorityHost } : {}),
  });
  return new WebApi({
    orgUrl: environment.orgUrl,
    token,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
}

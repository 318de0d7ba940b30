/**
 * Empty environments on 127.0.0.1 to deploy to, as an admin leaves them after step 1 of the one-time set-up
 * (README, "Deploy and promote"): one Dataverse emulator per environment behind HTTPS, each with one connection
 * per connector the solution's connection references use, and a local Microsoft Entra token endpoint that knows
 * one app registration. The certificates come from a local CA made per run (sim/tls.ts). On the real clock:
 * `cosell emulate` serves them until stopped, and the walk-through test deploys to them with the compiled CLI.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../contracts.js';
import type { SolutionModel } from '../../solution/model.js';
import { httpsFront, localTls, type HttpsFront } from '../tls.js';
import { DataverseEmulator } from './emulator.js';
import { TokenEndpoint } from './token-endpoint.js';

/** The emulated tenant and app registration: fixed, so a pasted `environments` block stays valid across runs. */
export const LOCAL_TENANT_ID = '00000000-0000-4000-8000-00000000c05e';
export const LOCAL_CLIENT_ID = '00000000-0000-4000-8000-0000000de910';
export const LOCAL_ENVIRONMENT_NAMES = ['staging', 'production'] as const;

/** How a connection reference names its connector in a solution (customizations.xml `connectorid`). */
const connectorIdOf = (apiName: string): string => `/providers/Microsoft.PowerApps/apis/${apiName}`;

export interface LocalConnection {
  /** `shared_…`, the connector's API name. */
  connector: string;
  connectorId: string;
  connectionId: string;
}

export interface LocalEnvironment {
  name: string;
  /** https://127.0.0.1:<port>: the org URL for pac.config.json. */
  orgUrl: string;
  dv: DataverseEmulator;
  connections: LocalConnection[];
}

export interface LocalEnvironments {
  tenantId: string;
  clientId: string;
  /** Generated per run; the only credential the token endpoint accepts. */
  clientSecret: string;
  /** https://127.0.0.1:<port>: COSELL_AUTHORITY_HOST. */
  authorityHost: string;
  /** PEM of the local CA (public): what NODE_EXTRA_CA_CERTS must name. */
  caCertificate: string;
  environments: LocalEnvironment[];
  token: TokenEndpoint;
  stop(): Promise<void>;
}

export interface LocalEnvironmentsOptions {
  /** The solution model: the tables the emulators know and the connectors its connection references use. */
  model: SolutionModel;
  /** 0 (default): free ports. Otherwise the token endpoint listens on portBase and environment i on portBase + 1 + i. */
  portBase?: number;
  /** Time an import takes on the real clock (default 2 s). */
  importDurationMs?: number;
}

const realClock: Clock = { now: () => new Date(), sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)) };

/** Starts the token endpoint and the environments; `stop()` closes every server it opened, also after a failed start. */
export async function startLocalEnvironments(options: LocalEnvironmentsOptions): Promise<LocalEnvironments> {
  const portBase = options.portBase ?? 0;
  const portOf = (index: number): number => (portBase === 0 ? 0 : portBase + index);
  const tls = await localTls();
  const stops: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const close of stops.reverse()) await close();
  };
  try {
    const connectors = [...new Set(options.model.connectionReferences.map((reference) => reference.apiName))];
    const environments: LocalEnvironment[] = [];
    const fronts: HttpsFront[] = [];
    for (const [index, name] of LOCAL_ENVIRONMENT_NAMES.entries()) {
      const dv = new DataverseEmulator({ model: options.model, clock: realClock });
      await dv.start();
      stops.push(() => dv.stop());
      dv.alm.importDurationMs = options.importDurationMs ?? 2_000;
      const front = await httpsFront(dv.baseUrl, tls, portOf(index + 1));
      stops.push(front.stop);
      fronts.push(front);
      const connections = connectors.map((connector) => ({
        connector,
        connectorId: connectorIdOf(connector),
        connectionId: `${name}-${connector.replace(/^shared_/, '')}`,
      }));
      for (const connection of connections) dv.alm.addConnection(connection.connectionId, connection.connectorId);
      environments.push({ name, orgUrl: front.url, dv, connections });
    }
    const clientSecret = `emu~${randomBytes(18).toString('base64url')}`;
    const token = new TokenEndpoint({
      tls,
      tenantId: LOCAL_TENANT_ID,
      clients: [{ clientId: LOCAL_CLIENT_ID, secret: clientSecret }],
      resources: environments.map((environment) => environment.orgUrl),
      port: portOf(0),
    });
    await token.start();
    stops.push(() => token.stop());
    for (const environment of environments) environment.dv.alm.requireAuthorization((header) => token.accepts(header, environment.orgUrl));
    return {
      tenantId: LOCAL_TENANT_ID,
      clientId: LOCAL_CLIENT_ID,
      clientSecret,
      authorityHost: token.authorityHost,
      caCertificate: tls.ca,
      environments,
      token,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

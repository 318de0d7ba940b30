import { request } from 'node:https';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { generate } from 'selfsigned';

/** The emulators' local CA and 127.0.0.1 certificate: sim/tls.ts (also what `cosell emulate` serves). */
export { localTls, httpsFront, type LocalTls as TestTls } from '../../sim/tls.js';

/** A client certificate with its key in one PEM (what COSELL_CLIENT_CERTIFICATE holds). */
export async function clientCertificate(): Promise<{ pem: string; cert: string }> {
  const made = await generate([{ name: 'commonName', value: 'cosell-deploy' }], { keySize: 2048, algorithm: 'sha256' });
  return { pem: `${made.cert}\n${made.private}`, cert: made.cert };
}

/** msal-node's network client over https trusting `ca` (the local CA's certificate). */
export function trustingNetworkClient(ca: string): INetworkModule {
  const send = <T>(method: string, url: string, headers: Record<string, string> = {}, body?: string): Promise<NetworkResponse<T>> =>
    new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        { method, headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) }, ca },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const responseHeaders: Record<string, string> = {};
            for (const [name, value] of Object.entries(response.headers)) if (typeof value === 'string') responseHeaders[name] = value;
            resolve({ status: response.statusCode ?? 0, headers: responseHeaders, body: (text ? JSON.parse(text) : {}) as T });
          });
        },
      );
      outgoing.on('error', reject);
      if (body !== undefined) outgoing.write(body);
      outgoing.end();
    });
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options?.headers),
    sendPostRequestAsync: (url, options) => send('POST', url, options?.headers, options?.body),
  };
}

import { request } from 'node:https';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { generate } from 'selfsigned';

export interface TestTls {
  key: string;
  cert: string;
}

/** A self-signed certificate for 127.0.0.1, for the emulators' HTTPS servers (made per test run, never stored). */
export async function localTls(): Promise<TestTls> {
  const made = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { key: made.private, cert: made.cert };
}

/** A client certificate with its key in one PEM (what COSELL_CLIENT_CERTIFICATE holds). */
export async function clientCertificate(): Promise<{ pem: string; cert: string }> {
  const made = await generate([{ name: 'commonName', value: 'cosell-deploy' }], { keySize: 2048, algorithm: 'sha256' });
  return { pem: `${made.cert}\n${made.private}`, cert: made.cert };
}

/** msal-node's network client over https trusting `ca` (the test certificate). */
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

/** An HTTPS front for an HTTP server (the Dataverse emulator), so the org URL is https://127.0.0.1:<port>. */
export async function httpsFront(target: string, tls: TestTls): Promise<{ url: string; stop: () => Promise<void> }> {
  const { createServer } = await import('node:https');
  const { request: httpRequest } = await import('node:http');
  const server = createServer({ key: tls.key, cert: tls.cert }, (incoming, outgoing) => {
    const forwarded = httpRequest(`${target}${incoming.url ?? '/'}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `https://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * HTTPS for the emulators on 127.0.0.1: a local certificate authority made per run (its key is never written
 * anywhere), a server certificate for 127.0.0.1 it signs, and an HTTPS front for an HTTP emulator. Node trusts the
 * CA through NODE_EXTRA_CA_CERTS (a file holding the CA certificate, which is public); msal-node and fetch then
 * accept the emulators as they accept login.microsoftonline.com and <org>.crm.dynamics.com.
 */
import { createServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface LocalTls {
  /** Private key of the server certificate (PEM), kept in memory. */
  key: string;
  /** Server certificate for IP 127.0.0.1 (PEM), signed by `ca`. */
  cert: string;
  /** The local CA's certificate (PEM): what NODE_EXTRA_CA_CERTS names. */
  ca: string;
}

const LOCAL_IP = '127.0.0.1';

/** A fresh CA and a 127.0.0.1 server certificate it signs (about 0.5 s: two RSA 2048 keys). */
export async function localTls(commonName = 'cosell local emulators CA'): Promise<LocalTls> {
  const authority = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: LOCAL_IP }], {
    keySize: 2048,
    algorithm: 'sha256',
    ca: { key: authority.private, cert: authority.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: LOCAL_IP }] },
    ],
  });
  return { key: server.private, cert: server.cert, ca: authority.cert };
}

export interface HttpsFront {
  url: string;
  stop: () => Promise<void>;
}

/**
 * An HTTPS front on 127.0.0.1 for an HTTP server (the Dataverse emulator), so an org URL is https://127.0.0.1:<port>
 * as Dataverse's are https. Port 0 takes a free port.
 */
export async function httpsFront(target: string, tls: Pick<LocalTls, 'key' | 'cert'>, port = 0): Promise<HttpsFront> {
  const server = createServer({ key: tls.key, cert: tls.cert }, (incoming, outgoing) => {
    const forwarded = httpRequest(`${target}${incoming.url ?? '/'}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, LOCAL_IP, () => resolve());
  });
  return {
    url: `https://${LOCAL_IP}:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

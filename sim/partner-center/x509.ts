/**
 * A minimal X.509 v3 certificate writer (DER), enough for the emulator to sign webhook deliveries with a
 * self-signed certificate whose issuer names `O=Microsoft Corporation`, as Partner Center's documented
 * verification steps expect. node:crypto parses and verifies certificates but cannot create them; this
 * avoids a dependency for the ~100 lines of ASN.1 it takes.
 */
import { X509Certificate, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

const tlv = (tag: number, content: Buffer): Buffer => {
  const length = content.length;
  let header: Buffer;
  if (length < 0x80) header = Buffer.from([tag, length]);
  else if (length < 0x100) header = Buffer.from([tag, 0x81, length]);
  else if (length < 0x10000) header = Buffer.from([tag, 0x82, length >> 8, length & 0xff]);
  else header = Buffer.from([tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  return Buffer.concat([header, content]);
};

const sequence = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);
const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
const boolean = (value: boolean): Buffer => Buffer.from([0x01, 0x01, value ? 0xff : 0x00]);
const octetString = (content: Buffer): Buffer => tlv(0x04, content);
const bitString = (content: Buffer, unusedBits = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unusedBits]), content]));
const utf8String = (text: string): Buffer => tlv(0x0c, Buffer.from(text, 'utf8'));
const printableString = (text: string): Buffer => tlv(0x13, Buffer.from(text, 'ascii'));

function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && ((bytes[start + 1] ?? 0) & 0x80) === 0) start++;
  const trimmed = bytes.subarray(start);
  return tlv(0x02, ((trimmed[0] ?? 0) & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [40 * (arcs[0] ?? 0) + (arcs[1] ?? 0)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let rest = Math.floor(arc / 128); rest > 0; rest = Math.floor(rest / 128)) chunk.unshift((rest & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (years 1950–2049) or GeneralizedTime, as RFC 5280 §4.1.2.5 requires. */
function time(date: Date): Buffer {
  const iso = date.toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  return year >= 1950 && year < 2050
    ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(0x18, Buffer.from(`${digits}Z`, 'ascii'));
}

const NAME_OIDS: Record<string, string> = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };

interface DistinguishedName {
  C?: string;
  ST?: string;
  L?: string;
  O?: string;
  OU?: string;
  CN?: string;
}

function name(dn: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  for (const key of ['C', 'ST', 'L', 'O', 'OU', 'CN'] as const) {
    const value = dn[key];
    if (value === undefined) continue;
    const type = NAME_OIDS[key] as string;
    rdns.push(set(sequence(oid(type), key === 'C' ? printableString(value) : utf8String(value))));
  }
  return sequence(...rdns);
}

const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export interface SelfSignedCertificate {
  /** The certificate, DER. */
  der: Buffer;
  /** The certificate, PEM. */
  pem: string;
  certificate: X509Certificate;
  privateKey: KeyObject;
}

interface CertificateOptions {
  subject: DistinguishedName;
  notBefore?: Date;
  notAfter?: Date;
  /** Reuse a key pair (RSA); a new 2048-bit one otherwise. */
  privateKey?: KeyObject;
  publicKey?: KeyObject;
}

/** A self-signed RSA/SHA-256 certificate (issuer = subject), usable to sign and as its own trust anchor. */
export function createSelfSignedCertificate(options: CertificateOptions): SelfSignedCertificate {
  const keys =
    options.privateKey && options.publicKey
      ? { privateKey: options.privateKey, publicKey: options.publicKey }
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const algorithm = sequence(oid(SHA256_WITH_RSA), nullValue());
  const dn = name(options.subject);
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const extensions = sequence(
    // basicConstraints (critical): cA TRUE — it anchors its own chain.
    sequence(oid('2.5.29.19'), boolean(true), octetString(sequence(boolean(true)))),
    // keyUsage (critical): digitalSignature (bit 0) + keyCertSign (bit 5).
    sequence(oid('2.5.29.15'), boolean(true), octetString(bitString(Buffer.from([0x84]), 2))),
  );
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    dn,
    sequence(time(options.notBefore ?? new Date('2000-01-01T00:00:00Z')), time(options.notAfter ?? new Date('2099-12-31T23:59:59Z'))),
    dn,
    keys.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, keys.privateKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  return { der, pem, certificate: new X509Certificate(der), privateKey: keys.privateKey };
}

/** The subject of the emulator's dispatch certificate, shaped like Microsoft's. */
export const DISPATCH_SUBJECT: DistinguishedName = {
  C: 'US',
  ST: 'Washington',
  L: 'Redmond',
  O: 'Microsoft Corporation',
  CN: 'pcnotifications-dispatch.microsoft.com (emulated)',
};

let dispatchCertificate: SelfSignedCertificate | undefined;

/** One dispatch certificate per process: RSA key generation is the slow part, and every emulator can share it. */
export function emulatorDispatchCertificate(): SelfSignedCertificate {
  dispatchCertificate ??= createSelfSignedCertificate({ subject: DISPATCH_SUBJECT });
  return dispatchCertificate;
}

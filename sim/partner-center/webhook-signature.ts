/**
 * Signing of webhook deliveries (emulator side) and the documented receiver-side verification
 * ("How to authenticate the callback", partner-center-webhooks).
 */
import { X509Certificate, sign, verify, type KeyObject } from 'node:crypto';

const SIGNATURE_ALGORITHM = 'rsa-sha256';
/** The issuer organization the documented check requires. */
const MICROSOFT_ORGANIZATION = 'O=Microsoft Corporation';

/** The headers Partner Center puts on a webhook POST. */
export function signatureHeaders(
  body: Buffer,
  privateKey: KeyObject,
  certificateUrl: string,
  toMsSignatureHeader: boolean,
): Record<string, string> {
  const signature = `Signature ${sign('sha256', body, privateKey).toString('base64')}`;
  return {
    ...(toMsSignatureHeader ? { 'x-ms-signature': signature } : { Authorization: signature }),
    'X-MS-Certificate-Url': certificateUrl,
    'X-MS-Signature-Algorithm': SIGNATURE_ALGORITHM,
  };
}

/** Node's IncomingHttpHeaders, a plain record (any case) or a fetch Headers. */
type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

type VerificationResult =
  { valid: true; certificate: X509Certificate; signatureHeader: 'Authorization' | 'x-ms-signature' } | { valid: false; reason: string };

interface VerifyOptions {
  /**
   * Trust anchors (PEM/DER or parsed). When given, the certificate must be one of them or be issued and signed by
   * one of them. Without them the chain is checked only for internal consistency (a self-signed certificate must
   * verify with its own key), which an attacker's self-made "Microsoft Corporation" certificate also passes: pin the
   * anchor in anything that matters.
   */
  trustedCertificates?: ReadonlyArray<X509Certificate | string | Buffer>;
  /** The time the certificate must be valid at; now by default (pass the virtual clock's time in a rehearsal). */
  now?: Date;
}

const toCertificate = (value: X509Certificate | string | Buffer | Uint8Array): X509Certificate =>
  value instanceof X509Certificate ? value : new X509Certificate(typeof value === 'string' ? value : Buffer.from(value));

/**
 * The documented steps: (1) the Authorization (or x-ms-signature), x-ms-certificate-url and x-ms-signature-algorithm
 * headers are present; (2) download the certificate; (3) verify its chain; (4) its issuer has O=Microsoft Corporation;
 * (5) read the body bytes; (6–7) RSA-verify the base64 signature over them with the named hash; (8) only then process.
 */
export async function verifyWebhookSignature(
  headers: HeaderBag,
  bodyBytes: Buffer | Uint8Array | string,
  fetchCertificate: (url: string) => Promise<Buffer | Uint8Array | string>,
  options: VerifyOptions = {},
): Promise<VerificationResult> {
  // 1. Required headers.
  const authorization = header(headers, 'authorization');
  const msSignature = header(headers, 'x-ms-signature');
  const signatureHeader = authorization !== undefined ? 'Authorization' : msSignature !== undefined ? 'x-ms-signature' : undefined;
  const signatureValue = authorization ?? msSignature;
  if (signatureHeader === undefined || signatureValue === undefined)
    return { valid: false, reason: 'the Authorization (or x-ms-signature) header is missing' };
  const match = /^Signature\s+(\S+)$/.exec(signatureValue.trim());
  if (!match) return { valid: false, reason: `the ${signatureHeader} header's scheme must be "Signature"` };
  const certificateUrl = header(headers, 'x-ms-certificate-url');
  if (!certificateUrl) return { valid: false, reason: 'the x-ms-certificate-url header is missing' };
  const algorithm = header(headers, 'x-ms-signature-algorithm');
  if (!algorithm) return { valid: false, reason: 'the x-ms-signature-algorithm header is missing' };
  const [cipher, hash, ...rest] = algorithm.split('-');
  if (rest.length > 0 || cipher?.toUpperCase() !== 'RSA' || !hash || !/^SHA(256|384|512)$/i.test(hash)) {
    return { valid: false, reason: `unsupported signature algorithm ${JSON.stringify(algorithm)}` };
  }

  // 2. Download the certificate.
  let certificate: X509Certificate;
  try {
    certificate = toCertificate(await fetchCertificate(certificateUrl));
  } catch (error) {
    return { valid: false, reason: `the certificate at ${certificateUrl} could not be read: ${(error as Error).message}` };
  }

  // 3. The chain (and the validity period).
  const now = options.now ?? new Date();
  if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
    return { valid: false, reason: `the certificate is not valid at ${now.toISOString()}` };
  }
  if (options.trustedCertificates) {
    const anchors = options.trustedCertificates.map(toCertificate);
    const trusted = anchors.some(
      (anchor) =>
        anchor.fingerprint256 === certificate.fingerprint256 || (certificate.checkIssued(anchor) && certificate.verify(anchor.publicKey)),
    );
    if (!trusted) return { valid: false, reason: 'the certificate does not chain to a trusted certificate' };
  } else if (!(certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey))) {
    return { valid: false, reason: 'the certificate chain cannot be verified (not self-signed and no trusted certificates given)' };
  }

  // 4. The issuer's organization.
  if (
    !certificate.issuer
      .split('\n')
      .map((part) => part.trim())
      .includes(MICROSOFT_ORGANIZATION)
  ) {
    return { valid: false, reason: `the certificate issuer is not ${MICROSOFT_ORGANIZATION}: ${certificate.issuer.replace(/\n/g, ', ')}` };
  }

  // 5–7. The signature over the body bytes.
  const body = typeof bodyBytes === 'string' ? Buffer.from(bodyBytes, 'utf8') : Buffer.from(bodyBytes);
  const signature = Buffer.from(match[1] as string, 'base64');
  let ok = false;
  try {
    ok = verify(hash.toLowerCase(), body, certificate.publicKey, signature);
  } catch {
    ok = false;
  }
  if (!ok) return { valid: false, reason: 'the signature does not match the body' };
  return { valid: true, certificate, signatureHeader };
}

/** A `fetchCertificate` for verifyWebhookSignature that downloads over HTTP(S). */
export async function downloadCertificate(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

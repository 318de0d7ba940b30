/** Partner Center emulator for the offline rehearsal: see CONTRACT.md for what it implements and from which source. */
export { PartnerCenterEmulator, type PartnerCenterEmulatorOptions } from './emulator.js';
export { partnerCenterConnector } from './connector.js';
export { verifyWebhookSignature, downloadCertificate, signatureHeaders } from './webhook-signature.js';
export { createSelfSignedCertificate, DISPATCH_SUBJECT } from './x509.js';
export { ApiError } from './referral-model.js';
export { compileFilter, compileOrderBy } from './odata.js';

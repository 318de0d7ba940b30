/** Partner Center emulator for the offline rehearsal: see CONTRACT.md for what it implements and from which source. */
export {
  PartnerCenterEmulator,
  RESOURCE_URI_BASE,
  REFERRALS_PATH,
  REGISTRATION_PATH,
  CERTIFICATE_PATH,
  REFERRAL_EVENTS,
  SUPPORTED_EVENTS,
  classify,
  eTagMatches,
  type PartnerCenterEmulatorOptions,
  type ApiCall,
  type RaisedEvent,
  type Delivery,
  type WebhookRegistration,
  type MicrosoftResponse,
  type SharedReferralInput,
} from './emulator.js';
export { Faults, type ApiFault, type EmulatorOperation } from './faults.js';
export { partnerCenterConnector, type PartnerCenterConnectorOptions } from './connector.js';
export {
  verifyWebhookSignature,
  downloadCertificate,
  signatureHeaders,
  SIGNATURE_ALGORITHM,
  MICROSOFT_ORGANIZATION,
  type VerificationResult,
  type VerifyOptions,
  type HeaderBag,
} from './webhook-signature.js';
export {
  createSelfSignedCertificate,
  emulatorDispatchCertificate,
  DISPATCH_SUBJECT,
  type SelfSignedCertificate,
  type DistinguishedName,
} from './x509.js';
export {
  ApiError,
  applyJsonPatch,
  checkTransition,
  STATUS_TRANSITIONS,
  TERMINAL_SUBSTATUSES,
  ReferralStatus,
  ReferralSubstatus,
  ReferralType,
  ReferralQualification,
  type JsonObject,
  type PatchOperation,
} from './referral-model.js';
export { compileFilter, compileOrderBy } from './odata.js';

/** New referral documents: one Microsoft shares with us, Microsoft's answer to ours, and one we create through the API. */
import { randomUUID } from 'node:crypto';
import { READ_ONLY_PROPERTIES, clone, formatDateTime, type JsonObject } from './referral-model.js';

export const DAY = 24 * 60 * 60 * 1000;
const MICROSOFT_ORGANIZATION_ID = 'msft';

/** Our organization, as referrals name it. */
export interface Partner {
  readonly partnerOrganizationId: string;
  readonly partnerOrganizationName: string;
}

/** What `shareReferralFromMicrosoft` accepts: any referral properties, over sensible defaults. */
export type SharedReferralInput = JsonObject & { expirationDateTime?: string };

/** A co-sell referral a Microsoft seller shares with us: Incoming, Shared, New/Pending, expiring after `expiryDays`. */
export function sharedReferral(partner: Partner, now: Date, expiryDays: number, input: SharedReferralInput): JsonObject {
  const { expirationDateTime, ...rest } = clone(input);
  return {
    id: randomUUID(),
    engagementId: randomUUID(),
    organizationId: partner.partnerOrganizationId,
    organizationName: partner.partnerOrganizationName,
    name: 'Fabrikam co-sell opportunity',
    externalReferenceId: null,
    createdDateTime: formatDateTime(now),
    updatedDateTime: formatDateTime(now),
    expirationDateTime: expirationDateTime ?? formatDateTime(new Date(now.getTime() + expiryDays * DAY)),
    status: 'New',
    substatus: 'Pending',
    statusReason: null,
    type: 'Shared',
    qualification: 'SalesQualified',
    direction: 'Incoming',
    customerProfile: {
      name: 'Fabrikam Customer Inc',
      address: { addressLine1: 'One Microsoft Way', addressLine2: '', city: 'Redmond', state: 'WA', postalCode: '98052', country: 'US' },
      size: '51to250employees',
      team: [
        {
          firstName: 'Sue',
          lastName: 'Smith',
          phoneNumber: '1234567890',
          email: 'sue.smith@fabrikam.example',
          contactPreference: { locale: 'en-US', disableNotifications: false },
        },
      ],
      ids: {},
    },
    consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
    details: {
      notes: 'Customer needs help deploying Dynamics 365.',
      dealValue: 50000,
      currency: 'USD',
      closingDateTime: formatDateTime(new Date(now.getTime() + 90 * DAY)),
      requirements: { industries: [], products: [], services: [], solutions: [] },
    },
    team: [],
    inviteContext: {
      notes: 'Microsoft invites you to co-sell.',
      invitedBy: { organizationId: MICROSOFT_ORGANIZATION_ID, organizationName: 'Microsoft' },
    },
    target: [],
    ...rest,
  };
}

/** Microsoft's referral in our engagement, at its seller's first answer; carries Microsoft's CRM id. */
export function microsoftReferral(
  partner: Partner,
  ours: JsonObject,
  answer: { status: string; substatus: string; crmId: string | null },
  now: Date,
): JsonObject {
  return {
    id: randomUUID(),
    engagementId: ours.engagementId,
    organizationId: MICROSOFT_ORGANIZATION_ID,
    organizationName: 'Microsoft',
    name: ours.name ?? null,
    externalReferenceId: answer.crmId,
    createdDateTime: formatDateTime(now),
    updatedDateTime: formatDateTime(now),
    acceptedDateTime: answer.status === 'Active' ? formatDateTime(now) : null,
    expirationDateTime: null,
    status: answer.status,
    substatus: answer.substatus,
    statusReason: null,
    type: 'Shared',
    qualification: 'SalesQualified',
    direction: 'Incoming',
    customerProfile: clone(ours.customerProfile ?? null),
    consent: clone(ours.consent ?? null),
    details: clone(ours.details ?? null),
    team: [],
    inviteContext: {
      invitedBy: { organizationId: partner.partnerOrganizationId, organizationName: partner.partnerOrganizationName },
    },
    target: [{ type: 'BusinessProfileLocation', id: MICROSOFT_ORGANIZATION_ID }],
    trackingInfo: { microsoftMsxId: answer.crmId },
  };
}

/** A referral we create (POST): Outgoing, Active/Accepted; the body's own status is ignored and server properties dropped. */
export function createdReferral(partner: Partner, body: JsonObject, engagementId: string, now: Date): JsonObject {
  const input = stripServerProperties(body);
  delete input.status;
  delete input.substatus;
  return {
    id: randomUUID(),
    engagementId,
    organizationId: partner.partnerOrganizationId,
    organizationName: partner.partnerOrganizationName,
    name: null,
    externalReferenceId: null,
    createdDateTime: formatDateTime(now),
    updatedDateTime: formatDateTime(now),
    acceptedDateTime: formatDateTime(now),
    expirationDateTime: null,
    status: 'Active',
    substatus: 'Accepted',
    statusReason: null,
    qualification: 'None',
    direction: 'Outgoing',
    team: [],
    target: [],
    ...input,
  };
}

/** A request body without what the server owns (read-only properties and OData annotations). */
export function stripServerProperties(body: JsonObject): JsonObject {
  const copy = clone(body);
  for (const key of Object.keys(copy)) {
    if ((READ_ONLY_PROPERTIES as readonly string[]).includes(key) || key.startsWith('@odata.')) delete copy[key];
  }
  return copy;
}

import { ColumnStem, CountryCodeVariable, DEFAULT_PREFIX, Property, SolutionTableStem } from './generated/columns';

/**
 * Every name the control uses: manifest properties and columns come from the solution model
 * (generated/columns.ts), resx keys are listed here (a test keeps both resx files equal to this list).
 */

export { BoundColumn, Choice, CONTROL, DEFAULT_PREFIX, Property, REFERRAL_LINK_PREFIX } from './generated/columns';

export type PropertyName = keyof typeof Property;

/** resx string keys (strings/PartnerCenterSection.<lcid>.resx). */
export const StringKey = {
  PartnerCenterSection_Display: 'PartnerCenterSection_Display',
  PartnerCenterSection_Desc: 'PartnerCenterSection_Desc',
  Property_SyncWithPartnerCenter: 'Property_SyncWithPartnerCenter',
  Property_SyncWithPartnerCenter_Desc: 'Property_SyncWithPartnerCenter_Desc',
  Property_ReferralIdentifier: 'Property_ReferralIdentifier',
  Property_ReferralLink: 'Property_ReferralLink',
  Property_HowCanMicrosoftHelp: 'Property_HowCanMicrosoftHelp',
  Property_ReferralVisibility: 'Property_ReferralVisibility',
  Property_ReferralStatus: 'Property_ReferralStatus',
  Property_ReferralSubstatus: 'Property_ReferralSubstatus',
  Property_MicrosoftCrmIdentifier: 'Property_MicrosoftCrmIdentifier',
  Property_Audit: 'Property_Audit',
  Property_CustomerAccount: 'Property_CustomerAccount',
  Property_CustomerContact: 'Property_CustomerContact',
  Sync_Label: 'Sync_Label',
  Visibility_Label: 'Visibility_Label',
  Status_Label: 'Status_Label',
  Status_NotSynced: 'Status_NotSynced',
  Status_NotShared: 'Status_NotShared',
  Status_Unknown: 'Status_Unknown',
  Referral_Label: 'Referral_Label',
  Referral_Open: 'Referral_Open',
  Referral_NoLink: 'Referral_NoLink',
  Referral_None: 'Referral_None',
  MicrosoftCrm_Label: 'MicrosoftCrm_Label',
  MicrosoftCrm_Pending: 'MicrosoftCrm_Pending',
  Help_Label: 'Help_Label',
  Help_None: 'Help_None',
  Solutions_Label: 'Solutions_Label',
  Solutions_None: 'Solutions_None',
  Solutions_Loading: 'Solutions_Loading',
  Solutions_Error: 'Solutions_Error',
  Solutions_NewRecord: 'Solutions_NewRecord',
  Solutions_Refresh: 'Solutions_Refresh',
  Audit_Label: 'Audit_Label',
  Audit_Empty: 'Audit_Empty',
  Audit_NoTime: 'Audit_NoTime',
  Audit_Error: 'Audit_Error',
  Audit_Info: 'Audit_Info',
  Audit_Fix: 'Audit_Fix',
  Audit_More: 'Audit_More',
  Blockers_Title: 'Blockers_Title',
  Blockers_Unchecked_Title: 'Blockers_Unchecked_Title',
  Blocker_Account: 'Blocker_Account',
  Blocker_CountryCode: 'Blocker_CountryCode',
  Blocker_Solution: 'Blocker_Solution',
  Blocker_Contact: 'Blocker_Contact',
  Unchecked_CountryCode: 'Unchecked_CountryCode',
  Unchecked_Solutions: 'Unchecked_Solutions',
  Fix_Account: 'Fix_Account',
  Fix_CountryCode: 'Fix_CountryCode',
  Fix_Solution: 'Fix_Solution',
  Fix_Contact: 'Fix_Contact',
  Fix_Currency: 'Fix_Currency',
  Fix_CloseDate: 'Fix_CloseDate',
  Fix_Conflict: 'Fix_Conflict',
  Fix_Connection: 'Fix_Connection',
  Fix_Generic: 'Fix_Generic',
  Field_Secured: 'Field_Secured',
  Property_RespondBy: 'Property_RespondBy',
  Property_Decision: 'Property_Decision',
  Property_DeclineReason: 'Property_DeclineReason',
  Decision_Label: 'Decision_Label',
  Decision_RespondBy: 'Decision_RespondBy',
  Decision_NoDeadline: 'Decision_NoDeadline',
  Decision_Expired: 'Decision_Expired',
  Decision_Shares: 'Decision_Shares',
  Decision_Accept: 'Decision_Accept',
  Decision_Decline: 'Decision_Decline',
  Decision_ReasonPlaceholder: 'Decision_ReasonPlaceholder',
  Decision_Sent: 'Decision_Sent',
} as const;

export type StringKey = keyof typeof StringKey;

/** Languages the control ships strings for (resx files). */
export const LANGUAGES = [1033, 1028] as const;
export type Language = (typeof LANGUAGES)[number];

/** The publisher prefix of a bound column's logical name (`pcs_audit` → `pcs`), else the default. */
export function prefixOf(logicalName: string | undefined): string {
  const match = /^([a-z][a-z0-9]*)_/i.exec(logicalName ?? '');
  return match ? match[1].toLowerCase() : DEFAULT_PREFIX;
}

/** Logical names for a publisher prefix (the default prefix gives the generated BoundColumn values). */
export function namesFor(prefix: string) {
  const own = (stem: string): string => `${prefix}_${stem}`.toLowerCase();
  return {
    column: (stem: keyof typeof ColumnStem): string => own(ColumnStem[stem]),
    solutionTable: own(SolutionTableStem.Table),
    solutionName: own(SolutionTableStem.Name),
    solutionIdentifier: own(SolutionTableStem.SolutionIdentifier),
    /** Web API name of the lookup value: `_<prefix>_opportunity_value`. */
    solutionOpportunityValue: `_${own(SolutionTableStem.Opportunity)}_value`,
    countryCodeVariable: `${prefix}_${CountryCodeVariable.stem}`,
    countryCodeDefault: CountryCodeVariable.defaultValue,
  };
}

export const DEFAULT_NAMES = namesFor(DEFAULT_PREFIX);

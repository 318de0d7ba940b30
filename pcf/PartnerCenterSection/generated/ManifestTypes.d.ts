/*
*This is auto generated from the ControlManifest.Input.xml file
*/

// Define IInputs and IOutputs Type. They should match with ControlManifest.
export interface IInputs {
    SyncWithPartnerCenter: ComponentFramework.PropertyTypes.TwoOptionsProperty;
    ReferralIdentifier: ComponentFramework.PropertyTypes.StringProperty;
    ReferralLink: ComponentFramework.PropertyTypes.StringProperty;
    HowCanMicrosoftHelp: ComponentFramework.PropertyTypes.MultiSelectOptionSetProperty;
    ReferralVisibility: ComponentFramework.PropertyTypes.TwoOptionsProperty;
    ReferralStatus: ComponentFramework.PropertyTypes.OptionSetProperty;
    ReferralSubstatus: ComponentFramework.PropertyTypes.OptionSetProperty;
    MicrosoftCrmIdentifier: ComponentFramework.PropertyTypes.StringProperty;
    Audit: ComponentFramework.PropertyTypes.StringProperty;
    RespondBy: ComponentFramework.PropertyTypes.DateTimeProperty;
    Decision: ComponentFramework.PropertyTypes.OptionSetProperty;
    DeclineReason: ComponentFramework.PropertyTypes.OptionSetProperty;
    CustomerAccount: ComponentFramework.PropertyTypes.LookupProperty;
    CustomerContact: ComponentFramework.PropertyTypes.LookupProperty;
}
export interface IOutputs {
    SyncWithPartnerCenter?: boolean;
    ReferralIdentifier?: string;
    ReferralLink?: string;
    HowCanMicrosoftHelp?: number[];
    ReferralVisibility?: boolean;
    ReferralStatus?: number;
    ReferralSubstatus?: number;
    MicrosoftCrmIdentifier?: string;
    Audit?: string;
    RespondBy?: Date;
    Decision?: number;
    DeclineReason?: number;
    CustomerAccount?: ComponentFramework.LookupValue[];
    CustomerContact?: ComponentFramework.LookupValue[];
}

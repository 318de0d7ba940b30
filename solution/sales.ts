/**
 * What the package needs from outside itself: Dynamics 365 Sales components (named as Sales exports them)
 * and the platform tables every Dataverse org has. One source of truth for the form placement, the
 * `<MissingDependencies>` of solution.xml and the `check` rule that compares the two.
 *
 * Evidence: ../shared/fixtures/real-solutions-corpus/Hackathon28092023_1_0_0_1.zip (a 2023 export that
 * extends the Sales Hub opportunity form) and SalesWin_1_0_0_8.zip both declare `opportunity`, its
 * attributes and (Hackathon) the form as
 * `<Required type="1|2|60" … solution="msdynce_Sales (9.0.4.0076)">`; the display names below are the
 * `displayName`s those exports write.
 */

/** How Sales' own solution is named in a `<Required solution=…>` (the same in 2022 and 2023 exports). */
export const SALES_SOLUTION = 'msdynce_Sales (9.0.4.0076)';

/** The table the package extends, owned by Sales. */
export const SALES_OPPORTUNITY = { logicalName: 'opportunity', displayName: 'Opportunity' } as const;

/**
 * Tables of Dynamics 365 apps the flows read or write, by the entity set name their Dataverse actions use
 * (`entityName`), with the solution real exports name as their owner (`lead`: SalesHub_Customization_1_0_0_1 of the
 * corpus declares `<Required type="1" schemaName="lead" displayName="Lead" solution="msdynce_LeadManagement (9.0.4.0066)">`).
 */
export const APP_TABLES: ReadonlyArray<{ logicalName: string; entitySet: string; displayName: string; solution: string }> = [
  { logicalName: 'lead', entitySet: 'leads', displayName: 'Lead', solution: 'msdynce_LeadManagement (9.0.4.0066)' },
  {
    logicalName: SALES_OPPORTUNITY.logicalName,
    entitySet: 'opportunities',
    displayName: SALES_OPPORTUNITY.displayName,
    solution: SALES_SOLUTION,
  },
];

/** Sales-owned opportunity columns the package reads or binds, with Sales' display names. */
export const SALES_OPPORTUNITY_COLUMNS: Readonly<Record<string, string>> = {
  name: 'Topic',
  description: 'Description',
  parentaccountid: 'Account',
  parentcontactid: 'Contact',
  estimatedvalue: 'Est. revenue',
  estimatedclosedate: 'Est. close date',
};

/** Sales columns the new main form (`form.mode: newMainForm`) shows above the section, in order. */
export const NEW_MAIN_FORM_OVERVIEW_COLUMNS = ['name', 'parentaccountid', 'estimatedvalue', 'estimatedclosedate'] as const;

/**
 * The Sales Hub opportunity main form ("Opportunity", introduced 5.0.0.0, owned by msdynce_Sales), as the
 * Hackathon28092023 diff of it repeats its name and description.
 */
export const SALES_HUB_OPPORTUNITY_FORM = {
  id: 'a837e4a7-01b8-4f82-a475-be9abd67e667',
  name: 'Opportunity',
  description: 'Updated default Opportunity form',
  introducedVersion: '5.0.0.0',
} as const;

/**
 * Tables every Dataverse org has, Dynamics 365 apps or not: "Dataverse tables provide the common set of
 * tables that all environment databases have" (Microsoft Learn, Dataverse table/entity reference,
 * learn.microsoft.com/power-apps/developer/data-platform/reference/about-entity-reference). A reference to
 * one needs no declared dependency; `opportunity` is not one of them (it comes with Sales).
 */
export const PLATFORM_TABLES: ReadonlySet<string> = new Set([
  'account',
  'activitypointer',
  'annotation',
  'appointment',
  'businessunit',
  'contact',
  'email',
  'fax',
  'letter',
  'organization',
  'phonecall',
  'queue',
  'systemuser',
  'task',
  'team',
  'transactioncurrency',
]);

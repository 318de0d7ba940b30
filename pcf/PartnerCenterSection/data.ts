import { namesFor } from './names';
import type { SolutionRow } from './model/blockers';

/** What the section loads from Dataverse besides its bound columns. */
export interface SectionData {
  /** The opportunity's Partner Center solutions, by name. */
  solutions(opportunityId: string): Promise<SolutionRow[]>;
  /** The customer account's country code (the column the CustomerCountryCodeField variable names). */
  countryCode(accountId: string): Promise<string | null>;
}

type WebApi = Pick<ComponentFramework.WebApi, 'retrieveMultipleRecords' | 'retrieveRecord'>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLUMN = /^[a-z_][a-z0-9_]{0,99}$/;

/** A string column's value; the Web API leaves out null columns, and nothing else is a name or an id. */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The Web API implementation; ids and column names are checked before they reach a query. */
export function webApiData(webAPI: WebApi, prefix: string): SectionData {
  const names = namesFor(prefix);
  let countryColumn: Promise<string> | undefined;
  const countryCodeColumn = (): Promise<string> => {
    countryColumn ??= webAPI
      .retrieveMultipleRecords(
        'environmentvariabledefinition',
        `?$select=defaultvalue&$filter=schemaname eq '${names.countryCodeVariable}'&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)`,
      )
      .then(
        (result) => {
          const definition = result.entities[0] as
            { defaultvalue?: string; environmentvariabledefinition_environmentvariablevalue?: Array<{ value?: string }> } | undefined;
          const value =
            definition?.environmentvariabledefinition_environmentvariablevalue?.[0]?.value ??
            definition?.defaultvalue ??
            names.countryCodeDefault;
          return COLUMN.test(value) ? value : names.countryCodeDefault;
        },
        () => names.countryCodeDefault,
      );
    return countryColumn;
  };
  return {
    async solutions(opportunityId) {
      if (!GUID.test(opportunityId)) return [];
      const result = await webAPI.retrieveMultipleRecords(
        names.solutionTable,
        `?$select=${names.solutionName},${names.solutionIdentifier}&$filter=${names.solutionOpportunityValue} eq ${opportunityId}&$orderby=${names.solutionName}`,
      );
      return result.entities.map((row: Record<string, unknown>) => ({
        id: text(row[`${names.solutionTable}id`]),
        name: text(row[names.solutionName]),
        identifier: text(row[names.solutionIdentifier]),
      }));
    },
    async countryCode(accountId) {
      if (!GUID.test(accountId)) return null;
      const column = await countryCodeColumn();
      const account = await webAPI.retrieveRecord('account', accountId, `?$select=${column}`);
      const value = (account as Record<string, unknown>)[column];
      return typeof value === 'string' ? value : null;
    },
  };
}

/** Root entries every solution zip must hold (import fails with "The solution file is invalid" otherwise). */
import { CONTENT_TYPES_ENTRY } from './content-types.js';

export const SOLUTION_XML = 'solution.xml';
export const CUSTOMIZATIONS_XML = 'customizations.xml';
export { CONTENT_TYPES_ENTRY };

/** `environmentvariabledefinitions/<schemaname>/…`: one folder per environment variable definition. */
export const ENV_VAR_FOLDER = 'environmentvariabledefinitions';
export const ENV_VAR_DEFINITION_FILE = 'environmentvariabledefinition.xml';
/** A shipped current value; a managed package should not carry one. */
export const ENV_VAR_VALUES_FILE = 'environmentvariablevalues.json';

const ROOT_ORDER = [CUSTOMIZATIONS_XML, CONTENT_TYPES_ENTRY, SOLUTION_XML];

/**
 * The entry order of every zip we write (build and pack alike): the three root files in the order
 * Dataverse exports them, then component files sorted by name. A fixed order is part of what makes
 * the same input give the same bytes.
 */
export function canonicalEntryOrder<T extends { name: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => {
    const ra = ROOT_ORDER.indexOf(a.name);
    const rb = ROOT_ORDER.indexOf(b.name);
    if (ra !== -1 || rb !== -1) return (ra === -1 ? 99 : ra) - (rb === -1 ? 99 : rb);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

import { v5 as uuidv5 } from 'uuid';

/**
 * Namespace of every component id the generator derives. Never change it: ids derived from it are what
 * lets version 1.0.0.1 of the solution upgrade 1.0.0.0 in place instead of creating new components.
 */
const COSELL_ID_NAMESPACE = '6f1c7c4e-0b8f-5d3a-9a52-7c0e4d2b9f10';

/** A stable lower-case GUID for a component, derived from its kind and its stable name. */
export function componentId(kind: string, stableName: string): string {
  return uuidv5(`${kind}:${stableName.toLowerCase()}`, COSELL_ID_NAMESPACE);
}

export const braced = (guid: string): string => `{${guid.toLowerCase()}}`;

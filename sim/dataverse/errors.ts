/**
 * Dataverse's JSON error shape (`{ "error": { "code", "message" } }`) and the messages the emulator
 * answers with. Messages and codes are the ones Microsoft documents or users quote; see CONTRACT.md
 * for the source of each and which ones are unverified.
 */

export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataverseError';
  }

  toJSON(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** A feature Dataverse has but the emulator does not: answered with 501 so it is never mistaken for Dataverse's own answer. */
export const notSupported = (what: string): DataverseError =>
  new DataverseError(501, 'EmulatorNotSupported', `The Dataverse emulator does not support ${what}.`);

export const resourceNotFound = (segment: string): DataverseError =>
  new DataverseError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`);

export const propertyNotFound = (property: string, entity: string): DataverseError =>
  new DataverseError(400, '0x0', `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);

export const invalidProperty = (property: string, entity: string): DataverseError =>
  new DataverseError(
    400,
    '0x0',
    'An error occurred while validating input parameters: Microsoft.Crm.CrmException: ' +
      `Invalid property '${property}' was found in entity 'Microsoft.Dynamics.CRM.${entity}'. ---> Microsoft.OData.ODataException: ` +
      'Does not support untyped value in non-open type.',
  );

export const undeclaredNavigationProperty = (property: string, entitySet: string): DataverseError =>
  new DataverseError(
    400,
    '0x80048d19',
    `Error identified in Payload provided by the user for Entity :'${entitySet}'  ---->  ` +
      `InnerException : Microsoft.OData.ODataException: An undeclared property '${property}' which only has property annotations in the payload ` +
      'but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be ' +
      'represented as properties without values.',
  );

export const lookupValueWrite = (): DataverseError =>
  new DataverseError(
    400,
    '0x80048d19',
    'CRM do not support direct update of Entity Reference properties, Use Navigation properties instead.',
  );

export const recordNotFound = (entity: string, id: string): DataverseError =>
  new DataverseError(404, '0x80040217', `${entity} With Id = ${id} Does Not Exist`);

export const recordNotFoundByKey = (entity: string): DataverseError =>
  new DataverseError(404, '0x80040217', `A record with the specified key values does not exist in ${entity} entity`);

export const invalidKey = (entity: string): DataverseError =>
  new DataverseError(400, '0x80060891', `The requested key attributes do not exist for the entity ${entity}`);

export const duplicateRecord = (): DataverseError =>
  new DataverseError(412, '0x80040237', 'A record with matching key values already exists.');

export const duplicateKey = (attributeLabels: readonly string[], keyLabel: string): DataverseError =>
  new DataverseError(
    412,
    '0x80060892',
    `A record that has the attribute values ${attributeLabels.join(', ')} already exists. ` +
      `The entity key ${keyLabel} requires that this set of attributes contains unique values. Select unique values and try again.`,
  );

export const versionMismatch = (): DataverseError =>
  new DataverseError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.");

export const syntaxError = (position: number, text: string): DataverseError =>
  new DataverseError(400, '0x0', `Syntax error at position ${position} in '${text}'.`);

export const unterminatedLiteral = (position: number, text: string): DataverseError =>
  new DataverseError(400, '0x0', `There is an unterminated literal at position ${position} in '${text}'.`);

export const incompatibleTypes = (left: string, right: string, operatorKind: string): DataverseError =>
  new DataverseError(
    400,
    '0x0',
    `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${operatorKind}'.`,
  );

export const cannotConvert = (literal: string, edmType: string): DataverseError =>
  new DataverseError(400, '0x0', `Cannot convert the literal '${literal}' to the expected type '${edmType}'.`);

export const tooLong = (attribute: string, entity: string, maxLength: number): DataverseError =>
  new DataverseError(
    400,
    '0x80044331',
    `A validation error occurred. The length of the '${attribute}' attribute of the '${entity}' entity exceeded the maximum allowed length of '${maxLength}'.`,
  );

export const outOfRange = (value: unknown, attribute: string, entity: string, accepted: readonly number[]): DataverseError =>
  new DataverseError(
    400,
    '0x8004431a',
    `A validation error occurred. The value ${String(value)} of '${attribute}' on record of type '${entity}' is outside the valid range. Accepted Values: ${accepted.join(',')}`,
  );

export const invalidStatus = (status: number, entity: string, stateName: string, id: string): DataverseError =>
  new DataverseError(400, '0x8004431a', `${status} is not a valid status code for state code ${stateName} on ${entity} with Id ${id}.`);

export const queryOptionNotSupported = (option: string): DataverseError =>
  new DataverseError(400, '0x0', `The query parameter ${option} is not supported`);

/** `CannotUseOpportunitySetStateMessage` (Web service error codes): Won and Lost are reached only through Win/LoseOpportunity. */
export const cannotSetOpportunityState = (state: string, message: string): DataverseError =>
  new DataverseError(
    400,
    '0x80100005',
    `This message can not be used to set the state of opportunity to ${state}. In order to set state of opportunity to ${state}, use the ${message} message instead.`,
  );

/** `OpportunityIsAlreadyClosed` (Web service error codes). */
export const opportunityAlreadyClosed = (): DataverseError => new DataverseError(400, '0x80040515', 'The opportunity is already closed.');

/** `OpportunityAlreadyInOpenState` (Web service error codes). */
export const opportunityAlreadyOpen = (): DataverseError =>
  new DataverseError(400, '0x8004051a', 'The opportunity is already in the open state.');

/** `CannotUpdateObjectBecauseItIsInactive` (Web service error codes), for the option that refuses updates of a closed opportunity. */
export const inactiveObject = (): DataverseError =>
  new DataverseError(400, '0x80040230', 'The object cannot be updated because it is inactive.');

/** A required action parameter is missing or of the wrong shape (OData's wording for an action's parameters). */
export const invalidActionParameter = (action: string, parameter: string, problem: string): DataverseError =>
  new DataverseError(400, '0x0', `The parameter '${parameter}' of the action '${action}' ${problem}.`);

/** A money/number value outside the column's MinValue..MaxValue. */
export const numberOutOfRange = (value: number, attribute: string, entity: string, min: number, max: number): DataverseError =>
  new DataverseError(
    400,
    '0x8004431a',
    `A validation error occurred. The value ${value} of '${attribute}' on record of type '${entity}' is outside the valid range (${min} to ${max}).`,
  );

/** A request body that must be a JSON object (a create, an update, an action's parameters). */
export function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DataverseError(
      400,
      '0x80048d19',
      'Error identified in Payload provided by the user: the request body must be a JSON object.',
    );
  }
  return body as Record<string, unknown>;
}

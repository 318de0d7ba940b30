/**
 * The deployment settings file, in the format of `pac solution create-settings` (Learn: "Pre-populate
 * connection references and environment variables for automated deployments"):
 *
 *   { "EnvironmentVariables": [{ "SchemaName", "Value" }],
 *     "ConnectionReferences": [{ "LogicalName", "ConnectionId", "ConnectorId" }] }
 *
 * One file per environment. `settingsSkeleton` writes it from a zip; `validateSettings` checks it against the
 * zip before any call (every definition has a value of its type, no empty string, every reference a
 * connection id and the zip's connector); `componentParameters` turns it into ImportSolutionAsync's
 * ComponentParameters (pac's mapping, as Microsoft's Terraform provider also writes it).
 */
import { UserError, UserErrors } from '../core/errors.js';
import { findJsonSyntaxError, pointAt, positionOf } from '../solution/config/json-syntax.js';
import { closestName } from '../solution/config/suggest.js';
import { Column, ODataType, type EnvVarTypeName } from './constants.js';
import type { DeployPackage, PackageEnvVar } from './package-info.js';

export const SettingsKey = {
  environmentVariables: 'EnvironmentVariables',
  connectionReferences: 'ConnectionReferences',
  schemaName: 'SchemaName',
  value: 'Value',
  logicalName: 'LogicalName',
  connectionId: 'ConnectionId',
  connectorId: 'ConnectorId',
} as const;

export interface SettingsEnvVar {
  SchemaName: string;
  Value: string;
}

export interface SettingsConnectionReference {
  LogicalName: string;
  ConnectionId: string;
  ConnectorId: string;
}

export interface DeploymentSettings {
  EnvironmentVariables: SettingsEnvVar[];
  ConnectionReferences: SettingsConnectionReference[];
}

/**
 * The skeleton for a zip: every environment variable with its default as the value (review it per environment),
 * every connection reference with its connector and an empty ConnectionId to fill in.
 */
export function settingsSkeleton(pkg: DeployPackage): DeploymentSettings {
  return {
    EnvironmentVariables: pkg.envVars.map((variable) => ({ SchemaName: variable.schemaName, Value: variable.defaultValue ?? '' })),
    ConnectionReferences: pkg.connectionReferences.map((reference) => ({
      LogicalName: reference.logicalName,
      ConnectionId: '',
      ConnectorId: reference.connectorId,
    })),
  };
}

/**
 * Fills in connection ids from `<key>=<connection id>` assignments (`settings init --connection`), where the key is
 * a connection reference's LogicalName or its connector's API name (`shared_commondataserviceforapps`, the last part
 * of ConnectorId) when only one reference uses that connector.
 */
export function withConnections(settings: DeploymentSettings, assignments: readonly string[], option: string): DeploymentSettings {
  const references = settings.ConnectionReferences.map((reference) => ({ ...reference }));
  const apiName = (reference: SettingsConnectionReference): string => reference.ConnectorId.split('/').at(-1) ?? reference.ConnectorId;
  const keys = [...references.map((reference) => reference.LogicalName), ...references.map(apiName)];
  for (const assignment of assignments) {
    const match = /^([^=\s]+)=(\S+)$/.exec(assignment.trim());
    if (!match) {
      throw new UserError(
        undefined,
        option,
        `"${assignment}" is not <logical name or connector>=<connection id>`,
        `give e.g. ${option} ${keys[0] ?? 'shared_x'}=<id from the connection's URL>`,
      );
    }
    const [, key, connectionId] = match as unknown as [string, string, string];
    const byName = references.filter((reference) => reference.LogicalName.toLowerCase() === key.toLowerCase());
    const matched = byName.length > 0 ? byName : references.filter((reference) => apiName(reference).toLowerCase() === key.toLowerCase());
    if (matched.length === 0) {
      const near = closestName(key, keys);
      throw new UserError(
        undefined,
        option,
        `"${key}" is neither a connection reference of the zip nor one of its connectors`,
        near ? `did you mean ${near}? The keys are ${keys.join(', ')}` : `use one of ${keys.join(', ')}`,
      );
    }
    if (matched.length > 1) {
      throw new UserError(
        undefined,
        option,
        `connector ${key} is used by ${matched.map((reference) => reference.LogicalName).join(' and ')}`,
        'name the connection reference by its LogicalName instead',
      );
    }
    matched[0]!.ConnectionId = connectionId;
  }
  return { EnvironmentVariables: settings.EnvironmentVariables, ConnectionReferences: references };
}

export const formatSettings = (settings: DeploymentSettings): string => `${JSON.stringify(settings, null, 2)}\n`;

const FORMAT_FIX = `the file must be pac's deployment settings JSON: { "${SettingsKey.environmentVariables}": [{ "${SettingsKey.schemaName}", "${SettingsKey.value}" }], "${SettingsKey.connectionReferences}": [{ "${SettingsKey.logicalName}", "${SettingsKey.connectionId}", "${SettingsKey.connectorId}" }] }; \`cosell settings init <zip> --out <file>\` writes one`;

/** Parses the text of a settings file; every shape problem is reported at once, each with its JSON pointer. */
export function parseSettings(text: string, file: string): DeploymentSettings {
  const syntax = findJsonSyntaxError(text.replace(/^\uFEFF/, ''));
  if (syntax) {
    const position = positionOf(text, syntax.offset);
    throw new UserError(
      file,
      `line ${position.line} column ${position.column}`,
      `${syntax.problem}\n${pointAt(position)}`,
      'correct the JSON syntax',
    );
  }
  const data = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  const errors: UserError[] = [];
  if (!isObject(data)) throw new UserError(file, '/', 'is not a JSON object', FORMAT_FIX);
  const known: string[] = [SettingsKey.environmentVariables, SettingsKey.connectionReferences];
  for (const key of Object.keys(data)) {
    if (!known.includes(key)) errors.push(unknownProperty(file, '', key, known));
  }
  const list = <T>(key: string, fields: readonly string[], read: (item: Record<string, unknown>) => T): T[] => {
    const value = data[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      errors.push(new UserError(file, `/${key}`, 'is not an array', FORMAT_FIX));
      return [];
    }
    const items: T[] = [];
    value.forEach((item: unknown, index) => {
      const pointer = `/${key}/${index}`;
      if (!isObject(item)) {
        errors.push(new UserError(file, pointer, 'is not an object', FORMAT_FIX));
        return;
      }
      let ok = true;
      for (const field of Object.keys(item)) {
        if (!fields.includes(field)) {
          errors.push(unknownProperty(file, pointer, field, fields));
          ok = false;
        }
      }
      for (const field of fields) {
        if (typeof item[field] !== 'string') {
          errors.push(
            new UserError(
              file,
              `${pointer}/${field}`,
              item[field] === undefined ? `is missing` : `must be a string, not ${JSON.stringify(item[field])}`,
              field === SettingsKey.value ? 'write the value as a JSON string, e.g. "yes", "42"' : `give ${field} as a string`,
            ),
          );
          ok = false;
        }
      }
      if (ok) items.push(read(item));
    });
    return items;
  };
  const settings: DeploymentSettings = {
    EnvironmentVariables: list(key.env, [SettingsKey.schemaName, SettingsKey.value], (item) => ({
      SchemaName: item.SchemaName as string,
      Value: item.Value as string,
    })),
    ConnectionReferences: list(key.refs, [SettingsKey.logicalName, SettingsKey.connectionId, SettingsKey.connectorId], (item) => ({
      LogicalName: item.LogicalName as string,
      ConnectionId: item.ConnectionId as string,
      ConnectorId: item.ConnectorId as string,
    })),
  };
  if (errors.length > 0) throw new UserErrors(errors);
  return settings;
}

const key = { env: SettingsKey.environmentVariables, refs: SettingsKey.connectionReferences } as const;

function unknownProperty(file: string, pointer: string, name: string, allowed: readonly string[]): UserError {
  const closest = closestName(name, allowed);
  return new UserError(
    file,
    pointer || '/',
    `has an unknown property "${name}"`,
    closest ? `did you mean "${closest}"? Rename it` : `remove it; allowed: ${allowed.join(', ')}`,
  );
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Connection ids are GUIDs or the 32-hex names Power Apps gives connections (`shared-…-<hex>`); any non-blank id without spaces. */
const CONNECTION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A value of a type, or why it is not one; booleans are written as the definitions write them (`yes`/`no`). */
export function typedValue(type: EnvVarTypeName, value: string): { value: string } | { problem: string; fix: string } {
  if (value.trim() === '') {
    return {
      problem: 'is empty (Dataverse refuses an empty environment variable value)',
      fix: 'give a value; to keep the default, copy the default into it',
    };
  }
  switch (type) {
    case 'Number':
      return Number.isFinite(Number(value))
        ? { value }
        : { problem: `"${value}" is not a number`, fix: 'give a decimal number, e.g. "42"' };
    case 'Boolean': {
      const lower = value.trim().toLowerCase();
      if (lower === 'yes' || lower === 'true') return { value: 'yes' };
      if (lower === 'no' || lower === 'false') return { value: 'no' };
      return { problem: `"${value}" is not a Yes/No value`, fix: 'give "yes" or "no"' };
    }
    case 'JSON':
      try {
        JSON.parse(value);
        return { value };
      } catch {
        return { problem: 'is not valid JSON', fix: 'give a JSON document as a string, with its quotes escaped' };
      }
    default:
      return { value };
  }
}

/**
 * Checks a settings file against the zip it deploys: every environment variable of the zip has a value of its
 * type, every connection reference of the zip has a connection id and the zip's connector; names the zip does
 * not define are refused (a typo would otherwise be ignored). Returns the settings with values normalised.
 */
export function validateSettings(settings: DeploymentSettings, pkg: DeployPackage, file: string): DeploymentSettings {
  const errors: UserError[] = [];
  const variables = new Map<string, PackageEnvVar>(pkg.envVars.map((variable) => [variable.schemaName.toLowerCase(), variable]));
  const references = new Map(pkg.connectionReferences.map((reference) => [reference.logicalName.toLowerCase(), reference]));
  const seen = new Set<string>();
  const envOut: SettingsEnvVar[] = [];
  settings.EnvironmentVariables.forEach((entry, index) => {
    const pointer = `/${SettingsKey.environmentVariables}/${index}`;
    const definition = variables.get(entry.SchemaName.toLowerCase());
    if (!definition) {
      const closest = closestName(
        entry.SchemaName,
        pkg.envVars.map((variable) => variable.schemaName),
      );
      errors.push(
        new UserError(
          file,
          `${pointer}/SchemaName`,
          `"${entry.SchemaName}" is not an environment variable of ${pkg.label}`,
          closest ? `did you mean "${closest}"?` : 'remove the entry',
        ),
      );
      return;
    }
    if (seen.has(definition.schemaName)) {
      errors.push(new UserError(file, `${pointer}/SchemaName`, `"${entry.SchemaName}" is listed twice`, 'keep one entry'));
      return;
    }
    seen.add(definition.schemaName);
    const typed = typedValue(definition.type, entry.Value);
    if ('problem' in typed)
      errors.push(new UserError(file, `${pointer}/Value`, `${definition.schemaName} (${definition.type}): ${typed.problem}`, typed.fix));
    else envOut.push({ SchemaName: definition.schemaName, Value: typed.value });
  });
  for (const variable of pkg.envVars) {
    if (!seen.has(variable.schemaName)) {
      errors.push(
        new UserError(
          file,
          `/${SettingsKey.environmentVariables}`,
          `has no entry for ${variable.schemaName} (${variable.type})`,
          `add { "SchemaName": "${variable.schemaName}", "Value": ${JSON.stringify(variable.defaultValue ?? '')} } with this environment's value`,
        ),
      );
    }
  }
  const seenRefs = new Set<string>();
  const refOut: SettingsConnectionReference[] = [];
  settings.ConnectionReferences.forEach((entry, index) => {
    const pointer = `/${SettingsKey.connectionReferences}/${index}`;
    const reference = references.get(entry.LogicalName.toLowerCase());
    if (!reference) {
      const closest = closestName(
        entry.LogicalName,
        pkg.connectionReferences.map((candidate) => candidate.logicalName),
      );
      errors.push(
        new UserError(
          file,
          `${pointer}/LogicalName`,
          `"${entry.LogicalName}" is not a connection reference of ${pkg.label}`,
          closest ? `did you mean "${closest}"?` : 'remove the entry',
        ),
      );
      return;
    }
    if (seenRefs.has(reference.logicalName)) {
      errors.push(new UserError(file, `${pointer}/LogicalName`, `"${entry.LogicalName}" is listed twice`, 'keep one entry'));
      return;
    }
    seenRefs.add(reference.logicalName);
    let ok = true;
    if (entry.ConnectionId.trim() === '') {
      errors.push(
        new UserError(
          file,
          `${pointer}/ConnectionId`,
          `${reference.logicalName} has no connection id`,
          `create a connection for ${reference.connectorId.split('/').at(-1) ?? reference.connectorId} in the target environment (make.powerapps.com → Connections) and paste the id from its URL`,
        ),
      );
      ok = false;
    } else if (!CONNECTION_ID.test(entry.ConnectionId.trim()) && !GUID.test(entry.ConnectionId.trim())) {
      errors.push(
        new UserError(
          file,
          `${pointer}/ConnectionId`,
          `"${entry.ConnectionId}" is not a connection id`,
          'paste the id from the connection URL, without spaces or slashes',
        ),
      );
      ok = false;
    }
    if (entry.ConnectorId !== reference.connectorId) {
      errors.push(
        new UserError(
          file,
          `${pointer}/ConnectorId`,
          `is "${entry.ConnectorId}" but ${reference.logicalName} uses ${reference.connectorId}`,
          `set it to "${reference.connectorId}"`,
        ),
      );
      ok = false;
    }
    if (ok)
      refOut.push({ LogicalName: reference.logicalName, ConnectionId: entry.ConnectionId.trim(), ConnectorId: reference.connectorId });
  });
  for (const reference of pkg.connectionReferences) {
    if (!seenRefs.has(reference.logicalName)) {
      errors.push(
        new UserError(
          file,
          `/${SettingsKey.connectionReferences}`,
          `has no entry for ${reference.logicalName}`,
          `add { "LogicalName": "${reference.logicalName}", "ConnectionId": "<id>", "ConnectorId": "${reference.connectorId}" }`,
        ),
      );
    }
  }
  if (errors.length > 0) throw new UserErrors(errors);
  return { EnvironmentVariables: envOut, ConnectionReferences: refOut };
}

/** ComponentParameters for ImportSolutionAsync / StageAndUpgradeAsync: connection references first, then values. */
export function componentParameters(settings: DeploymentSettings): Array<Record<string, string>> {
  return [
    ...settings.ConnectionReferences.map((reference) => ({
      '@odata.type': ODataType.connectionReference,
      [Column.connectionReference.logicalName]: reference.LogicalName,
      [Column.connectionReference.connectionId]: reference.ConnectionId,
      [Column.connectionReference.connectorId]: reference.ConnectorId,
    })),
    ...settings.EnvironmentVariables.map((variable) => ({
      '@odata.type': ODataType.envVarValue,
      [Column.envVarValue.schemaName]: variable.SchemaName,
      [Column.envVarValue.value]: variable.Value,
    })),
  ];
}

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { projectFile } from '../core/paths.js';

/**
 * The published contracts of the connectors the flows call, as data (contracts/connectors/*.json), each
 * operation citing its public source. `check` holds the flows against them and the rehearsal's emulator
 * adapters build their requests from them; neither takes the flows' own constants.
 */

export type ParameterLocation = 'path' | 'query' | 'header' | 'body';
export type ParameterType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

export interface ContractParameter {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly type: ParameterType;
  readonly required?: boolean;
  /** The designer fills it in; a flow need not pass it. */
  readonly default?: unknown;
  /** Hidden from makers (`x-ms-visibility: internal`). */
  readonly internal?: boolean;
  readonly enum?: readonly (string | number)[];
  /** An object whose properties depend on the table (`item/<column>` keys). */
  readonly dynamicProperties?: boolean;
  /** For an array of objects: the properties of each element. */
  readonly items?: Readonly<Record<string, { readonly type?: ParameterType; readonly enum?: readonly (string | number)[] }>>;
}

export interface ContractOperation {
  readonly operationId: string;
  readonly kind?: 'action' | 'trigger';
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the contract's basePath; `{name}` are path parameters. */
  readonly path: string;
  /** Headers the connector itself sends (Dataverse: Prefer, If-Match). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly parameters: readonly ContractParameter[];
  readonly responses: Readonly<Record<string, string>>;
  readonly idempotent?: boolean;
  readonly sources: readonly string[];
  readonly status: 'verified' | 'unverified';
  readonly notes?: string;
}

export interface ConnectorContract {
  readonly apiName: string;
  readonly title: string;
  /** Every operation of the connector is listed, so an unknown operation id is an error. */
  readonly complete: boolean;
  readonly completeBecause: string;
  readonly basePath: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly operations: readonly ContractOperation[];
  /** Facts no public source settles. */
  readonly unsettled: readonly { readonly fact: string; readonly why: string }[];
}

export const CONTRACTS_FOLDER = ['contracts', 'connectors'] as const;
export const CONTRACT_FILES = ['partnercenterref.json', 'partnercenterevents.json', 'commondataserviceforapps.json'] as const;
const SCHEMA_FILE = ['contracts', 'connector-contract.schema.json'] as const;

/** Validates one contract document; throws naming the file, the JSON pointer and the problem. */
export function parseConnectorContract(data: unknown, file: string): ConnectorContract {
  const schema = JSON.parse(readFileSync(projectFile(...SCHEMA_FILE), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (!validate(data)) {
    const problems = (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
    throw new Error(`${file}: not a valid connector contract (see contracts/connector-contract.schema.json): ${problems.join('; ')}`);
  }
  const contract = data as ConnectorContract;
  for (const operation of contract.operations) {
    for (const source of operation.sources) {
      if (!(source in contract.sources)) {
        throw new Error(`${file}: operation ${operation.operationId} cites "${source}", which is not in "sources"; add it there`);
      }
    }
  }
  return contract;
}

let loaded: readonly ConnectorContract[] | undefined;

/** The three contracts the project ships, validated once. */
export function connectorContracts(): readonly ConnectorContract[] {
  loaded ??= CONTRACT_FILES.map((file) => {
    const path = projectFile(...CONTRACTS_FOLDER, file);
    return parseConnectorContract(JSON.parse(readFileSync(path, 'utf8')) as unknown, `contracts/connectors/${file}`);
  });
  return loaded;
}

export const contractOf = (apiName: string): ConnectorContract | undefined =>
  connectorContracts().find((contract) => contract.apiName.toLowerCase() === apiName.toLowerCase());

export const operationOf = (contract: ConnectorContract, operationId: string): ContractOperation | undefined =>
  contract.operations.find((operation) => operation.operationId === operationId);

/** A parameter key as a flow writes it: `name`, or `object/property` into a declared object. */
export function parameterFor(operation: ContractOperation, key: string): ContractParameter | undefined {
  const exact = operation.parameters.find((parameter) => parameter.name === key);
  if (exact) return exact;
  const slash = key.indexOf('/');
  if (slash <= 0) return undefined;
  const parent = operation.parameters.find((parameter) => parameter.name === key.slice(0, slash));
  return parent?.dynamicProperties ? parent : undefined;
}

/** Parameters a flow must pass: required, with no default the designer fills in. */
export const requiredParameters = (operation: ContractOperation): ContractParameter[] =>
  operation.parameters.filter((parameter) => parameter.required === true && parameter.default === undefined);

import { decodeText } from '../../../core/io/zip.js';
import { EnvironmentVariableTypeCode } from '../../../core/package/component-types.js';
import type { EnvVarDefinition, SolutionPackage } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { childText, type XElement } from '../../../core/xml/tree.js';
import { finding, lower, type RuleContext } from './common.js';

const DEFINITION_ROOT = 'environmentvariabledefinition';
const EnvVarType = {
  Boolean: String(EnvironmentVariableTypeCode.Boolean),
  Number: String(EnvironmentVariableTypeCode.Number),
  Json: String(EnvironmentVariableTypeCode.JSON),
} as const;
const TYPES: readonly string[] = Object.values(EnvironmentVariableTypeCode).map(String);
const BOOLEAN_VALUES = ['yes', 'no'];
/** Flow parameter names the platform uses itself (D2). */
const RESERVED_NAMES = ['$authentication', '$connections'];
const MANAGED = '1';

/** Environment variable definitions: well-formed, folder = schemaname, valid type and default, no shipped value when managed. */
export function checkEnvVars({ pkg }: RuleContext): Finding[] {
  return pkg.envVars.flatMap((envVar) => checkDefinition(pkg, envVar));
}

function checkDefinition(pkg: SolutionPackage, envVar: EnvVarDefinition): Finding[] {
  const { parsed, entry } = envVar;
  if (!parsed.ok || parsed.root.name !== DEFINITION_ROOT || !envVar.schemaName) {
    const problem = !parsed.ok
      ? `is not well-formed XML (line ${parsed.line}: ${parsed.message})`
      : parsed.root.name !== DEFINITION_ROOT
        ? `has root <${parsed.root.name}>, not <${DEFINITION_ROOT}>`
        : 'has no schemaname attribute';
    return [
      finding('Critical', 'envvar-definition-invalid', `${entry} ${problem}`, {
        entry,
        fix: `write <${DEFINITION_ROOT} schemaname="${envVar.folder}"> with displayname, type… as Dataverse exports it`,
      }),
    ];
  }
  const root = parsed.root;
  const schemaName = envVar.schemaName;
  const findings: Finding[] = [];
  if (schemaName !== envVar.folder) {
    findings.push(
      finding(
        'High',
        'envvar-folder-mismatch',
        `folder environmentvariabledefinitions/${envVar.folder}/ holds the definition of ${schemaName}; Dataverse expects the folder name to equal the schemaname`,
        {
          entry,
          where: root,
          fix: `move it to environmentvariabledefinitions/${schemaName}/ (or correct the schemaname)`,
        },
      ),
    );
  }
  if (RESERVED_NAMES.includes(lower(schemaName))) {
    findings.push(
      finding(
        'High',
        'envvar-reserved-name',
        `environment variable name ${schemaName} is reserved by the platform (flows use it for their own parameters)`,
        {
          entry,
          where: root,
          fix: 'choose another schema name, with the publisher prefix',
        },
      ),
    );
  }
  findings.push(...checkTypeAndDefault(entry, root));
  findings.push(...checkValuesFile(pkg, envVar));
  return findings;
}

function checkTypeAndDefault(entry: string, root: XElement): Finding[] {
  const type = childText(root, 'type');
  if (type === undefined || !TYPES.includes(type)) {
    return [
      finding(
        'High',
        'envvar-type',
        `environment variable type ${type === undefined ? 'is missing' : `"${type}" is not a known type`}: use 100000000 String, 100000001 Number, 100000002 Boolean, 100000003 JSON, 100000004 Data source or 100000005 Secret`,
        {
          entry,
          where: root,
          fix: 'set <type> to one of the six option values',
        },
      ),
    ];
  }
  const defaultValue = childText(root, 'defaultvalue');
  if (defaultValue === undefined) return [];
  const problem = defaultProblem(type, defaultValue);
  return problem ? [finding('High', 'envvar-default', problem, { entry, where: root, fix: defaultFix(type) })] : [];
}

function defaultProblem(type: string, value: string): string | undefined {
  if (type === EnvVarType.Boolean && !BOOLEAN_VALUES.includes(value)) {
    return `Boolean environment variable default "${value}" must be "yes" or "no" (what Dataverse stores; flows see true/false)`;
  }
  if (type === EnvVarType.Number && (value.trim() === '' || Number.isNaN(Number(value)))) {
    return `Number environment variable default "${value}" is not a number`;
  }
  if (type === EnvVarType.Json && !isJson(value)) return `JSON environment variable default is not valid JSON`;
  return undefined;
}

const defaultFix = (type: string): string =>
  type === EnvVarType.Boolean
    ? 'write <defaultvalue>yes</defaultvalue> or <defaultvalue>no</defaultvalue>'
    : 'correct <defaultvalue> or omit it';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** environmentvariablevalues.json: valid JSON; in a managed package it overrides every environment's own value. */
function checkValuesFile(pkg: SolutionPackage, envVar: EnvVarDefinition): Finding[] {
  const name = envVar.valuesEntry;
  const data = name ? pkg.byName.get(name)?.data : undefined;
  if (!name || !data) return [];
  if (!isJson(decodeText(data))) {
    return [
      finding('High', 'envvar-values-invalid', `${name} is not valid JSON`, {
        entry: name,
        fix: 'remove the file (ship only the default) or fix its JSON',
      }),
    ];
  }
  if (pkg.manifest?.managed !== MANAGED) return [];
  return [
    finding(
      'Medium',
      'envvar-value-in-managed',
      `managed package ships a current value for ${envVar.schemaName ?? envVar.folder}: the shipped current value overrides what each environment sets; ship only the default`,
      {
        entry: name,
        fix: 'remove environmentvariablevalues.json from the managed package and put the value in <defaultvalue> or set it per environment (deployment settings)',
      },
    ),
  ];
}

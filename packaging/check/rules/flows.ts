import { decodeText } from '../../../core/io/zip.js';
import { CUSTOMIZATIONS_XML, entryNameOf, type Manifest, type SolutionPackage, type WorkflowNode } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { childText } from '../../../core/xml/tree.js';
import { finding, lower, type RuleContext } from './common.js';

const WORKFLOWS_FOLDER = 'Workflows/';
/** Workflow/Category of a modern (cloud) flow: its definition is a JSON file. */
const MODERN_FLOW_CATEGORY = '5';
const MISSING_CONNECTION_REFERENCE = 'connectionreference';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Cloud flows: the JSON each Workflow points to, and what that JSON needs from the package. */
export function checkFlows({ pkg }: RuleContext): Finding[] {
  const workflows = pkg.customizations?.workflows ?? [];
  const findings = workflows.flatMap((workflow) => checkWorkflow(pkg, workflow));
  const referenced = new Set(workflows.map((workflow) => (workflow.jsonFileName ? entryNameOf(workflow.jsonFileName) : '')));
  for (const { name } of pkg.entries) {
    if (!name.startsWith(WORKFLOWS_FOLDER) || !name.toLowerCase().endsWith('.json') || referenced.has(name)) continue;
    findings.push(
      finding(
        'Low',
        'flow-json-unreferenced',
        `${name} is not referenced by any <Workflow><JsonFileName> in customizations.xml; Dataverse ignores it`,
        {
          entry: name,
          fix: 'remove the file or add its Workflow element',
        },
      ),
    );
  }
  return findings;
}

function checkWorkflow(pkg: SolutionPackage, workflow: WorkflowNode): Finding[] {
  const label = `flow "${workflow.name ?? workflow.id ?? ''}"`;
  if (!workflow.jsonFileName) {
    if (childText(workflow.el, 'Category') !== MODERN_FLOW_CATEGORY) return [];
    return [
      finding(
        'Critical',
        'flow-json-missing',
        `${label} is a cloud flow (Category 5) without <JsonFileName>; its definition cannot be found`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: workflow.el,
          fix: 'add <JsonFileName>/Workflows/<Name>-<GUID>.json</JsonFileName> right after the Workflow start tag',
        },
      ),
    ];
  }
  const entryName = entryNameOf(workflow.jsonFileName);
  const read = readFlow(pkg, entryName);
  if (!read) {
    const sameIgnoringCase = pkg.entries.find((e) => lower(e.name) === lower(entryName));
    return [
      finding(
        'Critical',
        'flow-json-missing',
        `${label} points to ${entryName}, which is not in the zip${sameIgnoringCase ? ` (there is ${sameIgnoringCase.name}: names are case-sensitive)` : ''}`,
        {
          entry: CUSTOMIZATIONS_XML,
          where: workflow.el,
          fix: 'add the flow definition file or correct <JsonFileName>',
        },
      ),
    ];
  }
  if (!read.ok) {
    return [
      finding('Critical', 'flow-json-invalid', `${label}: ${entryName} is not valid JSON (${read.error})`, {
        entry: entryName,
        fix: 'export the flow again or regenerate it with `cosell build`',
      }),
    ];
  }
  return [
    ...checkPrimaryEntity(workflow, label),
    ...checkConnectionReferences(pkg, entryName, read.flow),
    ...checkEnvVarParameters(pkg, entryName, read.flow),
  ];
}

/**
 * Every cloud flow of the reference exports and of the 42-export corpus writes `<PrimaryEntity>none</PrimaryEntity>`,
 * whatever table its trigger watches (the trigger names its table itself). A table there is what a classic
 * workflow writes; what Dataverse does with it on a cloud flow is not documented, so it is worth a look.
 */
function checkPrimaryEntity(workflow: WorkflowNode, label: string): Finding[] {
  const primaryEntity = childText(workflow.el, 'PrimaryEntity');
  if (childText(workflow.el, 'Category') !== MODERN_FLOW_CATEGORY || primaryEntity === undefined || primaryEntity === 'none') return [];
  return [
    finding('Medium', 'flow-primary-entity', `${label} is a cloud flow with <PrimaryEntity>${primaryEntity}</PrimaryEntity>`, {
      entry: CUSTOMIZATIONS_XML,
      where: workflow.el,
      fix: 'write <PrimaryEntity>none</PrimaryEntity>, as every exported cloud flow does; the trigger names the table',
    }),
  ];
}

type ReadFlow = { ok: true; flow: Json } | { ok: false; error: string };

/** The flow JSON of an entry (BOM tolerated); undefined when the entry is absent. */
function readFlow(pkg: SolutionPackage, entryName: string): ReadFlow | undefined {
  const entry = pkg.byName.get(entryName);
  if (!entry) return undefined;
  try {
    return { ok: true, flow: JSON.parse(decodeText(entry.data)) as Json };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** `properties.connectionReferences.*.connection.connectionReferenceLogicalName` must be declared in customizations.xml. */
function checkConnectionReferences(pkg: SolutionPackage, entryName: string, flow: Json): Finding[] {
  const declared = new Set((pkg.customizations?.connectionReferences ?? []).map((reference) => lower(reference.name)));
  const findings: Finding[] = [];
  for (const [key, reference] of Object.entries(objectAt(flow, ['properties', 'connectionReferences']))) {
    const logicalName = stringAt(reference, ['connection', 'connectionReferenceLogicalName']);
    if (logicalName === undefined || declared.has(lower(logicalName)) || missingConnectionReference(pkg.manifest, logicalName)) continue;
    findings.push(
      finding(
        'High',
        'connection-reference-undeclared',
        `the flow uses connection reference ${logicalName}, which is not declared in <connectionreferences> of customizations.xml (nor listed in MissingDependencies); the flow cannot bind its connection`,
        {
          entry: entryName,
          where: `properties.connectionReferences.${key}.connection.connectionReferenceLogicalName`,
          fix: `add <connectionreference connectionreferencelogicalname="${logicalName}"> to customizations.xml`,
        },
      ),
    );
  }
  return findings;
}

const missingConnectionReference = (manifest: Manifest | undefined, logicalName: string): boolean =>
  (manifest?.missingRequired ?? []).some(
    (required) =>
      required.attrs.type === MISSING_CONNECTION_REFERENCE &&
      lower(required.attrs['id.connectionreferencelogicalname'] ?? required.attrs.schemaName ?? '') === lower(logicalName),
  );

/** Every `definition.parameters` entry with `metadata.schemaName` is an environment variable the package must define. */
function checkEnvVarParameters(pkg: SolutionPackage, entryName: string, flow: Json): Finding[] {
  const defined = new Set(pkg.envVars.map((envVar) => lower(envVar.schemaName ?? envVar.folder)));
  const findings: Finding[] = [];
  for (const [key, parameter] of Object.entries(objectAt(flow, ['properties', 'definition', 'parameters']))) {
    const schemaName = stringAt(parameter, ['metadata', 'schemaName']);
    if (schemaName === undefined || defined.has(lower(schemaName))) continue;
    findings.push(
      finding(
        'High',
        'flow-envvar-undefined',
        `flow parameter "${key}" reads environment variable ${schemaName}, but the zip has no environmentvariabledefinitions/${schemaName}/environmentvariabledefinition.xml`,
        {
          entry: entryName,
          where: `properties.definition.parameters.${key}.metadata.schemaName`,
          fix: `add environmentvariabledefinitions/${schemaName}/environmentvariabledefinition.xml (folder name = schemaname)`,
        },
      ),
    );
  }
  return findings;
}

function objectAt(value: Json, path: readonly string[]): Record<string, Json> {
  const found = path.reduce<Json | undefined>((current, key) => (isObject(current) ? current[key] : undefined), value);
  return isObject(found) ? found : {};
}

function stringAt(value: Json | undefined, path: readonly string[]): string | undefined {
  const found = path.reduce<Json | undefined>((current, key) => (isObject(current) ? current[key] : undefined), value);
  return typeof found === 'string' && found !== '' ? found : undefined;
}

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

import { validateFlowDocument } from '../../../flows/validate/index.js';
import { decodeText } from '../../../core/io/zip.js';
import { entryNameOf, type SolutionPackage } from '../../../core/package/reader.js';
import type { Finding } from '../types.js';
import { childText } from '../../../core/xml/tree.js';
import { finding, type RuleContext } from './common.js';

const WORKFLOWS_FOLDER = 'Workflows/';
const JSON_EXTENSION = '.json';
/**
 * Spaces in a trigger or action name: the platform runs such flows (Microsoft's generated ARC flow in
 * CustomerServiceCS 1.0.0.19 has them), so it is worth a look (Medium), not an import blocker.
 */
const NAME_WHITESPACE = 'name-whitespace';
/** Workflow/Category of a modern (cloud) flow. */
const CLOUD_FLOW_CATEGORY = '5';
/** `Name-<GUID>.json`: the GUID suffix Dataverse appends to a flow file name. */
const GUID_SUFFIX = /-[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i;

/**
 * Cloud flow definitions, action by action (flows/validate): structure, runAfter, expressions,
 * references, variables, connections and parameters. Every finding is High: the flow fails to save,
 * to turn on or to run. Connection references and environment variables are not passed to the
 * validator because rules/flows.ts already checks them against the package, MissingDependencies included.
 * Files that do not parse are left to rules/flows.ts (flow-json-invalid).
 *
 * Only cloud flows (Workflow Category 5) are Logic Apps definitions. Other processes also keep their
 * definition in a Workflows/*.json file with the same envelope but their own trigger and action types:
 * Customer Service macros (Category 9000, subcategory CDSClientAutomation: trigger type Start, actions
 * Save, Refresh, Clone_Input_Record…; corpus: ContosoMainSolution), so they are not checked here.
 */
export function checkFlowDefinitions({ pkg }: RuleContext): Finding[] {
  return cloudFlowDocuments(pkg).flatMap(({ entry, flowName, document }) =>
    validateFlowDocument(document, { flowName }).map((problem) =>
      finding(problem.rule === NAME_WHITESPACE ? 'Medium' : 'High', `flow-${problem.rule}`, `flow "${flowName}": ${problem.message}`, {
        entry,
        where: problem.path,
        fix: problem.fix,
      }),
    ),
  );
}

/** A cloud flow's definition file, parsed, with the flow's display name. */
export interface CloudFlowDocument {
  readonly entry: string;
  readonly flowName: string;
  readonly document: unknown;
}

/** The cloud flows' JSON files that parse (those that do not are rules/flows.ts's flow-json-invalid). */
export function cloudFlowDocuments(pkg: SolutionPackage): CloudFlowDocument[] {
  const names = flowNamesByEntry(pkg);
  const notCloudFlows = entriesOfOtherCategories(pkg);
  return pkg.entries
    .filter(({ name }) => name.startsWith(WORKFLOWS_FOLDER) && name.toLowerCase().endsWith(JSON_EXTENSION))
    .filter(({ name }) => !notCloudFlows.has(name))
    .flatMap(({ name, data }) => {
      const document = parseJson(decodeText(data));
      return document === undefined ? [] : [{ entry: name, flowName: names.get(name) ?? flowNameFromEntry(name), document }];
    });
}

/** Display names from customizations.xml, by the entry each Workflow's JsonFileName points to. */
function flowNamesByEntry(pkg: SolutionPackage): Map<string, string> {
  const names = new Map<string, string>();
  for (const workflow of pkg.customizations?.workflows ?? []) {
    if (workflow.jsonFileName && workflow.name) names.set(entryNameOf(workflow.jsonFileName), workflow.name);
  }
  return names;
}

/** The JSON entries of workflows whose Category says they are not cloud flows (a missing Category counts as a cloud flow). */
function entriesOfOtherCategories(pkg: SolutionPackage): Set<string> {
  const entries = new Set<string>();
  for (const workflow of pkg.customizations?.workflows ?? []) {
    const category = childText(workflow.el, 'Category');
    if (workflow.jsonFileName && category !== undefined && category !== CLOUD_FLOW_CATEGORY)
      entries.add(entryNameOf(workflow.jsonFileName));
  }
  return entries;
}

const flowNameFromEntry = (entry: string): string => entry.slice(WORKFLOWS_FOLDER.length, -JSON_EXTENSION.length).replace(GUID_SUFFIX, '');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

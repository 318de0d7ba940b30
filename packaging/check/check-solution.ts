import { UserError } from '../../core/errors.js';
import { readZip, type ZipEntry } from '../../core/io/zip.js';
import { loadPackage } from '../../core/package/reader.js';
import { finding, type Rule, type RuleContext } from './rules/common.js';
import { checkCrossReferences } from './rules/cross-references.js';
import { checkConnectorContracts } from './rules/connector-contracts.js';
import { checkControls } from './rules/controls.js';
import { checkCustomizationsXsd } from './rules/customizations-xsd.js';
import { checkDependencies } from './rules/dependencies.js';
import { checkDuplicates } from './rules/duplicates.js';
import { checkEnvVars } from './rules/env-vars.js';
import { checkFlowDefinitions } from './rules/flow-definitions.js';
import { checkFlows } from './rules/flows.js';
import { checkForms } from './rules/forms.js';
import { checkNames } from './rules/names.js';
import { checkRootEntries, isNotASolution } from './rules/root-entries.js';
import { checkSolutionManifest } from './rules/solution-manifest.js';
import { sortFindings, type Finding } from './types.js';
import { loadValidators } from './xsd.js';

export { SEVERITIES, countBySeverity, isBlocking, sortFindings, type Finding, type Severity, type SeverityCounts } from './types.js';

/** Every rule module, one concern each (see the rule ids in each module). */
const RULES: ReadonlyArray<readonly [string, Rule]> = [
  ['root-entries', checkRootEntries],
  ['solution-manifest', checkSolutionManifest],
  ['customizations-xsd', checkCustomizationsXsd],
  ['cross-references', checkCrossReferences],
  ['flows', checkFlows],
  ['flow-definitions', checkFlowDefinitions],
  ['connector-contracts', checkConnectorContracts],
  ['env-vars', checkEnvVars],
  ['names', checkNames],
  ['forms', checkForms],
  ['controls', checkControls],
  ['duplicates', checkDuplicates],
  ['dependencies', checkDependencies],
];

/**
 * Checks the entries of a solution zip (ours or any Dataverse export) and returns what Dataverse would
 * reject (Critical/High) or what imports but is wrong (Medium) or untidy (Low/Informational), worst first.
 */
export async function checkSolution(entries: readonly ZipEntry[], label: string): Promise<Finding[]> {
  const pkg = loadPackage(entries, label);
  if (isNotASolution(pkg)) return checkRootEntries({ pkg });
  const context: RuleContext = { pkg, validators: await loadValidators() };
  return sortFindings(RULES.flatMap(([name, rule]) => runRule(name, rule, context)));
}

/** Same, from the zip bytes: an unreadable archive is a Critical finding, not an exception. */
export async function checkSolutionZip(bytes: Uint8Array, label: string): Promise<Finding[]> {
  let entries: ZipEntry[];
  try {
    entries = readZip(bytes, label);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return [finding('Critical', 'zip-unreadable', `${label} ${error.problem}`, error.fix ? { fix: error.fix } : {})];
  }
  return checkSolution(entries, label);
}

/** A rule that crashes on odd input must not hide the others, nor pass the package silently. */
function runRule(name: string, rule: Rule, context: RuleContext): Finding[] {
  try {
    return rule(context);
  } catch (error) {
    return [
      finding(
        'High',
        'checker-error',
        `the ${name} checks could not run on this package (${(error as Error).message}); its result is incomplete`,
        {
          fix: 'report this as a cosell bug, with the zip if you can share it',
        },
      ),
    ];
  }
}

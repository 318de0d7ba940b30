import { flowId } from '../../flows/context.js';
import type { SolutionPackage } from '../../core/package/reader.js';
import { compareVersions } from '../../core/version.js';
import { compareComponents, readComponents } from './components.js';
import type { Change, Component, ComponentKind } from './types.js';

/**
 * `cosell diff`: what a customer changed in our components (their export against the version of ours they
 * installed), and which of those our next version changes too. A customer's edit is an unmanaged layer on
 * top of our managed one; an upgrade replaces the managed layer underneath, so the edit survives but hides
 * our change to the same component: those components are the conflicts.
 */

export interface SolutionInfo {
  label: string;
  uniqueName?: string;
  version?: string;
  managed?: boolean;
}

export interface ComponentDiff {
  kind: ComponentKind;
  key: string;
  name: string;
  /** What the customer changed against the version they installed. */
  customer: Change[];
  /** What our next version changes in the same component (empty: the upgrade leaves it as it was). */
  ours: Change[];
  /** What to do about it, in words. */
  advice: string;
}

export interface DiffReport {
  export: SolutionInfo;
  base: SolutionInfo;
  against: SolutionInfo;
  /** Changed by the customer and by our next version: resolve before upgrading. */
  conflicts: ComponentDiff[];
  /** Changed by the customer only. */
  changes: ComponentDiff[];
  /** In the export but not ours: the upgrade never touches them. */
  foreign: Array<{ kind: ComponentKind; key: string; name: string }>;
  /** How many of our components the export holds unchanged, and how many it does not hold at all. */
  unchanged: number;
  notInExport: number;
}

export const DIFF_EXIT_CONFLICTS = 2;

export const CUSTOMIZE_FLOW_KEY = `flow {${flowId('CreateOrGetDetails')}}`;

export function solutionInfo(pkg: SolutionPackage): SolutionInfo {
  const manifest = pkg.manifest;
  return {
    label: pkg.label,
    ...(manifest?.uniqueName !== undefined ? { uniqueName: manifest.uniqueName } : {}),
    ...(manifest?.version !== undefined ? { version: manifest.version } : {}),
    ...(manifest?.managed !== undefined ? { managed: manifest.managed === '1' } : {}),
  };
}

/** The customer's view of a component of ours: their changes, then ours to the same component. */
function componentDiff(key: string, base: Map<string, Component>, exported: Component, against: Map<string, Component>): ComponentDiff {
  const ours = base.get(key);
  const customer = compareComponents(ours, exported);
  const next = compareComponents(ours, against.get(key));
  return { kind: exported.kind, key, name: exported.name, customer, ours: next, advice: adviceFor(exported, next.length > 0) };
}

export function diffSolutions(exported: SolutionPackage, base: SolutionPackage, against: SolutionPackage): DiffReport {
  const baseComponents = readComponents(base);
  const againstComponents = readComponents(against);
  const exportComponents = readComponents(exported);
  const changed: ComponentDiff[] = [];
  const foreign: DiffReport['foreign'] = [];
  let unchanged = 0;
  for (const [key, component] of exportComponents) {
    const ours = baseComponents.has(key) || (component.owner !== undefined && baseComponents.has(component.owner));
    if (!ours) {
      foreign.push({ kind: component.kind, key, name: component.name });
      continue;
    }
    const diff = componentDiff(key, baseComponents, component, againstComponents);
    if (diff.customer.length > 0) changed.push(diff);
    else unchanged++;
  }
  const notInExport = [...baseComponents.keys()].filter((key) => !exportComponents.has(key)).length;
  return {
    export: solutionInfo(exported),
    base: solutionInfo(base),
    against: solutionInfo(against),
    conflicts: changed.filter((diff) => diff.ours.length > 0),
    changes: changed.filter((diff) => diff.ours.length === 0),
    foreign,
    unchanged,
    notInExport,
  };
}

export const diffExitCode = (report: DiffReport): number => (report.conflicts.length > 0 ? DIFF_EXIT_CONFLICTS : 0);

const REMOVE_LAYER =
  'before upgrading, save this diff (--json); after the upgrade, remove the unmanaged layer (Solutions → the component → See solution layers → Remove active customizations) so our version shows';

/** Where a change to a component of this kind belongs instead of an unmanaged edit of it. */
const INSTEAD: Partial<Record<ComponentKind, string>> = {
  flow: 'put matching and record-creation logic into the [Customize] flow; the other flows are ours to change',
  'env var': 'set a current value instead of editing the definition (a value survives every upgrade)',
  control: 'never edit the PCF control; it is replaced whole by each release whose control version rises',
  'connection reference': 'bind connections through the deployment settings file (`cosell settings`, `cosell deploy --settings`) instead',
};
const OURS_TO_CHANGE = 'leave our columns, tables and choices to our releases; names, prefix and form placement are set in pac.config.json';

/** What survives an upgrade, per kind, and what to do when our next version changes the component too. */
function adviceFor(component: Component, conflict: boolean): string {
  if (component.kind === 'env var value') {
    return "a current value is the environment's own record, not part of our package: it survives every upgrade and keeps overriding the default";
  }
  if (component.key === CUSTOMIZE_FLOW_KEY) {
    return conflict
      ? `the customer's edits hide our new version of this flow: ${REMOVE_LAYER}, then re-apply the customer's edits listed above in the maker portal`
      : 'meant to be edited: the edits survive the upgrade (their unmanaged layer stays on top of ours)';
  }
  if (component.kind === 'form') {
    return conflict
      ? "Dataverse merges forms on import instead of replacing them: after the upgrade, open the form and check that our changed tab or section shows beside the customer's layout"
      : 'layout edits in the form editor are kept across upgrades (forms are merged, not replaced)';
  }
  const instead = INSTEAD[component.kind] ?? OURS_TO_CHANGE;
  return conflict
    ? `not meant to be edited, and our next version changes it: the customer's layer would hide our change. ${REMOVE_LAYER}; ${instead}`
    : `not meant to be edited: it survives the upgrade but hides every later change of ours to it; ${instead}`;
}

/**
 * Without --base, the version the customer installed is rebuilt from the model, which is honest only when
 * the export is that very version of this very solution. Undefined when it is; otherwise why not.
 */
export function modelBaseProblem(exported: SolutionInfo, model: { uniqueName: string; version: string }): string | undefined {
  if (exported.uniqueName === undefined || exported.version === undefined) {
    return 'has no readable solution.xml UniqueName/Version, so the version the customer installed is unknown';
  }
  if (exported.uniqueName.toLowerCase() !== model.uniqueName.toLowerCase()) {
    return `is solution ${exported.uniqueName}, not ${model.uniqueName} (the configuration's solution)`;
  }
  if (compareVersions(exported.version, model.version) !== 0) {
    return `is version ${exported.version} of ${exported.uniqueName}; the configuration builds ${model.version}, so it cannot rebuild what the customer installed`;
  }
  return undefined;
}

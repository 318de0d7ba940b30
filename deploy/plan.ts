/**
 * The deploy plan, a pure function of what the zip is and what the environment holds: a first install
 * (ImportSolutionAsync), an upgrade (StageAndUpgradeAsync, which also removes what the new version dropped), the
 * same version again (no import: a managed solution of the same version cannot be re-imported; the settings are
 * put in place directly), or a refusal (a lower version: never downgrade; an unmanaged copy in the way).
 */
import { Action } from './constants.js';
import type { DeployPackage } from './package-info.js';
import { compareVersions } from '../core/version.js';

export interface InstalledSolution {
  solutionid: string;
  version: string;
  ismanaged: boolean;
}

export type PlanAction = 'install' | 'upgrade' | 'same-version' | 'refuse';

export interface DeployPlan {
  action: PlanAction;
  solution: string;
  version: string;
  installedVersion: string | null;
  /** Why a refusal refuses (and the fix), for action 'refuse'. */
  refusal?: { problem: string; fix: string };
  /** The steps, in words, in the order they run. */
  steps: string[];
}

export function planDeploy(pkg: DeployPackage, installed: InstalledSolution | undefined): DeployPlan {
  const base = { solution: pkg.uniqueName, version: pkg.version, installedVersion: installed?.version ?? null };
  const flows = `turn on ${pkg.flows.length} cloud flows, children first, and report any left off`;
  const settings = `${pkg.connectionReferences.length} connection references and ${pkg.envVars.length} environment variable values from the settings file`;
  if (!installed) {
    return {
      action: 'install',
      ...base,
      steps: [
        `StageSolution ${pkg.label} (missing dependencies stop here)`,
        `${Action.ImportSolutionAsync} ${pkg.uniqueName} ${pkg.version} (first install) with ${settings}`,
        'poll the async operation until it completes',
        'RetrieveSolutionImportResult and scan the import job for failed components',
        flows,
      ],
    };
  }
  if (!installed.ismanaged) {
    return {
      action: 'refuse',
      ...base,
      refusal: {
        problem: `${pkg.uniqueName} ${installed.version} is installed unmanaged; a managed import over it would leave an unmanaged layer on top`,
        fix: 'deploy to an environment without the unmanaged copy (delete it in the maker portal first, after exporting anything you need)',
      },
      steps: [],
    };
  }
  const order = compareVersions(pkg.version, installed.version);
  if (order < 0) {
    return {
      action: 'refuse',
      ...base,
      refusal: {
        problem: `${pkg.uniqueName} ${installed.version} is installed and ${pkg.label} is the lower version ${pkg.version}; deploy never downgrades`,
        fix: 'deploy a zip with a higher version (raise solution.version in pac.config.json and run `cosell build`)',
      },
      steps: [],
    };
  }
  if (order === 0) {
    return {
      action: 'same-version',
      ...base,
      steps: [`no import: ${pkg.uniqueName} ${pkg.version} is already installed`, `put in place ${settings} where they differ`, flows],
    };
  }
  return {
    action: 'upgrade',
    ...base,
    steps: [
      `StageSolution ${pkg.label} (missing dependencies stop here)`,
      `${Action.StageAndUpgradeAsync} ${pkg.uniqueName} ${installed.version} → ${pkg.version} (upgrade: removes what the new version dropped) with ${settings}`,
      'poll the async operation until it completes',
      'RetrieveSolutionImportResult and scan the import job for failed components',
      flows,
    ],
  };
}

/**
 * The version a packaged code component carries, derived from the solution version.
 *
 * Dataverse replaces an installed control's bundle.js only when the imported manifest's `version` is higher
 * than the installed one's, so a control whose version stays `1.0.0` keeps its old bundle across upgrades.
 * The packaged manifest therefore takes its version from the solution's, which rises with every release.
 *
 * A control version is `major.minor.patch`, a solution version `major.minor.build.revision`. The map is
 *
 *     major.minor.build.revision  →  major.minor.(build × 10000 + revision)
 *
 * e.g. 1.0.0.0 → 1.0.0, 1.0.0.1 → 1.0.1, 1.0.1.0 → 1.0.10000, 2.3.0.17 → 2.3.17. The configuration schema
 * keeps the revision at most 9999 and the build at most 99999, so (build, revision) ↦ build × 10000 + revision
 * is one-to-one and keeps their order: comparing control versions part by part orders them exactly as the
 * solution versions, and every later solution release gives a strictly higher control version. The patch is
 * at most 999 999 999, nine digits like the other parts (below 2³¹).
 */
export const MAX_BUILD = 99_999;
export const MAX_REVISION = 9_999;
const REVISIONS_PER_BUILD = MAX_REVISION + 1;

export function controlVersion(solutionVersion: string): string {
  const parts = solutionVersion.split('.');
  const numbers = parts.map(Number);
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9][0-9]*)$/.test(part))) {
    throw new Error(`solution version "${solutionVersion}" is not major.minor.build.revision`);
  }
  const [major, minor, build, revision] = numbers as [number, number, number, number];
  if (build > MAX_BUILD || revision > MAX_REVISION) {
    throw new Error(`solution version "${solutionVersion}" has a build above ${MAX_BUILD} or a revision above ${MAX_REVISION}`);
  }
  return `${major}.${minor}.${build * REVISIONS_PER_BUILD + revision}`;
}

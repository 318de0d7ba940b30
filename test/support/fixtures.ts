import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectFile } from '../../core/paths.js';

/**
 * The team's reference material, checked out beside the project as `../shared`: real Dataverse exports and
 * Microsoft's XSDs. A user who cloned only this repository does not have it, so the tests that compare with
 * it are skipped (jest counts them, and test/support/shared-reporter.cjs says why once, at the end of the run). CI sets COSELL_REQUIRE_SHARED=1: there
 * a missing `../shared` fails those tests instead, so they can never be skipped silently.
 */
export const SHARED = path.resolve(projectFile(), '..', 'shared');
export const REAL_SOLUTIONS = path.join(SHARED, 'fixtures', 'real-solutions');
export const REAL_SOLUTIONS_CORPUS = path.join(SHARED, 'fixtures', 'real-solutions-corpus');
export const SHARED_SCHEMAS = path.join(SHARED, 'schemas');

export const REQUIRE_SHARED_SWITCH = 'COSELL_REQUIRE_SHARED';

export const sharedPresent = (): boolean => existsSync(REAL_SOLUTIONS) && existsSync(SHARED_SCHEMAS);
export const sharedRequired = (): boolean => process.env[REQUIRE_SHARED_SWITCH] === '1';

export function requireShared(): void {
  if (!sharedPresent()) {
    throw new Error(
      `${REAL_SOLUTIONS} is missing and ${REQUIRE_SHARED_SWITCH}=1: clone the shared reference folder beside the project as ../shared`,
    );
  }
}

/**
 * `describe` for tests that read `../shared`: skipped when it is missing, unless the run requires it, in
 * which case the block runs and fails on its first read (requireShared) instead of passing without it.
 * Blocks must read the fixtures inside their tests or hooks, not while the file is being loaded.
 */
export const describeWithShared: jest.Describe = sharedPresent() || sharedRequired() ? describe : describe.skip;

import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectFile } from '../../core/paths.js';

/**
 * The team's reference material, checked out beside the project as `../shared` (CI lays it there too).
 * Tests that compare with real Dataverse exports need it, so its absence fails them loudly instead of
 * skipping them.
 */
export const SHARED = path.resolve(projectFile(), '..', 'shared');
export const REAL_SOLUTIONS = path.join(SHARED, 'fixtures', 'real-solutions');
export const SHARED_SCHEMAS = path.join(SHARED, 'schemas');

export function requireShared(): void {
  if (!existsSync(REAL_SOLUTIONS)) {
    throw new Error(
      `${REAL_SOLUTIONS} is missing: clone the shared reference folder beside the project as ../shared before running the tests`,
    );
  }
}

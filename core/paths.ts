import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'cosell-sync';

/**
 * The project folder (where package.json is), found from this module's own location so it works the
 * same from the TypeScript sources (tests) and from the compiled `dist/` (the CLI).
 */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package folder above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** A file shipped with the project (schemas, defaults), by its path relative to the project folder. */
export const projectFile = (...segments: string[]): string => path.join(projectRoot(), ...segments);

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { projectFile } from '../../core/paths.js';

/**
 * The top-level folders form a stack: each may import only from itself and the folders below it, so there is
 * no import running back up and no cycle between folders. pcf/ is its own npm project: it imports nothing of
 * the root's and the root imports nothing of it (the root reads its built output as files).
 */
export const LAYERS = ['core', 'contracts', 'solution', 'flows', 'packaging', 'deploy', 'sim', 'scripts'] as const;

export interface SourceFile {
  /** Path relative to the project, with forward slashes. */
  name: string;
  text: string;
}

const topFolder = (name: string): string => name.split('/')[0]!;

/** Every relative import, re-export or dynamic import of a file, resolved to a project-relative path. */
export function importsOf(file: SourceFile): string[] {
  return ts
    .preProcessFile(file.text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file.name), specifier)));
}

/** The imports that break the stack, as `file → target (why)`. */
export function layerViolations(files: readonly SourceFile[]): string[] {
  const rank = (folder: string): number => (LAYERS as readonly string[]).indexOf(folder);
  const violations: string[] = [];
  for (const file of files) {
    const from = topFolder(file.name);
    for (const target of importsOf(file)) {
      const to = topFolder(target);
      if (to === from) continue;
      if (from === 'pcf' || to === 'pcf') violations.push(`${file.name} → ${target} (pcf/ is a separate project)`);
      else if (rank(to) < 0) violations.push(`${file.name} → ${target} (outside the source folders)`);
      else if (rank(to) > rank(from)) violations.push(`${file.name} → ${target} (${from}/ is below ${to}/)`);
    }
  }
  return violations;
}

function sources(): SourceFile[] {
  const root = projectFile();
  const found: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(root, dir))) {
      if (name === 'node_modules' || name === 'generated') continue;
      const relative = `${dir}/${name}`;
      if (statSync(path.join(root, relative)).isDirectory()) walk(relative);
      else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts'))
        found.push({ name: relative, text: readFileSync(path.join(root, relative), 'utf8') });
    }
  };
  for (const folder of [...LAYERS, 'pcf']) walk(folder);
  return found;
}

describe('the folders form a stack: core → solution → flows → packaging → deploy → sim → scripts', () => {
  test('no source file imports upwards, across into pcf/, or out of the source folders', () => {
    const files = sources();
    expect(files.filter((file) => file.name.startsWith('core/')).length).toBeGreaterThan(5);
    expect(layerViolations(files)).toEqual([]);
  });

  test('an import back up is caught, naming the file and both folders', () => {
    expect(
      layerViolations([
        { name: 'core/io/zip.ts', text: "import { UserError } from '../../scripts/errors.js';" },
        { name: 'sim/run.ts', text: "export { check } from '../packaging/check/check-solution.js';" },
        { name: 'solution/model.ts', text: "const flows = await import('../flows/index.js');" },
      ]),
    ).toEqual([
      'core/io/zip.ts → scripts/errors.js (core/ is below scripts/)',
      'solution/model.ts → flows/index.js (solution/ is below flows/)',
    ]);
  });

  test('a cycle between two folders is caught on its upward edge', () => {
    const violations = layerViolations([
      { name: 'sim/simulate/run.ts', text: "import { runCli } from '../../scripts/cli.js';" },
      { name: 'scripts/commands/simulate.ts', text: "import { runScenario } from '../../sim/simulate/run.js';" },
    ]);
    expect(violations).toEqual(['sim/simulate/run.ts → scripts/cli.js (sim/ is below scripts/)']);
  });

  test('pcf/ and the root do not import each other', () => {
    expect(
      layerViolations([
        { name: 'pcf/PartnerCenterSection/names.ts', text: "import { OpportunityColumn } from '../../solution/cosell';" },
        { name: 'scripts/pcf-columns.ts', text: "import { Property } from '../pcf/PartnerCenterSection/names.js';" },
      ]),
    ).toEqual([
      'pcf/PartnerCenterSection/names.ts → solution/cosell (pcf/ is a separate project)',
      'scripts/pcf-columns.ts → pcf/PartnerCenterSection/names.js (pcf/ is a separate project)',
    ]);
  });
});

import path from 'node:path';
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { loadConfig } from '../solution/config/config.js';
import { buildCoSellModel, type ModelExtensions } from '../solution/cosell.js';
import { withFlows } from '../flows/index.js';
import type { SolutionModel } from '../solution/model.js';
import { validateModel } from '../solution/validate.js';
import { writeFilesAtomic } from '../core/io/atomic.js';
import { pathObstacle, writeFailure, type WriteTarget } from '../core/io/path-errors.js';
import { readZip, writeZip } from '../core/io/zip.js';
import { checkSolution, isBlocking, type Finding } from './check/check-solution.js';
import { UserError } from '../core/errors.js';
import { generatePackages, packageFileName, type PackageType } from './generate/package.js';
import { readBuiltControl } from './pcf-control.js';

export const MODEL_SOURCE = 'solution/cosell.ts';

export interface BuiltPackage {
  type: PackageType;
  fileName: string;
  bytes: Uint8Array;
  sha256: string;
}

/** Model → validated model → zip bytes for each package type. Pure: no file is read or written. */
export function buildPackages(model: SolutionModel, types: readonly PackageType[]): BuiltPackage[] {
  validateModel(model, MODEL_SOURCE);
  const packages = generatePackages(model, types);
  return types.map((type, index) => {
    const bytes = writeZip(packages[index]!);
    return { type, fileName: packageFileName(model, type), bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
}

export interface BuildOptions {
  configFile: string;
  outDir: string;
  types: readonly PackageType[];
  extensions?: ModelExtensions;
  /** Run `check` on each zip before writing it (default). */
  check?: boolean;
  /**
   * Folder of the built PCF control (`pcf/out/controls/PartnerCenterSection`): packaged and bound on the
   * form section. Without it the section keeps its classic field controls.
   */
  pcfControlDir?: string;
  /** How to name that folder in messages (the path as the user gave it). */
  pcfControlShown?: string;
  /** How to name the config file and the output folder in messages (the paths as the user gave them). */
  configShown?: string;
  outDirShown?: string;
}

/**
 * Runs `check` on a built zip and refuses it when Dataverse would reject it, so a generator or model
 * mistake stops the build instead of reaching an import.
 */
export async function assertImportable(item: BuiltPackage): Promise<Finding[]> {
  const findings = await checkSolution(readZip(item.bytes, item.fileName), item.fileName);
  const blocking = findings.filter(isBlocking);
  if (blocking.length > 0) {
    const lines = blocking.map((f) => `  ${f.severity} ${f.rule}: ${[f.entry, f.where].filter(Boolean).join(' ')}: ${f.message}`);
    throw new UserError(
      MODEL_SOURCE,
      undefined,
      `builds a package that Dataverse would reject (${item.fileName}):\n${lines.join('\n')}`,
      'correct the model or flow named above; `cosell check --json` on a --no-check build shows every detail',
    );
  }
  return findings;
}

/**
 * The `build` job: read the config, build every package in memory, and only then write them all
 * (atomically), so a bad config or model leaves `out/` exactly as it was.
 */
export async function buildSolution(options: BuildOptions): Promise<Array<BuiltPackage & { path: string }>> {
  const outShown = options.outDirShown ?? options.outDir;
  const out: WriteTarget = { target: options.outDir, shown: outShown, option: '--out', kind: 'folder' };
  const obstacle = await pathObstacle(out);
  if (obstacle) throw obstacle;
  const config = await loadConfig(options.configFile, options.configShown);
  const control = options.pcfControlDir
    ? await readBuiltControl(options.pcfControlDir, config.publisher.customizationPrefix, options.pcfControlShown)
    : undefined;
  const extensions: ModelExtensions = control
    ? { ...options.extensions, controls: [...(options.extensions?.controls ?? []), control] }
    : (options.extensions ?? {});
  const model = withFlows(buildCoSellModel(config, extensions));
  const built = buildPackages(model, options.types);
  if (options.check !== false) for (const item of built) await assertImportable(item);
  const files = built.map((item) => ({ ...item, path: path.join(options.outDir, item.fileName) }));
  for (const file of files) {
    const shown = path.join(outShown, file.fileName);
    if (await isFolder(file.path)) {
      throw new UserError(shown, undefined, 'is a folder', 'move that folder away (build writes the zip there) or choose another --out');
    }
  }
  try {
    await writeFilesAtomic(files.map((file) => ({ path: file.path, data: file.bytes })));
  } catch (error) {
    throw await writeFailure(error, out);
  }
  return files;
}

const isFolder = (file: string): Promise<boolean> =>
  stat(file).then(
    (info) => info.isDirectory(),
    () => false,
  );

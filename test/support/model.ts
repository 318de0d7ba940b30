import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateConfig, type PacConfig } from '../../solution/config/config.js';
import { buildCoSellModel, type ModelExtensions } from '../../solution/cosell.js';
import type { SolutionModel } from '../../solution/model.js';

/**
 * The configurations tests build from (test/fixtures/config/). Tests never read the project's own
 * pac.config.json: that file is the user's to edit, and the suite must pass whatever it holds.
 */
export const CONFIG_FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

export type ConfigFixture = 'default' | 'contoso-existing-form' | 'with-mappings';

export const configFixtureFile = (name: ConfigFixture): string => path.join(CONFIG_FIXTURES, `${name}.json`);

/** A fixture configuration, parsed fresh for each caller (tests mutate their copy). */
export function fixtureConfig(name: ConfigFixture): PacConfig {
  return JSON.parse(readFileSync(configFixtureFile(name), 'utf8')) as PacConfig;
}

/** The default configuration (the one the project ships with), as a fixture of the tests' own. */
export const defaultConfig = (): PacConfig => fixtureConfig('default');

export function defaultModel(extensions?: ModelExtensions, edit?: (config: PacConfig) => void): SolutionModel {
  return fixtureModel('default', extensions, edit);
}

export function fixtureModel(name: ConfigFixture, extensions?: ModelExtensions, edit?: (config: PacConfig) => void): SolutionModel {
  const config = fixtureConfig(name);
  edit?.(config);
  return buildCoSellModel(validateConfig(config, `${name}.json`), extensions);
}

/** Writes a configuration as `pac.config.json` into a project folder of a test (where the CLI looks for it). */
export async function writeProjectConfig(dir: string, config: PacConfig = defaultConfig()): Promise<string> {
  const file = path.join(dir, 'pac.config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

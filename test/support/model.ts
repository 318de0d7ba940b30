import { readFileSync } from 'node:fs';
import { validateConfig, type PacConfig } from '../../solution/config/config.js';
import { buildCoSellModel, type ModelExtensions } from '../../solution/cosell.js';
import type { SolutionModel } from '../../solution/model.js';
import { projectFile } from '../../core/paths.js';

/** The shipped pac.config.json, parsed fresh for each caller (tests mutate their copy). */
export function defaultConfig(): PacConfig {
  return JSON.parse(readFileSync(projectFile('pac.config.json'), 'utf8')) as PacConfig;
}

export function defaultModel(extensions?: ModelExtensions, edit?: (config: PacConfig) => void): SolutionModel {
  const config = defaultConfig();
  edit?.(config);
  return buildCoSellModel(validateConfig(config, 'pac.config.json'), extensions);
}

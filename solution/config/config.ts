import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { UserError, UserErrors } from '../../core/errors.js';
import { projectFile } from '../../core/paths.js';

/** The project configuration, `pac.config.json`, as validated against `pac.config.schema.json`. */
export interface PacConfig {
  publisher: { uniqueName: string; displayName: string; description?: string; customizationPrefix: string; optionValuePrefix: number };
  solution: { uniqueName: string; displayName: string; description?: string; version: string };
  form:
    | { mode: 'newMainForm'; formName?: string }
    | { mode: 'existingForm'; formId: string; tabId: string; columnIndex?: number; columnWidth?: string; formName?: string };
  environments?: Partial<Record<'staging' | 'production', { orgUrl: string; tenantId: string; clientId: string }>>;
}

export const CONFIG_FILE_NAME = 'pac.config.json';
export const CONFIG_SCHEMA_PATH = ['solution', 'config', 'pac.config.schema.json'] as const;

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let validator: Validator | undefined;

function compiledValidator(): Validator {
  if (!validator) {
    const schema = JSON.parse(readFileSync(projectFile(...CONFIG_SCHEMA_PATH), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true });
    ajv.addVocabulary(['x-fix']);
    validator = ajv.compile(schema) as Validator;
  }
  return validator;
}

/** Validates parsed config data; every problem is reported at once, each with its JSON pointer and fix. */
export function validateConfig(data: unknown, file: string): PacConfig {
  const validate = compiledValidator();
  if (validate(data)) return data as PacConfig;
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if' && error.keyword !== 'oneOf');
  throw new UserErrors(errors.map((error) => toUserError(error, file)));
}

function toUserError(error: ErrorObject, file: string): UserError {
  const pointer = error.instancePath || '/';
  const parent = error.parentSchema as { 'x-fix'?: string } | undefined;
  let problem: string;
  let fix = parent?.['x-fix'];
  switch (error.keyword) {
    case 'required':
      problem = `is missing the required property "${(error.params as { missingProperty: string }).missingProperty}"`;
      fix ??= 'add it; see solution/config/pac.config.schema.json for what it holds';
      break;
    case 'additionalProperties':
      problem = `has an unknown property "${(error.params as { additionalProperty: string }).additionalProperty}"`;
      fix = 'remove it or correct its spelling; see solution/config/pac.config.schema.json for the allowed properties';
      break;
    default:
      problem = `${JSON.stringify(error.data)} ${error.message ?? 'is not valid'}`;
  }
  return new UserError(file, pointer, problem, fix);
}

/** Reads and validates a config file; a syntax error names the line and column. */
export async function loadConfig(file: string): Promise<PacConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserError(
      file,
      undefined,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      `create it (copy the ${CONFIG_FILE_NAME} shipped with the project) or pass --config <file>`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch (error) {
    throw new UserError(file, undefined, `is not valid JSON (${(error as Error).message})`, 'fix the JSON syntax at the position given');
  }
  return validateConfig(data, file);
}

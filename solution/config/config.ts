import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { UserError, UserErrors } from '../../core/errors.js';
import { projectFile } from '../../core/paths.js';
import { findJsonSyntaxError, pointAt, positionOf } from './json-syntax.js';
import { closestName } from './suggest.js';
import { checkMappings } from './mappings.js';
import type { PartnerMappings } from '../model.js';

/** The project configuration, `pac.config.json`, as validated against `pac.config.schema.json`. */
export interface PacConfig {
  publisher: { uniqueName: string; displayName: string; description?: string; customizationPrefix: string; optionValuePrefix: number };
  solution: { uniqueName: string; displayName: string; description?: string; version: string };
  form:
    | { mode: 'newMainForm'; formName?: string }
    | {
        mode: 'existingForm';
        formId: string;
        tabId?: string;
        tabName?: string;
        columnIndex?: number;
        columnWidth?: string;
        formName?: string;
      };
  environments?: Partial<Record<'staging' | 'production', { orgUrl: string; tenantId: string; clientId: string }>>;
  mappings?: PartnerMappings;
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
  if (validate(data)) {
    const config = data as PacConfig;
    const problems = checkMappings(config.mappings, config.publisher.customizationPrefix, file);
    if (problems.length > 0) throw new UserErrors(problems);
    return config;
  }
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if' && error.keyword !== 'oneOf');
  throw new UserErrors(errors.map((error) => toUserError(error, file)));
}

const SCHEMA_HINT = 'see solution/config/pac.config.schema.json';

/** `did you mean "x"?` for a misspelt name, or nothing when no candidate is close. */
function didYouMean(word: unknown, candidates: Iterable<string>): string | undefined {
  const closest = typeof word === 'string' ? closestName(word, candidates) : undefined;
  return closest === undefined ? undefined : `did you mean "${closest}"?`;
}

interface SchemaNode {
  'x-fix'?: string;
  properties?: Record<string, SchemaNode>;
  const?: unknown;
  oneOf?: SchemaNode[];
}

function toUserError(error: ErrorObject, file: string): UserError {
  const pointer = error.instancePath || '/';
  const parent = error.parentSchema as SchemaNode | undefined;
  const fix = parent?.['x-fix'];
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const own = parent?.properties?.[missing]?.['x-fix'];
      return new UserError(
        file,
        pointer,
        `is missing the required property "${missing}"${selectedBy(parent, error.data)}`,
        own ? `add "${missing}": ${own}` : (fix ?? `add it; ${SCHEMA_HINT} for what it holds`),
      );
    }
    case 'dependencies': {
      // "tabId" given without "columnWidth", etc.: the property that needs the other one names the fix.
      const { property, missingProperty } = error.params as { property: string; missingProperty: string };
      const own = parent?.properties?.[missingProperty]?.['x-fix'];
      return new UserError(
        file,
        pointer,
        `has "${property}" but not "${missingProperty}", which goes with it`,
        own ? `add "${missingProperty}": ${own}` : `add "${missingProperty}" or remove "${property}"`,
      );
    }
    case 'additionalProperties': {
      const unknown = (error.params as { additionalProperty: string }).additionalProperty;
      const suggestion = didYouMean(unknown, Object.keys(parent?.properties ?? {}));
      return new UserError(
        file,
        pointer,
        `has an unknown property "${unknown}"`,
        suggestion
          ? `${suggestion} Rename it; ${SCHEMA_HINT} for the allowed properties`
          : `remove it or correct its spelling; ${SCHEMA_HINT} for the allowed properties`,
      );
    }
    case 'discriminator': {
      // ajv checks the discriminator before any branch, so this is the only error of a bad or missing tag.
      const { tag, tagValue } = error.params as { tag: string; tagValue: unknown };
      if (tagValue === undefined) return new UserError(file, pointer, `is missing the required property "${tag}"`, fix);
      const values = discriminatorValues(parent, tag);
      const suggestion = didYouMean(tagValue, values);
      return new UserError(
        file,
        `${pointer}/${tag}`,
        `${JSON.stringify(tagValue)} is not one of ${values.map((value) => JSON.stringify(value)).join(', ')}`,
        suggestion ? `${suggestion} ${fix ?? ''}`.trim() : fix,
      );
    }
    default:
      return new UserError(file, pointer, `${JSON.stringify(error.data)} ${error.message ?? 'is not valid'}`, fix);
  }
}

/** ` (needed when "mode" is "existingForm")` when the object's shape was chosen by a constant property. */
function selectedBy(schema: SchemaNode | undefined, data: unknown): string {
  if (typeof data !== 'object' || data === null) return '';
  const tag = Object.entries(schema?.properties ?? {}).find(
    ([name, property]) => property.const !== undefined && (data as Record<string, unknown>)[name] === property.const,
  );
  return tag ? ` (needed when "${tag[0]}" is ${JSON.stringify(tag[1].const)})` : '';
}

/** The `const` values a discriminated `oneOf` accepts for its tag, in schema order. */
function discriminatorValues(schema: SchemaNode | undefined, tag: string): string[] {
  return (schema?.oneOf ?? [])
    .map((branch) => branch.properties?.[tag]?.const)
    .filter((value): value is string => typeof value === 'string');
}

/**
 * Parses the text of a config file; a syntax error names the line and column and shows the line.
 * `shown` is the file as the user named it.
 */
export function parseConfigText(text: string, shown: string): unknown {
  const json = text.replace(/^\ufeff/, '');
  if (json.trim() === '') {
    throw new UserError(
      shown,
      undefined,
      'is empty',
      `write the configuration into it (copy the ${CONFIG_FILE_NAME} shipped with the project and edit it), or pass --config <file>`,
    );
  }
  try {
    return JSON.parse(json);
  } catch (error) {
    const syntax = findJsonSyntaxError(json);
    if (!syntax) throw new UserError(shown, undefined, `is not valid JSON (${(error as Error).message})`, 'fix the JSON syntax');
    const position = positionOf(json, syntax.offset);
    throw new UserError(
      shown,
      `line ${position.line}, column ${position.column}`,
      `is not valid JSON: ${syntax.problem}\n${pointAt(position).replace(/^/gm, '    ')}`,
      `correct the JSON at line ${position.line}, column ${position.column}`,
    );
  }
}

/**
 * Reads and validates a config file. `shown` is how messages name it (the path as the user gave it);
 * it defaults to `file`.
 */
export async function loadConfig(file: string, shown: string = file): Promise<PacConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw await unreadable(error as NodeJS.ErrnoException, file, shown);
  }
  return validateConfig(parseConfigText(text, shown), shown);
}

async function unreadable(error: NodeJS.ErrnoException, file: string, shown: string): Promise<UserError> {
  if (error.code === 'EISDIR') {
    const inside = path.join(file, CONFIG_FILE_NAME);
    const hasConfig = await stat(inside).then(
      (info) => info.isFile(),
      () => false,
    );
    return new UserError(
      shown,
      undefined,
      'is a folder, not a configuration file',
      hasConfig
        ? `pass the file itself: --config ${path.join(shown, CONFIG_FILE_NAME)}`
        : `pass the configuration file itself with --config <file> (a ${CONFIG_FILE_NAME})`,
    );
  }
  if (error.code === 'ENOENT') {
    return new UserError(
      shown,
      undefined,
      'does not exist',
      `create it (copy the ${CONFIG_FILE_NAME} shipped with the project) or pass --config <file>`,
    );
  }
  return new UserError(
    shown,
    undefined,
    `cannot be read (${error.code ?? error.message})`,
    'check that the file is readable by you, or pass --config <file>',
  );
}

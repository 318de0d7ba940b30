import { UserError } from '../../core/errors.js';
import { REFERRAL_FIELDS, referralField, type ReferralFieldType } from '../../contracts/referral-fields.js';
import type { PartnerColumn, PartnerMappings } from '../model.js';
import { closestName } from './suggest.js';

/**
 * The checks of `mappings` (the partner's extra referral ↔ opportunity rows) that a JSON schema cannot make:
 * each row's column is one the section declares, its referral path is one the referral has, their types agree,
 * a choice's value map covers every value Partner Center can send and only names options the column has.
 * The shape itself (property names, types, directions) is the schema's (pac.config.schema.json).
 */

/** The column types a referral property of each type can fill. */
const COMPATIBLE: Record<ReferralFieldType, ReadonlyArray<PartnerColumn['type']>> = {
  text: ['text'],
  number: ['number'],
  date: ['date'],
  enum: ['choice', 'text'],
  boolean: ['boolean'],
};

const KNOWN_PATHS = REFERRAL_FIELDS.map((field) => field.path);

/** Every problem of the section, each with its JSON pointer and fix; none when it is sound. */
export function checkMappings(mappings: PartnerMappings | undefined, prefix: string, file: string): UserError[] {
  if (!mappings) return [];
  const errors: UserError[] = [];
  const declared = new Map<string, PartnerColumn>();
  mappings.columns.forEach((column, index) => {
    const where = `/mappings/columns/${index}/logicalName`;
    if (declared.has(column.logicalName))
      errors.push(new UserError(file, where, `declares ${column.logicalName} a second time`, 'declare each column once'));
    else if (column.logicalName.startsWith(`${prefix}_`))
      errors.push(
        new UserError(
          file,
          where,
          `${column.logicalName} has this solution's own prefix "${prefix}_": the solution owns those names`,
          "give the partner's column with its own publisher prefix (e.g. new_), as Dataverse has it",
        ),
      );
    declared.set(column.logicalName, column);
  });
  const inboundColumns = new Map<string, number>();
  const sentPaths = new Map<string, number>();
  mappings.rows.forEach((row, index) => {
    if (row.direction !== 'toDynamics') {
      const earlier = sentPaths.get(row.referralPath);
      if (earlier !== undefined)
        errors.push(
          new UserError(
            file,
            `/mappings/rows/${index}/referralPath`,
            `${row.referralPath} is already sent to Partner Center by /mappings/rows/${earlier}`,
            'keep one row sending each referral property (set this one to "toDynamics" or remove it)',
          ),
        );
      else sentPaths.set(row.referralPath, index);
    }
    const column = declared.get(row.column);
    if (!column) {
      const suggestion = closestName(row.column, declared.keys());
      errors.push(
        new UserError(
          file,
          `/mappings/rows/${index}/column`,
          `names ${row.column}, which /mappings/columns does not declare`,
          suggestion
            ? `did you mean "${suggestion}"? Or declare it under /mappings/columns with its table and type`
            : `declare it under /mappings/columns with its table and type (declared: ${[...declared.keys()].join(', ') || 'none'})`,
        ),
      );
    }
    if (row.direction !== 'toPartnerCenter') {
      const earlier = inboundColumns.get(row.column);
      if (earlier !== undefined)
        errors.push(
          new UserError(
            file,
            `/mappings/rows/${index}/column`,
            `${row.column} is already written from Partner Center by /mappings/rows/${earlier}`,
            'keep one row writing each column (set this one to "toPartnerCenter" or remove it)',
          ),
        );
      else inboundColumns.set(row.column, index);
    }
    errors.push(...checkRow(row, index, column, file));
  });
  return errors;
}

function checkRow(row: PartnerMappings['rows'][number], index: number, column: PartnerColumn | undefined, file: string): UserError[] {
  const field = referralField(row.referralPath);
  const pointer = `/mappings/rows/${index}`;
  if (!field) {
    const suggestion = closestName(row.referralPath, KNOWN_PATHS);
    return [
      new UserError(
        file,
        `${pointer}/referralPath`,
        `${row.referralPath} is not a single-valued property of a Partner Center referral`,
        `${suggestion ? `did you mean "${suggestion}"? ` : ''}use one of ${KNOWN_PATHS.join(', ')}`,
      ),
    ];
  }
  const errors: UserError[] = [];
  if (field.readOnly && row.direction !== 'toDynamics')
    errors.push(
      new UserError(
        file,
        `${pointer}/direction`,
        `${row.referralPath} is set by Partner Center (read-only): the referral cannot take a value for it`,
        'use "toDynamics"',
      ),
    );
  if (!column) return errors;
  if (!COMPATIBLE[field.type].includes(column.type)) {
    errors.push(
      new UserError(
        file,
        `${pointer}/column`,
        `${column.logicalName} is a ${column.type} column, but ${row.referralPath} is ${field.type === 'enum' ? 'an' : 'a'} ${field.type}`,
        `map ${row.referralPath} to a ${COMPATIBLE[field.type].join(' or ')} column, or map ${column.logicalName} from a ${column.type} property`,
      ),
    );
    return errors;
  }
  return [...errors, ...checkValueMap(row, pointer, column, field.values ?? [], file)];
}

/** A choice needs a value map with every Partner Center value and only the column's options; nothing else takes one. */
function checkValueMap(
  row: PartnerMappings['rows'][number],
  pointer: string,
  column: PartnerColumn,
  values: readonly string[],
  file: string,
): UserError[] {
  if (column.type !== 'choice') {
    return row.valueMap
      ? [new UserError(file, `${pointer}/valueMap`, `is given, but ${column.logicalName} is a ${column.type} column`, 'remove "valueMap"')]
      : [];
  }
  if (!row.valueMap)
    return [
      new UserError(
        file,
        pointer,
        `maps ${row.referralPath} to the choice ${column.logicalName} without a "valueMap"`,
        `add "valueMap": {${values.map((value) => `"${value}": <option value>`).join(', ')}}`,
      ),
    ];
  const errors: UserError[] = [];
  const holes = values.filter((value) => !(value in row.valueMap!));
  if (holes.length > 0)
    errors.push(
      new UserError(
        file,
        `${pointer}/valueMap`,
        `has no option for the Partner Center value${holes.length > 1 ? 's' : ''} ${holes.map((hole) => `"${hole}"`).join(', ')} of ${row.referralPath}`,
        `add ${holes.map((hole) => `"${hole}": <option value>`).join(', ')} (one of ${column.options.join(', ')})`,
      ),
    );
  for (const [key, option] of Object.entries(row.valueMap)) {
    if (!values.includes(key))
      errors.push(
        new UserError(
          file,
          `${pointer}/valueMap/${key}`,
          `"${key}" is not a value Partner Center sends for ${row.referralPath}`,
          `remove it; the values are ${values.join(', ')}`,
        ),
      );
    else if (!column.options.includes(option))
      errors.push(
        new UserError(
          file,
          `${pointer}/valueMap/${key}`,
          `${option} is not an option of ${column.logicalName}`,
          `use one of its options ${column.options.join(', ')}, or add ${option} to "options" of its declaration`,
        ),
      );
  }
  const seen = new Map<number, string>();
  for (const [key, option] of Object.entries(row.valueMap)) {
    const other = seen.get(option);
    if (other !== undefined && row.direction !== 'toDynamics')
      errors.push(
        new UserError(
          file,
          `${pointer}/valueMap/${key}`,
          `maps to ${option}, as "${other}" does: sent to Partner Center, ${option} could not say which`,
          'give each value its own option, or set the direction to "toDynamics"',
        ),
      );
    seen.set(option, key);
  }
  return errors;
}

import { UserError, UserErrors } from '../../core/errors.js';
import { REFERRAL_FIELDS } from '../../contracts/referral-fields.js';
import { withFlows } from '../../flows/index.js';
import { validateConfig } from '../../solution/config/config.js';
import { buildCoSellModel } from '../../solution/cosell.js';
import { fixtureConfig } from '../support/model.js';

/**
 * pac.config.json "mappings": every class of mistake a partner can make in it is refused with the file, the JSON
 * pointer of the offending value and a fix; test/fixtures/config/with-mappings.json is the sound example.
 */
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FILE = 'pac.config.json';

function errorsOf(edit: (mappings: Loose) => void): UserError[] {
  const config = fixtureConfig('with-mappings') as unknown as Loose;
  edit(config.mappings as Loose);
  try {
    validateConfig(config, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(UserErrors);
    return (error as UserErrors).errors;
  }
  throw new Error('expected the config to be rejected');
}

/** The one error of an edit, as `pointer: problem / fix`. */
function onlyError(edit: (mappings: Loose) => void): { where: string; problem: string; fix: string } {
  const errors = errorsOf(edit);
  expect(errors.map((error) => error.message)).toHaveLength(1);
  expect(errors[0]!.file).toBe(FILE);
  return { where: errors[0]!.where ?? '', problem: errors[0]!.problem, fix: errors[0]!.fix ?? '' };
}

describe('pac.config.json "mappings"', () => {
  test('the fixture with mappings is valid and reaches the model', () => {
    const config = validateConfig(fixtureConfig('with-mappings'), FILE);
    expect(buildCoSellModel(config).partnerMappings?.rows).toHaveLength(4);
  });

  test('an unknown column type names the types', () => {
    const error = onlyError((m) => {
      m.columns[0].type = 'string';
    });
    expect(error.where).toBe('/mappings/columns/0/type');
    expect(error.fix).toMatch(/"text" \(with "maxLength"\), "number", "date", "choice" \(with "options"/);
  });

  test('a text column without its maxLength', () => {
    const error = onlyError((m) => {
      delete m.columns[0].maxLength;
    });
    expect(error).toMatchObject({ where: '/mappings/columns/0', problem: expect.stringContaining('"maxLength"') });
    expect(error.fix).toContain('MaxLength as Dataverse has it');
  });

  test('a direction that is not one of the three', () => {
    const error = onlyError((m) => {
      m.rows[0].direction = 'inbound';
    });
    expect(error.where).toBe('/mappings/rows/0/direction');
    expect(error.fix).toContain('"toDynamics"');
  });

  test('a row naming a column the section does not declare suggests the close one', () => {
    const error = onlyError((m) => {
      m.rows[0].column = 'new_invitationnote';
    });
    expect(error).toEqual({
      where: '/mappings/rows/0/column',
      problem: 'names new_invitationnote, which /mappings/columns does not declare',
      fix: 'did you mean "new_invitationnotes"? Or declare it under /mappings/columns with its table and type',
    });
  });

  test('a referral path the referral does not have lists the known ones', () => {
    const error = onlyError((m) => {
      m.rows[0].referralPath = '/details/requirements';
    });
    expect(error.where).toBe('/mappings/rows/0/referralPath');
    expect(error.problem).toBe('/details/requirements is not a single-valued property of a Partner Center referral');
    for (const field of REFERRAL_FIELDS) expect(error.fix).toContain(field.path);
    expect(
      onlyError((m) => {
        m.rows[0].referralPath = '/inviteContext/note';
      }).fix,
    ).toMatch(/^did you mean "\/inviteContext\/notes"\?/);
  });

  test('a type mismatch between the property and the column', () => {
    const error = onlyError((m) => {
      m.rows[0].referralPath = '/details/closingDateTime';
    });
    expect(error).toEqual({
      where: '/mappings/rows/0/column',
      problem: 'new_invitationnotes is a text column, but /details/closingDateTime is a date',
      fix: 'map /details/closingDateTime to a date column, or map new_invitationnotes from a text property',
    });
  });

  test('a value map with holes names the missing Partner Center values', () => {
    const error = onlyError((m) => {
      delete m.rows[2].valueMap.Direct;
      delete m.rows[2].valueMap.SalesQualified;
    });
    expect(error.where).toBe('/mappings/rows/2/valueMap');
    expect(error.problem).toBe('has no option for the Partner Center values "Direct", "SalesQualified" of /qualification');
    expect(error.fix).toBe('add "Direct": <option value>, "SalesQualified": <option value> (one of 100000000, 100000001, 100000002)');
  });

  test('a value map naming a value Partner Center never sends, or an option the column lacks', () => {
    const errors = errorsOf((m) => {
      m.rows[2].valueMap.Hot = 100000000;
      m.rows[2].valueMap.Direct = 100000009;
    });
    expect(errors.map((error) => [error.where, error.problem])).toEqual([
      ['/mappings/rows/2/valueMap/Direct', '100000009 is not an option of new_qualification'],
      ['/mappings/rows/2/valueMap/Hot', '"Hot" is not a value Partner Center sends for /qualification'],
    ]);
  });

  test('a choice without a value map, and a value map on a column that is not a choice', () => {
    expect(
      onlyError((m) => {
        delete m.rows[1].valueMap;
      }),
    ).toMatchObject({ where: '/mappings/rows/1', problem: expect.stringContaining('without a "valueMap"') });
    expect(
      onlyError((m) => {
        m.rows[0].valueMap = { A: 1 };
      }),
    ).toEqual({
      where: '/mappings/rows/0/valueMap',
      problem: 'is given, but new_invitationnotes is a text column',
      fix: 'remove "valueMap"',
    });
  });

  test('two Partner Center values on one option cannot be sent back', () => {
    const error = onlyError((m) => {
      m.rows[1].valueMap['1to9employees'] = 100000000;
    });
    expect(error.where).toBe('/mappings/rows/1/valueMap/1to9employees');
    expect(error.problem).toContain('as "1to50employees" does');
  });

  test('a read-only referral property cannot be sent', () => {
    const error = onlyError((m) => {
      m.rows[3].referralPath = '/engagementId';
    });
    expect(error).toMatchObject({ where: '/mappings/rows/3/direction', fix: 'use "toDynamics"' });
  });

  test("a column with the solution's own prefix, or declared twice", () => {
    const errors = errorsOf((m) => {
      m.columns.push({ ...m.columns[3] });
      m.columns.push({ table: 'opportunity', logicalName: 'pcs_mine', type: 'number' });
    });
    expect(errors.map((error) => [error.where, error.problem])).toEqual([
      ['/mappings/columns/4/logicalName', 'declares new_lossreason a second time'],
      ['/mappings/columns/5/logicalName', 'pcs_mine has this solution\'s own prefix "pcs_": the solution owns those names'],
    ]);
  });

  test('two rows writing one column, or sending one property', () => {
    const errors = errorsOf((m) => {
      m.rows.push({ ...m.rows[0], referralPath: '/details/notes' });
      m.rows.push({ ...m.rows[3] });
    });
    expect(errors.map((error) => [error.where, error.problem])).toEqual([
      ['/mappings/rows/4/column', 'new_invitationnotes is already written from Partner Center by /mappings/rows/0'],
      ['/mappings/rows/5/referralPath', '/statusReason is already sent to Partner Center by /mappings/rows/3'],
    ]);
  });

  test('the build refuses a row sending a property the sync itself sends', () => {
    const config = fixtureConfig('with-mappings') as unknown as Loose;
    config.mappings.rows[0] = { referralPath: '/details/notes', column: 'new_invitationnotes', direction: 'both' };
    const model = buildCoSellModel(validateConfig(config, FILE));
    expect(() => withFlows(model)).toThrow(
      new UserError(
        FILE,
        '/mappings/rows/0/direction',
        'sends /details/notes to Partner Center, which the sync already sends (the built-in field "notes")',
        'set "direction" to "toDynamics" to copy /details/notes into new_invitationnotes, or map another referral property',
      ),
    );
  });
});

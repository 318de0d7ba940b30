import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, parseConfigText, validateConfig } from '../../solution/config/config.js';
import { UserError, UserErrors } from '../../core/errors.js';
import { defaultConfig } from '../support/model.js';
import { tempDir } from '../support/cli.js';

type Loose = Record<string, unknown>;

/** The object at a path of a config, for edits the typed PacConfig would not allow. */
const at = (config: Loose, ...keys: string[]): Loose => keys.reduce((node, key) => node[key] as Loose, config);

function errorsOf(edit: (config: Loose) => void): UserError[] {
  const config = defaultConfig() as unknown as Loose;
  edit(config);
  try {
    validateConfig(config, 'pac.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UserErrors);
    return (error as UserErrors).errors;
  }
  throw new Error('expected the config to be rejected');
}

/** What the fix of each field's error must tell the user (the schema's x-fix, read as a user would). */
const FIX_FOR: Record<string, RegExp> = {
  '/publisher/customizationPrefix': /2–8 lower-case letters or digits starting with a letter, not starting with "mscrm"/,
  '/publisher/optionValuePrefix': /whole number from 10000 to 99999/,
  '/solution/version': /major\.minor\.build\.revision/,
  '/solution/uniqueName': /letters, digits and underscores, starting with a letter/,
  '/form': /"columnWidth"|width as the form has it/,
  '/environments/staging/orgUrl': /https:\/\/contoso\.crm\.dynamics\.com/,
};

describe('pac.config.json', () => {
  test('the shipped default is valid', () => {
    expect(() => validateConfig(defaultConfig(), 'pac.config.json')).not.toThrow();
  });

  test.each([
    [
      'mscrm prefix',
      (c: Loose) => {
        at(c, 'publisher').customizationPrefix = 'mscrmx';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'upper-case prefix',
      (c: Loose) => {
        at(c, 'publisher').customizationPrefix = 'PCS';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'one-letter prefix',
      (c: Loose) => {
        at(c, 'publisher').customizationPrefix = 'p';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'nine-letter prefix',
      (c: Loose) => {
        at(c, 'publisher').customizationPrefix = 'abcdefghi';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'option value prefix too low',
      (c: Loose) => {
        at(c, 'publisher').optionValuePrefix = 9999;
      },
      '/publisher/optionValuePrefix',
    ],
    [
      'option value prefix too high',
      (c: Loose) => {
        at(c, 'publisher').optionValuePrefix = 100000;
      },
      '/publisher/optionValuePrefix',
    ],
    [
      'three-part version',
      (c: Loose) => {
        at(c, 'solution').version = '1.0.0';
      },
      '/solution/version',
    ],
    [
      'version with letters',
      (c: Loose) => {
        at(c, 'solution').version = '1.0.0.beta';
      },
      '/solution/version',
    ],
    [
      'solution name with a space',
      (c: Loose) => {
        at(c, 'solution').uniqueName = 'Co Sell';
      },
      '/solution/uniqueName',
    ],
    [
      'existing form tab without its column width',
      (c: Loose) => {
        c.form = { mode: 'existingForm', formId: 'a837e4a7-01b8-4f82-a475-be9abd67e667', tabId: 'a837e4a7-01b8-4f82-a475-be9abd67e667' };
      },
      '/form',
    ],
    [
      'bad org URL',
      (c: Loose) => {
        at(c, 'environments', 'staging').orgUrl = 'http://contoso.crm.dynamics.com';
      },
      '/environments/staging/orgUrl',
    ],
  ])('%s is rejected with its JSON pointer and a fix', (_name, edit, pointer) => {
    const errors = errorsOf(edit);
    expect(errors.filter((candidate) => candidate.where === pointer)).toEqual([
      expect.objectContaining({ file: 'pac.config.json', fix: expect.stringMatching(FIX_FOR[pointer]!) }),
    ]);
  });

  test('a secret-looking property is refused as unknown', () => {
    const errors = errorsOf((c) => {
      at(c, 'environments', 'staging').clientSecret = 'abc';
    });
    expect(errors[0]!.where).toBe('/environments/staging');
    expect(errors[0]!.problem).toContain('"clientSecret"');
  });

  test('every problem is reported at once', () => {
    const errors = errorsOf((c) => {
      at(c, 'publisher').customizationPrefix = 'mscrm';
      at(c, 'solution').version = 'x';
    });
    expect(errors.map((error) => error.where).sort()).toEqual(['/publisher/customizationPrefix', '/solution/version']);
  });

  test('invalid JSON names the file, the line and column, and shows the line', async () => {
    const dir = await tempDir('config');
    const file = path.join(dir, 'pac.config.json');
    const lines = JSON.stringify(defaultConfig(), null, 2).split('\n');
    const broken = lines.findIndex((line) => line.includes('"displayName": "Co-sell Sync"'));
    lines[broken] = lines[broken]!.replace(/,$/, '');
    await writeFile(file, lines.join('\n'));
    const error = await loadConfig(file, 'pac.config.json').then(
      () => undefined,
      (caught: UserError) => caught,
    );
    const column = lines[broken + 1]!.indexOf('"') + 1;
    expect(error).toBeInstanceOf(UserError);
    expect(error!.where).toBe(`line ${broken + 2}, column ${column}`);
    expect(error!.message).toContain('pac.config.json line');
    expect(error!.problem).toContain('expected "," or "}" after the property value');
    expect(error!.problem).toContain(`${broken + 2} | ${lines[broken + 1]}`);
    expect(error!.problem).toMatch(new RegExp(`\\| {${column}}\\^$`));
    expect(error!.problem).not.toContain('position');
  });

  test('a truncated file points at its end', () => {
    expect(() => parseConfigText('{ "publisher": ', 'pac.config.json')).toThrow(
      /pac\.config\.json line 1, column 16: is not valid JSON: expected a value .* but found the end of the file/,
    );
  });

  test('an empty file says it is empty, not where its syntax breaks', async () => {
    const dir = await tempDir('config');
    const file = path.join(dir, 'pac.config.json');
    await writeFile(file, '\ufeff \n');
    const error = await loadConfig(file, 'pac.config.json').catch((caught: UserError) => caught);
    expect(error).toMatchObject({ file: 'pac.config.json', problem: 'is empty' });
    expect((error as UserError).fix).toContain('write the configuration into it');
  });

  test('a folder given as the config says so and names the file inside it', async () => {
    const dir = await tempDir('config');
    await expect(loadConfig(dir, 'project')).rejects.toThrow(
      /^project: is a folder, not a configuration file\n {2}fix: pass the configuration file itself with --config <file>/,
    );
    await writeFile(path.join(dir, 'pac.config.json'), JSON.stringify(defaultConfig()));
    await expect(loadConfig(dir, 'project')).rejects.toThrow(/fix: pass the file itself: --config project\/pac\.config\.json/);
  });

  test('a missing file says how to fix it', async () => {
    await expect(loadConfig('/nonexistent/pac.config.json')).rejects.toThrow(
      /\/nonexistent\/pac\.config\.json: does not exist\n {2}fix: create it/,
    );
  });
});

describe('pac.config.json: the form shapes and misspellings', () => {
  const GUID = 'a837e4a7-01b8-4f82-a475-be9abd67e667';

  test('existingForm without formId says formId is missing for existingForm', () => {
    const errors = errorsOf((c) => {
      c.form = { mode: 'existingForm', tabId: GUID, columnWidth: '100%' };
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      where: '/form',
      problem: 'is missing the required property "formId" (needed when "mode" is "existingForm")',
    });
    expect(errors[0]!.fix).toMatch(/^add "formId": give the formid GUID of the opportunity main form/);
    expect(errors[0]!.message).not.toContain('constant');
  });

  test('a form other than the Sales Hub one needs its formName (the diff repeats it; a wrong one would rename the form)', () => {
    const other = '11111111-2222-3333-4444-555555555555';
    const errors = errorsOf((c) => {
      c.form = { mode: 'existingForm', formId: other };
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ where: '/form', problem: expect.stringContaining('is missing the required property "formName"') });
    expect(errors[0]!.fix).toMatch(/base language.*would rename the form/);
    const config = defaultConfig();
    config.form = { mode: 'existingForm', formId: other, formName: 'Opportunity (field sales)' };
    expect(() => validateConfig(config, 'pac.config.json')).not.toThrow();
    config.form = { mode: 'existingForm', formId: '{A837E4A7-01B8-4F82-A475-BE9ABD67E667}' };
    expect(() => validateConfig(config, 'pac.config.json')).not.toThrow();
  });

  test('an unknown mode lists the modes and suggests the closest', () => {
    const errors = errorsOf((c) => {
      c.form = { mode: 'existingform', formId: GUID, tabId: GUID };
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ where: '/form/mode', problem: '"existingform" is not one of "newMainForm", "existingForm"' });
    expect(errors[0]!.fix).toMatch(/^did you mean "existingForm"\?/);
  });

  test('a form without mode says mode is missing', () => {
    const errors = errorsOf((c) => {
      c.form = { formId: GUID };
    });
    expect(errors).toEqual([expect.objectContaining({ where: '/form', problem: 'is missing the required property "mode"' })]);
  });

  test.each([
    ['publisher', 'customisationPrefix', 'customizationPrefix'],
    ['solution', 'verison', 'version'],
    ['form', 'FormName', 'formName'],
  ])('a misspelt key under /%s (%s) gets "did you mean %s"', (parent, wrong, right) => {
    const errors = errorsOf((c) => {
      const node = at(c, parent);
      node[wrong] = node[right] ?? 'Opportunity';
      Reflect.deleteProperty(node, right);
    });
    const unknown = errors.find((error) => error.problem === `has an unknown property "${wrong}"`);
    expect(unknown?.where).toBe(`/${parent}`);
    expect(unknown?.fix).toMatch(new RegExp(`^did you mean "${right}"\\?`));
  });

  test('a name close to nothing gets no suggestion', () => {
    const errors = errorsOf((c) => {
      at(c, 'environments', 'staging').clientSecret = 'abc';
    });
    expect(errors[0]!.fix).toMatch(/^remove it or correct its spelling/);
  });
});

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig, validateConfig } from '../../solution/config/config.js';
import { UserError, UserErrors } from '../../core/errors.js';
import { defaultConfig } from '../support/model.js';
import { tempDir } from '../support/cli.js';

function errorsOf(edit: (config: Record<string, any>) => void): UserError[] {
  const config = defaultConfig() as unknown as Record<string, any>;
  edit(config);
  try {
    validateConfig(config, 'pac.config.json');
  } catch (error) {
    expect(error).toBeInstanceOf(UserErrors);
    return (error as UserErrors).errors;
  }
  throw new Error('expected the config to be rejected');
}

describe('pac.config.json', () => {
  test('the shipped default is valid', () => {
    expect(() => validateConfig(defaultConfig(), 'pac.config.json')).not.toThrow();
  });

  test.each([
    [
      'mscrm prefix',
      (c: any) => {
        c.publisher.customizationPrefix = 'mscrmx';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'upper-case prefix',
      (c: any) => {
        c.publisher.customizationPrefix = 'PCS';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'one-letter prefix',
      (c: any) => {
        c.publisher.customizationPrefix = 'p';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'nine-letter prefix',
      (c: any) => {
        c.publisher.customizationPrefix = 'abcdefghi';
      },
      '/publisher/customizationPrefix',
    ],
    [
      'option value prefix too low',
      (c: any) => {
        c.publisher.optionValuePrefix = 9999;
      },
      '/publisher/optionValuePrefix',
    ],
    [
      'option value prefix too high',
      (c: any) => {
        c.publisher.optionValuePrefix = 100000;
      },
      '/publisher/optionValuePrefix',
    ],
    [
      'three-part version',
      (c: any) => {
        c.solution.version = '1.0.0';
      },
      '/solution/version',
    ],
    [
      'version with letters',
      (c: any) => {
        c.solution.version = '1.0.0.beta';
      },
      '/solution/version',
    ],
    [
      'solution name with a space',
      (c: any) => {
        c.solution.uniqueName = 'Co Sell';
      },
      '/solution/uniqueName',
    ],
    [
      'existing form without tab id',
      (c: any) => {
        c.form = { mode: 'existingForm', formId: 'a837e4a7-01b8-4f82-a475-be9abd67e667' };
      },
      '/form',
    ],
    [
      'bad org URL',
      (c: any) => {
        c.environments.staging.orgUrl = 'http://contoso.crm.dynamics.com';
      },
      '/environments/staging/orgUrl',
    ],
  ])('%s is rejected with its JSON pointer and a fix', (_name, edit, pointer) => {
    const errors = errorsOf(edit);
    const error = errors.find((candidate) => candidate.where === pointer);
    expect(error).toBeDefined();
    expect(error!.file).toBe('pac.config.json');
    expect(error!.fix).toBeTruthy();
  });

  test('a secret-looking property is refused as unknown', () => {
    const errors = errorsOf((c) => {
      c.environments.staging.clientSecret = 'abc';
    });
    expect(errors[0]!.where).toBe('/environments/staging');
    expect(errors[0]!.problem).toContain('"clientSecret"');
  });

  test('every problem is reported at once', () => {
    const errors = errorsOf((c) => {
      c.publisher.customizationPrefix = 'mscrm';
      c.solution.version = 'x';
    });
    expect(errors.map((error) => error.where).sort()).toEqual(['/publisher/customizationPrefix', '/solution/version']);
  });

  test('invalid JSON names the file and the position', async () => {
    const dir = await tempDir('config');
    const file = path.join(dir, 'pac.config.json');
    await writeFile(file, '{ "publisher": ');
    await expect(loadConfig(file)).rejects.toThrow(/pac\.config\.json: is not valid JSON/);
  });

  test('a missing file says how to fix it', async () => {
    await expect(loadConfig('/nonexistent/pac.config.json')).rejects.toThrow(/cannot be read \(ENOENT\)[\s\S]*fix:/);
  });
});

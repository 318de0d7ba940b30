import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { projectFile } from '../../core/paths.js';
import { loadConfig } from '../../solution/config/config.js';

/**
 * The suite passes whatever a user puts in their own pac.config.json because no test can read it:
 * test/support/guard-user-config.cjs makes every read of that file throw, in every test file.
 */
describe("the user's pac.config.json is out of the tests' reach", () => {
  const userConfig = projectFile('pac.config.json');

  test('a synchronous read throws and names the fixtures to use', () => {
    expect(() => readFileSync(userConfig, 'utf8')).toThrow(/tests build from test\/fixtures\/config\//);
  });

  test('a promise read throws, and so does the product loading it', async () => {
    await expect(readFile(userConfig, 'utf8')).rejects.toThrow(/read the user's configuration/);
    await expect(loadConfig(userConfig)).rejects.toThrow(/read the user's configuration/);
  });

  test('other files of the project still read', () => {
    expect(JSON.parse(readFileSync(projectFile('package.json'), 'utf8'))).toMatchObject({ name: 'cosell-sync' });
  });
});

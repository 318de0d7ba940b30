// Loaded by jest before every test file (setupFiles). The project's pac.config.json is the user's to edit, so no
// test may read it: every read of that one file through node:fs throws here, whichever module tries. Tests
// build from test/fixtures/config/ instead (test/support/model.ts). test/repo/independence.test.ts checks the guard.
// Plain CommonJS: jest loads setup files before its TypeScript transform applies to the suite's own imports.
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const { syncBuiltinESMExports } = require('node:module');

const GUARDED = Symbol.for('cosell.guardUserConfig');
if (!fs[GUARDED]) {
  const userConfig = path.resolve(__dirname, '..', '..', 'pac.config.json');
  const refuse = (file) => {
    if (typeof file === 'string' && path.resolve(file) === userConfig) {
      throw new Error(
        `a test read the user's configuration ${userConfig}: tests build from test/fixtures/config/ (test/support/model.ts) instead`,
      );
    }
  };
  const guardSync = (owner, name) => {
    const original = owner[name];
    owner[name] = function guarded(file, ...rest) {
      refuse(file);
      return original.call(this, file, ...rest);
    };
  };
  const guardAsync = (owner, name) => {
    const original = owner[name];
    owner[name] = async function guarded(file, ...rest) {
      refuse(file);
      return original.call(this, file, ...rest);
    };
  };
  for (const name of ['readFileSync', 'copyFileSync', 'openSync', 'createReadStream']) guardSync(fs, name);
  for (const name of ['readFile', 'copyFile', 'open']) guardAsync(fsp, name);
  fs[GUARDED] = true;
  syncBuiltinESMExports();
}
